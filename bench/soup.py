"""A weight soup: the element-wise mean of two or more model files of one architecture (e.g. the float16 `.npz` that
`stemsep train` and the GPU scripts' exports write), saved by `save_model` as a model file that `stemsep separate -m`
takes. The results files of 2026-12-04 and 2026-12-05 score soups of the shipped weights and a later stage (e.g.
`drums_accompaniment` with its FluidR3 stage: 6.79 / 11.27 on the real clip, +1.2 / +3.0 dB on songs of unheard
instruments). The models must agree on `ARCH_FIELDS` (signal, stems, architecture); training-only settings (loss
weights, learning rate, seed) may differ, and the first file's are kept.
  python bench/soup.py OUT.npz A.npz B.npz [C.npz ...] [--weights 0.5,0.5] [--force]"""
import argparse, sys
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('out'); ap.add_argument('models', nargs='+')
    ap.add_argument('--weights', default=None, help='comma-separated mixing weights, one per model (default: equal)')
    ap.add_argument('--force', action='store_true', help='overwrite OUT')
    a = ap.parse_args()
    from stemsep.model import load_model, save_model, ARCH_FIELDS
    from stemsep.config import check_compatible, StemsepError
    if len(a.models) < 2: sys.exit("soup: give at least two model files")
    if Path(a.out).exists() and not a.force: sys.exit(f"soup: {a.out} exists (--force to overwrite)")
    w = np.array([float(x) for x in a.weights.split(',')] if a.weights else [1.]*len(a.models))
    if len(w) != len(a.models) or np.any(w < 0) or w.sum() <= 0: sys.exit("soup: --weights needs one non-negative weight per model")
    w = w/w.sum()
    try:
        model, cfg = load_model(a.models[0])
        mean = [w[0]*x for x in model.get_weights()]
        for m, wi in zip(a.models[1:], w[1:]):
            other, ocfg = load_model(m)
            check_compatible(cfg, ocfg, what=m, keys=ARCH_FIELDS)
            mean = [acc + wi*x for acc, x in zip(mean, other.get_weights())]
        model.set_weights(mean)
        save_model(model, cfg, a.out, extra={'soup': [str(m) for m in a.models], 'soup_weights': [round(float(x), 6) for x in w]})
    except StemsepError as e: sys.exit(f"soup: {e}")
    print(f"wrote {a.out}: mean of {len(a.models)} models, weights {', '.join(f'{x:.3g}' for x in w)}")

if __name__ == '__main__': main()
