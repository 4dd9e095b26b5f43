# Shared by the bench/gpu_*.sh scripts; source it from the repo root on the lent GPU machine, with .whl/ and
# gpu_carry/ carried and OUT set. It installs the wheels (once per machine) and exports the environment, and gives:
#   stamp MESSAGE          elapsed seconds + MESSAGE, printed and appended to $STAMPS ($OUT/stamps.txt)
#   $S                     the stemsep command line;  $SF  every SoundFont at hand (TimGM6mb + gpu_carry/sf/*)
#   unpack_midi DIR        gpu_carry/midi.tar.xz -> DIR/midi (once)
#   render_data D W FLAGS  N_MIDI excerpts of DIR/midi + N_COMP composed songs of SECS s (seeds SEED, SEED+1000),
#                          `stemsep synth FLAGS`, stems, preprocess -> D/data.h5 with W workers; log in D.log
#   test_set DIR W FLAGS   N_TEST held-out songs of 20 s (seed 4242) -> DIR/../tests/NAME tracks; their melodic
#                          SoundFonts are $TEST_SF (default $SF)
#   $GM, $FL               TimGM6mb alone; the carried gpu_carry/sf/* alone (empty when none: gpu_carry.sh FONTS=fluidr3)
#   fonts all|gm|fl        the SoundFont files of $SF, $GM or $FL ($GM when nothing is carried)
t0=$(date +%s); STAMPS=${STAMPS:-$OUT/stamps.txt}
stamp(){ echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a $STAMPS; }
[ -n "${SKIP_INSTALL:-}" ] || [ -d /tmp/site/keras ] || \
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
[ -f gpu_carry/espeakng_loader.tar.xz ] && [ ! -d /tmp/site/espeakng_loader ] && mkdir -p /tmp/site && tar xJf gpu_carry/espeakng_loader.tar.xz -C /tmp/site
[ -f gpu_carry/pysinsy_src.tar.xz ] && [ ! -d /tmp/site/pysinsy ] && bash bench/build_pysinsy.sh /tmp/site > /tmp/pysinsy_build.log 2>&1
export PYTHONPATH=/tmp/site:$PWD${EXTRA_PYTHONPATH:+:$EXTRA_PYTHONPATH} KERAS_BACKEND=jax PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2 NCCL_NVLS_ENABLE=0
S="python3 -m stemsep"
SF="$(python3 -c 'import importlib.util,os;print(os.path.join(os.path.dirname(importlib.util.find_spec("pretty_midi").origin),"TimGM6mb.sf2"))') $(ls gpu_carry/sf/*.sf* 2>/dev/null)"
GM=${SF%% *}; FL=$(ls gpu_carry/sf/*.sf* 2>/dev/null | tr '\n' ' ')
fonts(){ case $1 in gm) echo $GM;; fl) echo ${FL:-$GM};; *) echo $SF;; esac; }
unpack_midi(){ [ -d $1/midi ] || tar xJf gpu_carry/midi.tar.xz -C $1; MIDI_DIR=$1/midi; }
render_data(){
  local d=$1 w=$2; shift 2; mkdir -p $d
  $S synth $d/synth_midi --songs $N_MIDI --seconds $SECS --midi $MIDI_DIR --soundfont $SF --workers $w --seed $SEED "$@" > $d.log 2>&1
  $S synth $d/synth_comp --songs $N_COMP --seconds $SECS --soundfont $SF --workers $w --seed $((SEED+1000)) "$@" >> $d.log 2>&1
  $S stems $d/synth_midi --out $d/tracks/midi --workers $w >> $d.log 2>&1
  $S stems $d/synth_comp --out $d/tracks/comp --workers $w >> $d.log 2>&1
  $S preprocess $d/tracks --out $d/data.h5 --workers $w --allow-silent --val-fraction 0.08 >> $d.log 2>&1
  stamp "data $(basename $d): $(tail -1 $d.log)"
}
test_set(){
  local d=$1 w=$2; shift 2
  $S synth $d/synth --songs ${N_TEST:-8} --seconds 20 --midi $MIDI_DIR --soundfont ${TEST_SF:-$SF} --workers $w --seed 4242 "$@" > $d.log 2>&1
  $S stems $d/synth --out $(dirname $d)/tests/$(basename $d) --workers $w >> $d.log 2>&1; stamp "test set $(basename $d): $(tail -1 $d.log)"
}
