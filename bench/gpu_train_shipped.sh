#!/usr/bin/env bash
# How the built-in drums/accompaniment model was trained: render -> stems -> preprocess -> train, all with the
# `stemsep` command line, on one lent GPU machine (Keras 3 on JAX; no TensorFlow there). Run from the repo root
# with the wheels in .whl/ and SoundFonts + MIDI in gpu_carry/ (see the model card in nbs/05_predict or README).
#   MODE=compare : train the paper U-Net and the Spleeter-style U-Net side by side on one GPU (same data, same time)
#   MODE=single  : train one configuration (ARCH, OUTPUT), optionally warm-started from INIT (weights file)
# Results (weights split in <16 MB parts, logs, configs) go to $OUT.
set -u
MODE=${MODE:-compare}; N_MIDI=${N_MIDI:-160}; N_COMP=${N_COMP:-90}; SECONDS_PER_SONG=${SECONDS_PER_SONG:-30}
TRAIN_S=${TRAIN_S:-290}; BATCH=${BATCH:-16}; SEED=${SEED:-1}; WORKERS=${WORKERS:-16}
OUT=${OUT:-/tmp/out}; W=/tmp/w; mkdir -p $W $OUT
t0=$(date +%s); stamp(){ echo "[$(( $(date +%s) - t0 )) s] $*"; }
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD KERAS_BACKEND=jax PYTHONUNBUFFERED=1 TF_CPP_MIN_LOG_LEVEL=2
nvidia-smi -L; python3 -c "import jax, keras; print('jax', jax.__version__, jax.devices(), 'keras', keras.__version__)"
tar xJf gpu_carry/midi.tar.xz -C $W
SF="$(python3 -c 'import pretty_midi,os;print(os.path.dirname(pretty_midi.__file__))')/TimGM6mb.sf2 $(ls gpu_carry/sf/*.sf*)"
stamp "soundfonts: $SF"
S="python3 -m stemsep"
stamp synth; $S synth $W/synth_midi --songs $N_MIDI --seconds $SECONDS_PER_SONG --midi $W/midi --soundfont $SF --effects --workers $WORKERS --seed $SEED | tail -3
$S synth $W/synth_comp --songs $N_COMP --seconds $SECONDS_PER_SONG --soundfont $SF --effects --workers $WORKERS --seed $((SEED+1000)) | tail -3
stamp stems; $S stems $W/synth_midi --out $W/tracks/midi --workers $WORKERS | tail -2
$S stems $W/synth_comp --out $W/tracks/comp --workers $WORKERS | tail -2
stamp preprocess; $S preprocess $W/tracks --out $W/data.h5 --workers $WORKERS --allow-silent --val-fraction 0.08 | tail -3
ls -la $W/data.h5
run_train(){ # name, extra args
  local name=$1; shift
  timeout -s INT $TRAIN_S $S train $W/data.h5 --model-dir $W/$name --epochs ${EPOCHS:-30} --batch-size $BATCH \
     --augment --workers 6 --patience 0 --no-resume --max-minutes $(python3 -c "print(($TRAIN_S-25)/60)") "$@" > $OUT/train_$name.log 2>&1
  echo "train $name exit $?" >> $OUT/train_$name.log
}
stamp train
if [ "$MODE" = compare ]; then
  export XLA_PYTHON_CLIENT_MEM_FRACTION=0.45
  run_train paper --arch paper --output ${OUTPUT:-direct} & run_train spleeter --arch spleeter --output mask --depth 6 --base-filters 16 & wait
  NAMES="paper spleeter"
else
  run_train single --arch ${ARCH:-paper} --output ${OUTPUT:-direct} ${INIT:+--init $INIT}
  NAMES=single
fi
stamp "trained"; nvidia-smi --query-gpu=name,memory.used --format=csv
for n in $NAMES; do
  tail -c 3000 $OUT/train_$n.log | tr '\r' '\n' | grep -v "^\s*$" | tail -12
  mkdir -p $W/small/$n; cp $W/$n/training_log.csv $W/$n/config.json $W/small/$n/ 2>/dev/null; mv $OUT/train_$n.log $W/small/$n/
  python3 - $W/$n $OUT $n <<'PY'
import sys, numpy as np, h5py, keras, pathlib
src, out, name = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
w = src/'model.weights.h5'
if not w.exists(): print(name, 'no weights'); sys.exit()
from stemsep.model import load_model
model, cfg = load_model(w)
arrs = [np.asarray(v).astype(np.float16) for v in model.get_weights()]
np.savez(out/f'w16_{name}.npz', *arrs)
p = out/f'w16_{name}.npz'; data = p.read_bytes(); p.unlink()
for i in range(0, len(data), 15_000_000): (out/f'w16_{name}.part{i//15_000_000}').write_bytes(data[i:i+15_000_000])
print(name, 'weights', len(arrs), 'arrays', len(data)/1e6, 'MB (float16 npz, split)')
PY
done
tar czf $OUT/runs.tgz -C $W/small .
ls -la $OUT; stamp done
