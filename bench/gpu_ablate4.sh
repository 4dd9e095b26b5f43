#!/usr/bin/env bash
# Issue 8: what each domain randomisation buys on the real clip. Four trainings side by side, one per GPU of a
# 4-GPU host: same MIDI excerpts and composed songs (same seeds), same SoundFonts, same architecture (the shipped
# Spleeter-style mask U-Net), same minutes. Variants:
#   dry   : SoundFonts only            fx    : + random per-stem effects and gains (the first shipped recipe)
#   vox   : + a synthetic singer       fxvox : effects and singer
# Each model is scored on the real clip (bench/quick_real_sdr.py); float16 weights come back in $OUT
# (then `stemsep evaluate` here gives the BSSEval v4 figures). Data and models stay in $STATE for gpu_final.sh.
# Run from the repo root with .whl/ and gpu_carry/ (SoundFonts, midi.tar.xz, real/) carried.
set -u
N_MIDI=${N_MIDI:-250}; N_COMP=${N_COMP:-100}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-560}; SEED=${SEED:-31}
ARCH=${ARCH:---arch spleeter --output mask --depth 6 --base-filters 16}; BATCH=${BATCH:-16}; VOCALS=${VOCALS:-0.7}; VARIANTS=${VARIANTS:-dry fx vox fxvox}
OUT=${OUT:-/tmp/out}; STATE=${STATE:-$PWD/gpu_state}; mkdir -p $STATE $OUT
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt; NGPU=$(nvidia-smi -L 2>/dev/null | wc -l); [ $NGPU -lt 1 ] && NGPU=1; NCPU=$(nproc)
W=$((NCPU/4)); [ $W -lt 2 ] && W=2
unpack_midi $STATE
flags(){ case $1 in dry) echo "";; fx) echo "--effects";; vox) echo "--vocals $VOCALS";; fxvox) echo "--effects --vocals $VOCALS";; esac; }
test_set $STATE/test_fx 4 --effects & test_set $STATE/test_fxvox 4 --effects --vocals 1 &
stamp "rendering $VARIANTS ($N_MIDI MIDI excerpts + $N_COMP composed songs x $SECS s each), $W workers each"
for v in $VARIANTS; do render_data $STATE/$v $W $(flags $v) & done; wait
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - 45 ))
stamp "training each for $TRAIN_S s on its own GPU"
i=0
for v in $VARIANTS; do
  CUDA_VISIBLE_DEVICES=$((i % NGPU)) timeout -k 20 -s INT $TRAIN_S $S train $STATE/$v/data.h5 --model-dir $STATE/models/$v \
    --epochs 200 --batch-size $BATCH --augment --data-backend memory --workers 4 --patience 0 --no-resume --seed 3 \
    --max-minutes $(python3 -c "print(($TRAIN_S-40)/60)") $ARCH \
    > $STATE/train_$v.log 2>&1 &
  i=$((i+1))
done; wait
stamp "trained"
mkdir -p $OUT/small
for v in $VARIANTS; do
  tr '\r' '\n' < $STATE/train_$v.log | grep -E "^epoch|Error|error" | tail -3
  cp $STATE/models/$v/training_log.csv $OUT/small/log_$v.csv 2>/dev/null; tr '\r' '\n' < $STATE/train_$v.log | grep -v "^\s*$" | tail -30 > $OUT/small/train_$v.log
done
i=0
for v in $VARIANTS; do
  [ -f $STATE/models/$v/model.weights.h5 ] && CUDA_VISIBLE_DEVICES=$((i % NGPU)) python3 bench/quick_real_sdr.py $STATE/models/$v/model.weights.h5 \
    --real gpu_carry/real --tracks $STATE/tests/test_fx $STATE/tests/test_fxvox --json $OUT/small/quick_$v.json > $STATE/score_$v.log 2>&1 &
  i=$((i+1))
done; wait
cat $STATE/score_*.log | grep -v Warning | tee -a $OUT/stamps.txt
python3 - $STATE $OUT <<'PY'
import sys, json, pathlib
state, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
q = {}
for f in sorted((out/'small').glob('quick_*.json')): q.update(json.loads(f.read_text()))
rank = sorted(q, key=lambda m: -q[m]['real']['drums'])
(state/'best.txt').write_text(pathlib.Path(rank[0]).parent.name)
print('ranked on the real clip (drums):', [pathlib.Path(m).parent.name for m in rank])
(state/'export.txt').write_text(' '.join(f'{pathlib.Path(m).parent.name}={m}' for m in rank[:2]))  # at most 8 files come back
PY
python3 bench/export_parts.py $OUT $(cat $STATE/export.txt)
cp $OUT/stamps.txt $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
