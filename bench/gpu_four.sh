#!/usr/bin/env bash
# Issue 16: the four-stem model (drums / bass / vocals / other) in the built-in model's shape (stereo input channels,
# STFT 2048/1024, 512 bins), and what its singer buys. Runs side by side on one GPU, each on its own songs (the same
# MIDI, kits and seeds; only the singer differs), each started from the built-in drums/accompaniment model widened to
# four outputs by bench/init_stems.py (drums from drums; bass, vocals and other from accompaniment):
#   V  the speech singer (`synth --singer speech`: eSpeak NG words re-pitched onto the melody with WORLD)
#   F  the formant singer (`synth --singer formant`: the singer of the earlier four-stem runs), the control
#   SINGER_F / SINGER_V pick another singer or a list to draw from per song (e.g. SINGER_F=formant,sinsy,sinsy: two
#   songs in three sung by Sinsy, built on the GPU machine by bench/build_pysinsy.sh from gpu_carry/pysinsy_src.tar.xz;
#   if it does not build there, the run falls back to the formant singer and says so); TEST_SINGERS names the held-out
#   sets (default: speech formant).
#   FONTS_F / FONTS_V pick a run's melodic SoundFonts: all (default: TimGM6mb + gpu_carry/sf/*, e.g. FluidR3 Mono's
#   instruments from FONTS=fluidr3 bash bench/gpu_carry.sh) or gm (TimGM6mb alone, the recipe of the shipped stages);
#   TEST_FONTS renders each held-out set with each of all, gm, fl (gpu_carry/sf/* alone; stems whose program a cut-down
#   SoundFont lacks stay silent there): e.g. TEST_FONTS="gm fl".
# Every call starts on a fresh machine (nothing survives between calls): it renders its songs, preprocesses them, trains
# for what is left of DEADLINE, and scores each model on the real clip and on held-out four-stem songs of both singers
# (bench/quick_real_sdr.py). The float16 weights of $BRING come back in parts (cat V.npz.part* > V.npz). A later call
# continues a run from those weights: WEIGHTS_V=path/to/V.npz (carried; e.g. swapped in for a tracked file), SEED=new.
#   call 1:  RUNS="V F" bash bench/gpu_four.sh           (the ablation: ~4 min of training each, side by side)
#   call 2+: RUNS=V WEIGHTS_V=... SEED=94 LR=0.0003 bash bench/gpu_four.sh   (the winner alone: ~6.5 min a call)
# Run from the repo root with .whl/ and gpu_carry/ carried (bash bench/gpu_carry.sh blackpearl: the speech singer's
# eSpeak NG and WORLD come with it). Size: tracked files 38.5 MB (two built-in models), .whl 13.9 MB, gpu_carry 15.9 MB
# make 68.3 MB, over the 64-MiB limit, and since four_stems shipped (2026-12-04) the tracked files hold three models
# (56.7 MB); with FONTS=fluidr3 bash bench/gpu_carry.sh blackpearl (FluidR3 Mono's instruments, 12.1 MB) a call carries
# 64.0 MB of the 67.1 MB: tracked files with two models emptied 20.8, .whl 13.9, gpu_carry 29.3.
# No call needs drums_accompaniment_v1 or four_stems' own file: both travel emptied
# (`: > stemsep/assets/drums_accompaniment_v1/model.npz; : > stemsep/assets/four_stems/model.npz`; `git checkout
# stemsep/assets` after the call). To continue the shipped four_stems model, put its model.npz in place of
# drums_accompaniment's, as below. A later call
# needs only the weights it continues from, so they travel in place of the built-in model's file:
#   cat V.npz.part* > /tmp/V.npz; cp /tmp/V.npz stemsep/assets/drums_accompaniment/model.npz
#   then RUNS=V WEIGHTS_V=stemsep/assets/drums_accompaniment/model.npz ... (the preprocess configuration comes from it)
set -u
N_MIDI=${N_MIDI:-150}; N_COMP=${N_COMP:-60}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-555}; SEED=${SEED:-93}
BATCH=${BATCH:-16}; LR=${LR:-0.0005}; N_TEST=${N_TEST:-8}; SCORE_S=${SCORE_S:-80}; VOCALS=${VOCALS:-0.85}
KICK_ALONE=${KICK_ALONE:-0.3}   # training songs: share of layered drum tracks whose kick is synthetic alone (synth --kick-alone)
INIT=${INIT:-stemsep/assets/drums_accompaniment/model.npz}; RUNS=${RUNS:-V F}; BRING=${BRING:-$RUNS}
ARCH="--arch spleeter --output mask --depth 6 --base-filters 16"
OUT=${OUT:-/tmp/out}; STATE=${STATE:-$PWD/.gpu_state}; mkdir -p $STATE $OUT   # not /tmp: it may be memory
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt
mkdir -p $STATE/debs; for d in gpu_carry/*.deb; do [ -f "$d" ] && dpkg -x "$d" $STATE/debs; done
for x in gpu_carry/*.sf2.xz; do [ -f "$x" ] && xz -dc $x > $STATE/debs/$(basename ${x%.xz}); done
AVL=$(ls $STATE/debs/usr/share/sounds/sf2/*.sf2 $STATE/debs/*.sf2 2>/dev/null | tr '\n' ' ')
stamp "kits: GM=$GM AVL=[$AVL]; singer check: $(python3 -c 'import espeakng_loader, pyworld; print("eSpeak NG + WORLD")' 2>&1 | tail -1); $(python3 -c 'import pysinsy; print("Sinsy")' 2>&1 | tail -1)"
unpack_midi $STATE
if [[ "${SINGER_F:-}${SINGER_V:-}" == *sinsy* ]] && ! python3 -c 'import pysinsy' 2>/dev/null; then
  stamp "Sinsy did not build ($(tail -1 /tmp/pysinsy_build.log 2>/dev/null)): the formant singer instead"
  SINGER_F=formant; SINGER_V=formant; TEST_SINGERS=$(echo ${TEST_SINGERS:-speech formant} | sed 's/sinsy//')
fi
singer(){ case $1 in V) echo ${SINGER_V:-speech};; F) echo ${SINGER_F:-formant};; esac; }   # SINGER_F=formant,sinsy: a list to draw from
run_fonts(){ local v=FONTS_$1; fonts ${!v:-all}; }
if [ -n "${WEIGHTS_V:-}${WEIGHTS_F:-}" ]; then    # a later call: the four-stem weights give the configuration
  python3 bench/init_stems.py ${WEIGHTS_V:-$WEIGHTS_F} $STATE/init.npz drums=drums bass=bass vocals=vocals other=other 2>&1 | tail -1
else python3 bench/init_stems.py $INIT $STATE/init.npz drums=drums bass=accompaniment vocals=accompaniment other=accompaniment 2>&1 | tail -1; fi
declare -A START
for r in $RUNS; do w=WEIGHTS_$r; START[$r]=${!w:-$STATE/init.npz}; stamp "run $r ($(singer $r) singer; SoundFonts $(run_fonts $r)) starts from ${START[$r]}"; done
NR=$(echo $RUNS | wc -w); W=$(( 14/NR ))
render(){   # RUN: stereo four-stem songs with that run's singer -> $STATE/$RUN/data.h5
  local r=$1 d=$STATE/$1; mkdir -p $d
  for src in midi comp; do
    if [ $src = midi ]; then a="--songs $N_MIDI --midi $MIDI_DIR --seed $SEED"; else a="--songs $N_COMP --seed $((SEED+1000))"; fi
    $S synth $d/synth_$src $a --seconds $SECS --soundfont $(run_fonts $r) --workers $W --channels 2 --drum-layers 0.7 --kick-alone $KICK_ALONE --drumkits $GM $AVL \
      --vocals $VOCALS --singer $(singer $r) >> $d.log 2>&1
    $S stems $d/synth_$src --submix drums_bass_vocals_other --out $d/tracks/$src --workers $W >> $d.log 2>&1; rm -rf $d/synth_$src
  done
  $S preprocess $d/tracks --out $d/data.h5 --config $STATE/init.json --cache-dir $d/cache --workers $W --allow-silent --val-fraction 0.08 >> $d.log 2>&1
  rm -rf $d/cache $d/tracks; stamp "data $r: $(tail -1 $d.log) $(du -sh $d/data.h5 | cut -f1)"
}
tests(){    # held-out four-stem songs (seed 4242, mono, every song with a tune sung), one set per singer
  for s in ${TEST_SINGERS:-speech formant}; do for f in ${TEST_FONTS:-all}; do ( d=$STATE/test_$s${TEST_FONTS:+_$f}
    $S synth $d --songs $N_TEST --seconds 20 --midi $MIDI_DIR --soundfont $(fonts $f) --workers 1 --seed 4242 --vocals 1 --singer $s \
      --drum-layers 0.7 --drumkits $GM $AVL > $d.log 2>&1
    $S stems $d --submix drums_bass_vocals_other --out $STATE/tests/$(basename $d) --workers 1 >> $d.log 2>&1; stamp "test set $(basename $d): $(tail -1 $d.log)" ) &
  done; done; wait
}
[ $N_TEST -gt 0 ] && tests &
for r in $RUNS; do render $r & done; wait
(df -h $STATE; free -g) 2>&1 | tee -a $OUT/stamps.txt
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - SCORE_S )); MIN=$(python3 -c "print(($TRAIN_S-45)/60)")
stamp "training $RUNS for $TRAIN_S s each"
export XLA_PYTHON_CLIENT_MEM_FRACTION=$(python3 -c "print(round(0.9/$NR, 2))")
for r in $RUNS; do
  timeout -k 20 -s INT $TRAIN_S $S train $STATE/$r/data.h5 --model-dir $STATE/models/$r --epochs 200 --batch-size $BATCH \
    --augment --data-backend memory --workers $(( 8/NR )) --patience 0 --no-resume --seed $SEED --init ${START[$r]} --lr $LR \
    --max-minutes $MIN $ARCH > $STATE/train_$r.log 2>&1 &
done; wait
stamp "trained"
mkdir -p $OUT/small; export XLA_PYTHON_CLIENT_MEM_FRACTION=0.15
T=$(ls -d $STATE/tests/* 2>/dev/null | tr '\n' ' ')
for r in $RUNS; do
  python3 bench/quick_real_sdr.py $STATE/models/$r/model.weights.h5 --real gpu_carry/real ${T:+--tracks $T} --json $OUT/small/quick_$r.json > $OUT/small/quick_$r.txt 2>&1 &
done; wait
for r in $RUNS; do
  grep -v Warning $OUT/small/quick_$r.txt | grep -E "songs\)|Error" | sed "s|^[^ ]*|$r|" | tee -a $STAMPS
  tr '\r' '\n' < $STATE/train_$r.log | grep -E "^epoch .*val_loss|Error" | tail -2 | sed "s|^|$r |" | tee -a $STAMPS
  for f in training_log.csv config.json training_curves.png; do cp $STATE/models/$r/$f $OUT/small/${r}_$f 2>/dev/null; done
  tr '\r' '\n' < $STATE/train_$r.log | grep -v "^\s*$" | tail -30 > $OUT/small/train_$r.log; tail -3 $STATE/$r.log > $OUT/small/songs_$r.log
done
python3 bench/export_parts.py $OUT $(for r in $BRING; do echo -n "$r=$STATE/models/$r/model.weights.h5 "; done)
cp $STAMPS $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
