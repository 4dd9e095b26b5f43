"""A weight soup: the element-wise mean of two or more model files of one shape (float16 `.npz` as `stemsep train`
and the GPU scripts' exports write them), written as a model file that `stemsep separate -m` takes. The results
files of 2026-12-04 and 2026-12-05 score soups of the shipped weights and a later stage (e.g. `drums_accompaniment`
with its FluidR3 stage: 6.79 / 11.27 on the real clip, +1.2 / +3.0 dB on songs of unheard instruments).
The architecture and STFT settings must agree; training-only settings (loss weights, learning rate, seed) may differ,
and the first file's are kept.
  python bench/soup.py OUT.npz A.npz B.npz [C.npz ...] [--weights 0.5,0.5] [--force]"""
import argparse, json, sys
from pathlib import Path
import numpy as np

TRAINING_ONLY = {'loss_weights', 'learning_rate', 'seed', 'epochs', 'batch_size', 'dropout'}

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out'); ap.add_argument('models', nargs='+')
    ap.add_argument('--weights', default=None, help='comma-separated mixing weights, one per model (default: equal)')
    ap.add_argument('--force', action='store_true', help='overwrite OUT')
    a = ap.parse_args()
    from stemsep.utils import atomic_path
    if len(a.models) < 2: sys.exit("soup: give at least two model files")
    if Path(a.out).exists() and not a.force: sys.exit(f"soup: {a.out} exists (--force to overwrite)")
    w = np.array([float(x) for x in a.weights.split(',')] if a.weights else [1.]*len(a.models))
    if len(w) != len(a.models) or np.any(w < 0) or w.sum() <= 0: sys.exit("soup: --weights needs one non-negative weight per model")
    w = w/w.sum()
    files = [np.load(m) for m in a.models]
    cfgs = [json.loads(str(f['stemsep_config'])) for f in files]
    for m, c in zip(a.models[1:], cfgs[1:]):
        diff = sorted(k for k in set(c) | set(cfgs[0]) if k not in TRAINING_ONLY and c.get(k) != cfgs[0].get(k))
        if diff: sys.exit(f"soup: {m} differs from {a.models[0]} in {', '.join(diff)}")
    keys = [k for k in files[0].files if not k.startswith('stemsep_')]
    for m, f in zip(a.models[1:], files[1:]):
        if [k for k in f.files if not k.startswith('stemsep_')] != keys or any(f[k].shape != files[0][k].shape for k in keys):
            sys.exit(f"soup: {m} holds other weights than {a.models[0]}")
    arrays = {k: sum(wi*f[k].astype(np.float32) for wi, f in zip(w, files)).astype(np.float16) for k in keys}
    extra = json.dumps({'soup': [str(m) for m in a.models], 'soup_weights': [round(float(x), 6) for x in w]})
    with atomic_path(a.out) as tmp, open(tmp, 'wb') as fh:
        np.savez_compressed(fh, stemsep_config=files[0]['stemsep_config'], stemsep_extra=np.array(extra), **arrays)
    print(f"wrote {a.out}: mean of {len(a.models)} models, weights {', '.join(f'{x:.3g}' for x in w)}")

if __name__ == '__main__': main()
