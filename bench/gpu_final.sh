#!/usr/bin/env bash
# Issue 8, second call after gpu_ablate4.sh on the same (warm) 4-GPU machine: the built-in models.
#  - doubles the winning variant's data (same seeds, songs N..2N-1 are new),
#  - GPUs 0..N-2: the drums/accompaniment model, fine-tuned from the variant's weights (Keras DataParallel),
#  - last GPU: a drums/bass/rest model from scratch on the same songs.
# Without $STATE from the first call (a fresh machine), it renders the data first and trains both from scratch.
set -u
N_MIDI=${N_MIDI:-250}; N_COMP=${N_COMP:-100}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-560}; SEED=${SEED:-31}
ARCH=${ARCH:---arch spleeter --output mask --depth 6 --base-filters 16}; PER_GPU=${PER_GPU:-16}; VOCALS=${VOCALS:-0.7}
OUT=${OUT:-/tmp/out}; STATE=${STATE:-$PWD/gpu_state}; mkdir -p $STATE $OUT
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt; NGPU=$(nvidia-smi -L 2>/dev/null | wc -l); [ $NGPU -lt 1 ] && NGPU=1; W=$(nproc)
BEST=${BEST:-$(cat $STATE/best.txt 2>/dev/null || echo fxvox)}
INIT=$STATE/models/$BEST/model.weights.h5; [ -f $INIT ] || INIT=
stamp "variant $BEST, init from ${INIT:-nothing (fresh machine)}"
unpack_midi $STATE
case $BEST in dry) F="";; fx) F="--effects";; vox) F="--vocals $VOCALS";; *) F="--effects --vocals $VOCALS";; esac
d=$STATE/$BEST; mkdir -p $d
$S synth $d/synth_midi --songs $((2*N_MIDI)) --seconds $SECS --midi $MIDI_DIR --soundfont $SF --workers $W --seed $SEED $F 2>&1 | tail -2
$S synth $d/synth_comp --songs $((2*N_COMP)) --seconds $SECS --soundfont $SF --workers $W --seed $((SEED+1000)) $F 2>&1 | tail -2
for sub in drums_accompaniment drums_bass_rest; do
  for src in midi comp; do $S stems $d/synth_$src --submix $sub --out $d/tracks_$sub/$src --workers $W 2>&1 | tail -1; done
  $S preprocess $d/tracks_$sub --out $d/big_$sub.h5 --workers $W --allow-silent --val-fraction 0.08 --stems $(echo ${sub//_/,} | sed s/drums,acc/drums,acc/) 2>&1 | tail -1 | tee -a $OUT/stamps.txt
done
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - 45 )); MIN=$(python3 -c "print(($TRAIN_S-40)/60)")
stamp "training both for $TRAIN_S s"
ALL=$(seq -s, 0 $((NGPU-2))); [ $NGPU -lt 2 ] && ALL=0
CUDA_VISIBLE_DEVICES=$ALL timeout -k 20 -s INT $TRAIN_S $S train $d/big_drums_accompaniment.h5 --model-dir $STATE/final_da \
  --epochs 300 --batch-size $((PER_GPU*(NGPU>1 ? NGPU-1 : 1))) --augment --data-backend memory --workers 8 --patience 0 --no-resume \
  --seed 5 --max-minutes $MIN $ARCH ${INIT:+--init $INIT --lr ${LR:-0.0005}} > $STATE/train_final_da.log 2>&1 &
CUDA_VISIBLE_DEVICES=$((NGPU-1)) timeout -k 20 -s INT $TRAIN_S $S train $d/big_drums_bass_rest.h5 --model-dir $STATE/final_dbr \
  --epochs 300 --batch-size $PER_GPU --augment --data-backend memory --workers 4 --patience 0 --no-resume \
  --seed 5 --max-minutes $MIN $ARCH > $STATE/train_final_dbr.log 2>&1 &
wait; stamp "trained"
mkdir -p $OUT/small
for n in final_da final_dbr; do
  tr '\r' '\n' < $STATE/train_$n.log | grep -E "^epoch .*val_loss|data parallel|Error" | tail -4
  tr '\r' '\n' < $STATE/train_$n.log | grep -v "^\s*$" | tail -40 > $OUT/small/train_$n.log
  cp $STATE/$n/training_log.csv $OUT/small/log_$n.csv 2>/dev/null; cp $STATE/$n/config.json $OUT/small/config_$n.json 2>/dev/null
done
MODELS=$(for n in final_da final_dbr; do [ -f $STATE/$n/model.weights.h5 ] && echo $STATE/$n/model.weights.h5; done)
CUDA_VISIBLE_DEVICES=0 python3 bench/quick_real_sdr.py $MODELS --real gpu_carry/real --json $OUT/small/quick_real_final.json 2>&1 | grep -v Warning | tee -a $OUT/stamps.txt
python3 bench/export_parts.py $OUT final_da=$STATE/final_da/model.weights.h5 final_dbr=$STATE/final_dbr/model.weights.h5
cp $OUT/stamps.txt $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
