"""Start a model with other stems, channels or STFT from a trained one. The U-Net body is shared by all stems; only the
last 1x1 convolution (`to_stems`) has one output per stem and channel, so each new stem takes the column of the source
stem named for it, and every other layer is copied as it is. With --channels 2 a mono model becomes a stereo one: the
first convolution's kernel is split between the two input channels (halved, so a centred source gives the same
response) and each stem's output column serves both channels. --n-fft/--hop change the STFT the weights will see
(the filters then adapt to the new time and frequency scales in training); --bins the patch's height (the convolutions
do not depend on it).
Gives a new model the built-in model's features to start from.
  python bench/init_stems.py SOURCE_MODEL OUT.npz drums=drums bass=accompaniment vocals=accompaniment other=accompaniment
  python bench/init_stems.py SOURCE_MODEL OUT.npz --channels 2 --n-fft 4096 --hop 1024 drums=drums accompaniment=accompaniment"""
import argparse, dataclasses
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('source'); ap.add_argument('out'); ap.add_argument('pairs', nargs='+', help='NEW=SOURCE stem names')
    ap.add_argument('--channels', type=int, choices=(1, 2)); ap.add_argument('--n-fft', type=int); ap.add_argument('--hop', type=int)
    ap.add_argument('--bins', type=int, help='frequency bins the model sees (a multiple of 2**depth), e.g. 512: 0-11 kHz at n_fft 2048')
    a = ap.parse_args()
    from stemsep.model import load_model, build_model, save_model
    pairs = [p.split('=', 1) for p in a.pairs]
    source, cfg = load_model(a.source)
    missing = [s for _, s in pairs if s not in cfg.stems]
    if missing: ap.exit(2, f"{a.source} has stems {cfg.stems}, not {missing}\n")
    over = {k: v for k, v in dict(n_channels=a.channels, n_fft=a.n_fft, hop_length=a.hop, n_bins=a.bins).items() if v is not None}
    new_cfg = dataclasses.replace(cfg, stems=type(cfg.stems)(n for n, _ in pairs), loss_weights=None,
                                  submix='_'.join(n for n, _ in pairs), **over)
    model, old_ch, new_ch = build_model(new_cfg), cfg.n_channels, new_cfg.n_channels
    # output column of (new stem, new channel): the source stem's column for that channel (channel 0 of a mono source)
    cols = np.array([old_ch*list(cfg.stems).index(s) + min(c, old_ch - 1) for _, s in pairs for c in range(new_ch)])
    for layer in model.layers:
        w = source.get_layer(layer.name).get_weights()
        if layer.name == 'to_stems': w = [x[..., cols] for x in w]
        new_shapes = [v.shape for v in layer.get_weights()]
        if w and w[0].ndim == 4 and w[0].shape != new_shapes[0]:      # first convolution: input channels differ
            k = new_shapes[0][2]//w[0].shape[2]
            w[0] = np.repeat(w[0], k, axis=2)/k if k >= 1 else w[0].sum(axis=2, keepdims=True)
        layer.set_weights(w)
    print(save_model(model, new_cfg, Path(a.out)), 'stems', new_cfg.stems, 'from', [s for _, s in pairs],
          f"channels {old_ch}->{new_ch}, STFT {cfg.n_fft}/{cfg.hop_length} -> {new_cfg.n_fft}/{new_cfg.hop_length}, "
          f"bins {cfg.n_bins} -> {new_cfg.n_bins}")

if __name__ == '__main__': main()
