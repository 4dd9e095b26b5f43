#!/usr/bin/env bash
# Issue 11: the same training on 1 GPU and on all GPUs of one host (Keras DataParallel on JAX), global batch
# scaled by the number of GPUs. Run from the repo root on a multi-GPU lent machine, wheels in .whl/.
# Prints patches/s on each, the scaling efficiency, and both loss curves; files go to $OUT.
set -u
OUT=${OUT:-/tmp/out}; W=/tmp/w; mkdir -p $W $OUT; PER_GPU=${PER_GPU:-16}; MINUTES=${MINUTES:-1.6}
STAMPS=$OUT/multi.txt; . bench/gpu_lib.sh
export TORCH_SYMM_MEM_DISABLE_MULTICAST=1 NVSHMEM_DISABLE_NVLS=1
N=$(nvidia-smi -L | wc -l); nvidia-smi -L | tee -a $OUT/multi.txt
$S synth $W/synth --songs ${SONGS:-120} --seconds 20 --effects --workers 16 --seed 5 | tail -1 | tee -a $OUT/multi.txt
$S stems $W/synth --out $W/tracks --workers 16 | tail -1
$S preprocess $W/tracks --out $W/data.h5 --workers 16 --allow-silent | tail -1 | tee -a $OUT/multi.txt
run(){ # name, visible devices, global batch
  stamp "train $1: CUDA_VISIBLE_DEVICES=$2, global batch $3"
  CUDA_VISIBLE_DEVICES=$2 timeout -k 10 -s INT 200 $S train $W/data.h5 --model-dir $W/$1 --arch spleeter --output mask --depth 6 \
    --base-filters 16 --batch-size $3 --epochs 100 --patience 0 --no-resume --augment --data-backend memory --workers 8 \
    --seed 3 --max-minutes $MINUTES > $W/$1.log 2>&1
  tr '\r' '\n' < $W/$1.log | grep -E "data parallel|epoch [0-9]+/100: loss" | tee -a $OUT/multi.txt
  # steady-state speed: median batch/s of the tqdm readings after the first epoch
  python3 - $W/$1.log $3 $1 <<'PY' | tee -a $OUT/multi.txt
import re, sys, statistics
text = open(sys.argv[1]).read().replace('\r', '\n'); batch = int(sys.argv[2])
rates = [float(m.group(2)) for m in re.finditer(r'epoch (\d+)/100:.*?([\d.]+)batch/s', text) if int(m.group(1)) > 1]
print(f"{sys.argv[3]}: median {statistics.median(rates):.2f} steps/s x {batch} = {statistics.median(rates)*batch:.0f} patches/s" if rates else f"{sys.argv[3]}: no steady-state reading")
PY
  cp $W/$1/training_log.csv $OUT/log_$1.csv 2>/dev/null
}
run gpu1 0 $PER_GPU
ALL=$(seq -s, 0 $((N-1)))
run gpu$N $ALL $((PER_GPU*N))
stamp done
