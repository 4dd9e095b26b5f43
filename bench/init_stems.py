"""Start a model with other stems from a trained one. The U-Net body is shared by all stems; only the last 1x1 convolution
(`to_stems`) has one output per stem and channel, so each new stem takes the column of the source stem named for it and
every other layer is copied as it is. Gives the four-stem model the built-in two-stem model's features to start from.
  python bench/init_stems.py SOURCE_MODEL OUT.npz drums=drums bass=accompaniment vocals=accompaniment other=accompaniment"""
import dataclasses, sys
from pathlib import Path
import numpy as np

def main():
    if len(sys.argv) < 4 or sys.argv[1] in ('-h', '--help'): print(__doc__); sys.exit(0 if len(sys.argv) > 1 else 2)
    from stemsep.model import load_model, build_model, save_model
    pairs = [a.split('=', 1) for a in sys.argv[3:]]
    source, cfg = load_model(sys.argv[1])
    missing = [s for _, s in pairs if s not in cfg.stems]
    if missing: sys.exit(f"{sys.argv[1]} has stems {cfg.stems}, not {missing}")
    new_cfg = dataclasses.replace(cfg, stems=type(cfg.stems)(n for n, _ in pairs), loss_weights=None,
                                  submix='_'.join(n for n, _ in pairs))
    model, ch = build_model(new_cfg), cfg.n_channels
    cols = np.concatenate([np.arange(ch) + ch*list(cfg.stems).index(s) for _, s in pairs])   # stem-major outputs
    for layer in model.layers:
        w = source.get_layer(layer.name).get_weights()
        layer.set_weights([a[..., cols] for a in w] if layer.name == 'to_stems' else w)
    print(save_model(model, new_cfg, Path(sys.argv[2])), 'stems', new_cfg.stems, 'from', [s for _, s in pairs])

if __name__ == '__main__': main()
