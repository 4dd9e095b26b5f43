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
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt; W=$(( $(nproc)/2 )); [ $W -lt 1 ] && W=1
unpack_midi $STATE
V1=${V1:-dry:}; V2=${V2:-dlv:--drum-layers $P --vocals $P}; N1=${V1%%:*}; N2=${V2%%:*}
[ ${N_TEST:-8} -gt 0 ] && { test_set $STATE/test_fx 2 --effects & test_set $STATE/test_fxvox 2 --effects --vocals 1 & }
render_data $STATE/$N1 $W ${V1#*:} & render_data $STATE/$N2 $W ${V2#*:} & wait
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
