"""Where each output track of a model comes from on the shared real clip: the least-squares projection of the track
(time domain, both channels) onto the clip's four true stems, as the energy of each part relative to the track's, in
dB, and what no stem explains (artefacts and anything non-linear). A crude, global cousin of BSSEval's SIR that names
the interfering stem: e.g. `vocals  ... bass -9.8` says the vocals track holds the bass 9.8 dB below its own level.
  python bench/real_projection.py MODEL [MODEL ...] [--clip FOLDER]"""
import argparse
import numpy as np

STEMS = ('drums', 'bass', 'vocals', 'other')

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('models', nargs='+')
    ap.add_argument('--clip', default='../shared/data/real/musdb_layout/The Easton Ellises - Falcon 69')
    a = ap.parse_args()
    from stemsep.audio import load_audio
    from stemsep.predict import separate_array, load_separator
    db = lambda x, ref: 10*np.log10(np.sum(x**2)/np.sum(ref**2) + 1e-20)
    stems = {}                                     # (stems, mixture) per sample rate and channel count: decoded once
    for m in a.models:
        model, cfg = load_separator(m)
        if (cfg.sr, cfg.n_channels) not in stems:
            true = [load_audio(f"{a.clip}/{s}.wav", sr=cfg.sr, n_channels=cfg.n_channels)[0] for s in STEMS]
            stems[cfg.sr, cfg.n_channels] = np.stack([t.ravel() for t in true], 1).astype(np.float64), sum(true)
        basis, mix = stems[cfg.sr, cfg.n_channels]
        est = separate_array(model, cfg, mix, cfg.sr)
        print(m)
        for s in cfg.stems:
            e = np.asarray(est[s], np.float64).ravel()
            coef = np.linalg.lstsq(basis, e, rcond=None)[0]
            parts = '  '.join(f"{k} {db(coef[i]*basis[:, i], e):6.1f}" for i, k in enumerate(STEMS))
            print(f"  {s:14s} {parts}  unexplained {db(e - basis @ coef, e):6.1f}  (coefficients {' '.join(f'{c:.2f}' for c in coef)})", flush=True)

if __name__ == '__main__': main()
