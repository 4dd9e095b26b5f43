#!/usr/bin/env bash
# Issue 8: two trainings side by side on one GPU, both fine-tuned from the same model ($INIT, the best of
# gpu_ablate4.sh) on newly rendered songs (same seed $SEED), for the same time, so only the data differs.
# V1 and V2 are NAME:SYNTH-FLAGS; the defaults were the first such call:
#   dry : SoundFonts only (control: what more training on more songs buys)
#   dlv : + synthetic kick/snare layers on the drums (--drum-layers) and a synthetic singer (--vocals)
# the second call: V1="dl:--drum-layers 0.7" V2="dlvfx:--drum-layers 0.7 --vocals 0.7 --effects" N_TEST=0 TRAIN_S=360
# Scored on held-out rendered songs here (N_TEST > 0); float16 weights come back in $OUT for `stemsep evaluate`.
set -u
N_MIDI=${N_MIDI:-250}; N_COMP=${N_COMP:-100}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-560}; SEED=${SEED:-77}
BATCH=${BATCH:-16}; P=${P:-0.7}; INIT=${INIT:-gpu_carry/init.npz}; LR=${LR:-0.0005}
ARCH=${ARCH:---arch spleeter --output mask --depth 6 --base-filters 16}
OUT=${OUT:-/tmp/out}; STATE=${STATE:-/tmp/state}; mkdir -p $STATE $OUT
t0=$(date +%s); stamp(){ echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a $OUT/stamps.txt; }
[ -n "${SKIP_INSTALL:-}" ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt; W=$(( $(nproc)/2 )); [ $W -lt 1 ] && W=1
[ -d $STATE/midi ] || tar xJf gpu_carry/midi.tar.xz -C $STATE
SF="$(python3 -c 'import importlib.util,os;print(os.path.join(os.path.dirname(importlib.util.find_spec("pretty_midi").origin),"TimGM6mb.sf2"))') $(ls gpu_carry/sf/*.sf*)"
S="python3 -m stemsep"
make_data(){ # name, synth flags
  local d=$STATE/$1; shift
  $S synth $d/synth_midi --songs $N_MIDI --seconds $SECS --midi $STATE/midi --soundfont $SF --workers $W --seed $SEED "$@" > $d.log 2>&1
  $S synth $d/synth_comp --songs $N_COMP --seconds $SECS --soundfont $SF --workers $W --seed $((SEED+1000)) "$@" >> $d.log 2>&1
  $S stems $d/synth_midi --out $d/tracks/midi --workers $W >> $d.log 2>&1
  $S stems $d/synth_comp --out $d/tracks/comp --workers $W >> $d.log 2>&1
  $S preprocess $d/tracks --out $d/data.h5 --workers $W --allow-silent --val-fraction 0.08 >> $d.log 2>&1
  stamp "data $(basename $d): $(tail -1 $d.log)"
}
test_set(){ # name, flags: held-out songs (seed 4242, as gpu_ablate4.sh)
  $S synth $STATE/$1/synth --songs ${N_TEST:-8} --seconds 20 --midi $STATE/midi --soundfont $SF --workers 2 --seed 4242 ${@:2} > $STATE/$1.log 2>&1
  $S stems $STATE/$1/synth --out $STATE/tests/$1 --workers 2 >> $STATE/$1.log 2>&1
}
V1=${V1:-dry:}; V2=${V2:-dlv:--drum-layers $P --vocals $P}; N1=${V1%%:*}; N2=${V2%%:*}
[ ${N_TEST:-8} -gt 0 ] && { test_set test_fx --effects & test_set test_fxvox --effects --vocals 1 & }
make_data $N1 ${V1#*:} & make_data $N2 ${V2#*:} & wait
TRAIN_S=${TRAIN_S:-$(( DEADLINE - ($(date +%s) - t0) - 60 ))}
stamp "training both for $TRAIN_S s, from $INIT"
export XLA_PYTHON_CLIENT_MEM_FRACTION=0.45
for v in $N1 $N2; do
  timeout -k 20 -s INT $TRAIN_S $S train $STATE/$v/data.h5 --model-dir $STATE/models/$v --epochs 200 --batch-size $BATCH \
    --augment --data-backend memory --workers 4 --patience 0 --no-resume --seed 3 --init $INIT --lr $LR \
    --max-minutes $(python3 -c "print(($TRAIN_S-40)/60)") $ARCH > $STATE/train_$v.log 2>&1 &
done; wait
stamp "trained"
mkdir -p $OUT/small
for v in $N1 $N2; do
  tr '\r' '\n' < $STATE/train_$v.log | grep -E "^epoch .*val_loss|Error" | tail -2
  cp $STATE/models/$v/training_log.csv $OUT/small/log_$v.csv 2>/dev/null; tr '\r' '\n' < $STATE/train_$v.log | grep -v "^\s*$" | tail -30 > $OUT/small/train_$v.log
done
[ ${N_TEST:-8} -gt 0 ] && for v in $N1 $N2; do
  [ -f $STATE/models/$v/model.weights.h5 ] && python3 bench/quick_real_sdr.py $STATE/models/$v/model.weights.h5 \
    --tracks $STATE/tests/test_fx $STATE/tests/test_fxvox --json $OUT/small/quick_$v.json 2>&1 | grep -v Warning | tee -a $OUT/stamps.txt &
done; wait
python3 bench/export_parts.py $OUT $N1=$STATE/models/$N1/model.weights.h5 $N2=$STATE/models/$N2/model.weights.h5
cp $OUT/stamps.txt $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
