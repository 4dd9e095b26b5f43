#!/usr/bin/env bash
# How the FIRST built-in drums/accompaniment model was trained (superseded on 2026-11-26: the model now shipped comes
# from bench/gpu_ablate4.sh then bench/gpu_continue.sh, see README "The built-in model"): render -> stems -> preprocess -> train, all with the
# `stemsep` command line, on one lent GPU machine (Keras 3 on JAX; no TensorFlow there). Run from the repo root
# with the wheels in .whl/ and SoundFonts + MIDI in gpu_carry/ (see the model card, nbs/05_predict.ipynb).
#   MODE=compare : paper U-Net vs Spleeter-style U-Net, side by side on one GPU (same data, same time)
#   MODE=ablate  : Spleeter-style U-Net on rendered songs with random effects vs the same songs dry
#   MODE=single  : one configuration (ARCH, OUTPUT, FX), optionally warm-started from INIT (a model file)
# Results (float16 weights split in <16 MB parts, logs, configs) go to $OUT.
set -u
MODE=${MODE:-compare}; N_MIDI=${N_MIDI:-160}; N_COMP=${N_COMP:-90}; SECS=${SECS:-${SECONDS_PER_SONG:-30}}
DEADLINE=${DEADLINE:-560}; BATCH=${BATCH:-16}; SEED=${SEED:-1}; WORKERS=${WORKERS:-16}; BACKEND=${BACKEND:-memory}
OUT=${OUT:-/tmp/out}; W=/tmp/w; mkdir -p $W $OUT
. bench/gpu_lib.sh
nvidia-smi -L; python3 -c "import jax, keras; print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)"
unpack_midi $W
stamp "soundfonts: $SF"
make_data(){ local name=$1; shift; render_data $W/$name $WORKERS "$@"; }   # name, synth flags (e.g. --effects or nothing)
run_train(){ # name, data, extra args
  local name=$1 data=$2; shift 2
  timeout -k 20 -s INT $TRAIN_S $S train $data --model-dir $W/$name --epochs ${EPOCHS:-200} --batch-size $BATCH \
     --augment --data-backend $BACKEND --workers 6 --patience 0 --no-resume \
     --max-minutes $(python3 -c "print(($TRAIN_S-30)/60)") "$@" > $OUT/train_$name.log 2>&1
  echo "train $name exit $?" >> $OUT/train_$name.log
}
SPL="--arch spleeter --output mask --depth 6 --base-filters 16"
case $MODE in
  compare) make_data fx --effects; NAMES="paper spleeter" ;;
  ablate)  make_data fx --effects; make_data dry; NAMES="fx dry" ;;
  single)  if [ "${FX:-1}" = 1 ]; then make_data fx --effects; else make_data fx; fi; NAMES=single ;;
esac
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - 30 ))
stamp "train $NAMES for $TRAIN_S s"
case $MODE in
  compare) export XLA_PYTHON_CLIENT_MEM_FRACTION=0.45
           run_train paper $W/fx/data.h5 --arch paper --output ${OUTPUT:-direct} & run_train spleeter $W/fx/data.h5 $SPL & wait ;;
  ablate)  export XLA_PYTHON_CLIENT_MEM_FRACTION=0.45
           run_train fx $W/fx/data.h5 $SPL & run_train dry $W/dry/data.h5 $SPL & wait ;;
  single)  run_train single $W/fx/data.h5 ${ARGS:-$SPL} ${INIT:+--init $INIT} ;;
esac
stamp "trained"
for n in $NAMES; do
  tail -c 3000 $OUT/train_$n.log | tr '\r' '\n' | grep -v "^\s*$" | tail -4
  mkdir -p $W/small/$n; cp $W/$n/training_log.csv $W/$n/config.json $W/small/$n/ 2>/dev/null; mv $OUT/train_$n.log $W/small/$n/
  python3 bench/export_parts.py $OUT $n=$W/$n/model.weights.h5
done
if [ -n "${GPU_BENCH:-}" ] && [ -f $W/single/model.weights.h5 ]; then
  stamp "GPU separation bench"; timeout -k 5 ${GPU_BENCH_S:-70} python3 bench/bench_gpu.py --model $W/single/model.weights.h5 --out $W/small/gpu_bench.md $GPU_BENCH 2>&1 | tail -15
fi
mv $OUT/stamps.txt $W/small/; tar czf $OUT/runs.tgz -C $W/small .
ls -la $OUT; stamp done
