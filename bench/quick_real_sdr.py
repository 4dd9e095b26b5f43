"""Quick scores of trained models, for choosing among runs on the GPU machine (which has no museval): per track,
the median over 1-s windows of 10*log10(|s|^2/|s - s_hat|^2) (a plain SDR, without BSSEval's distortion filter).
On the shared real clip this agrees with `stemsep evaluate` to 0.01 dB for the first built-in model; the
figures to report still come from `stemsep evaluate` (BSSEval v4).
  --real DIR    a song as DIR/{drums,bass,other,vocals}.{wav,flac}: the mixture is their sum; a model track
                named like a stem is scored against it, its residual track against the sum of the others
  --tracks DIR  a `stemsep stems` output folder (song/{mix,<track>}.wav): the median over its songs
  python bench/quick_real_sdr.py MODEL [MODEL ...] --real gpu_carry/real --tracks test_tracks --json scores.json"""
import argparse, json
from pathlib import Path
import numpy as np

def snr(s, e): return 10*np.log10((np.sum(s**2) + 1e-12)/(np.sum((s - e)**2) + 1e-12))

def median_1s(ref, est, sr):
    wins = [snr(ref[:, i:i+sr], est[:, i:i+sr]) for i in range(0, ref.shape[1] - sr + 1, sr) if np.sum(ref[:, i:i+sr]**2) > 1e-8]
    return float(np.median(wins)) if wins else float('nan')

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('models', nargs='+'); ap.add_argument('--real', default=None); ap.add_argument('--tracks', nargs='*', default=[])
    ap.add_argument('--json', default=None)
    a = ap.parse_args()
    from stemsep.evaluate import find_song_folders, load_song
    from stemsep.predict import separate_array
    from stemsep.model import load_model
    sets = {'real': [Path(a.real)]} if a.real else {}
    for t in a.tracks: sets[Path(t).name] = find_song_folders(t)
    out = {}
    for m in a.models:
        model, cfg = load_model(m); out[m] = {}
        for name, folders in sets.items():
            per = {s: [] for s in cfg.stems}
            for folder in folders:          # mixture = sum of the tracks; a model track missing there = the rest
                mix, refs = load_song(folder, cfg)
                est = separate_array(model, cfg, mix, cfg.sr)
                for ref, s in zip(refs, cfg.stems):
                    if np.sum(ref**2) > 1e-6: per[s].append(median_1s(ref, est[s], cfg.sr))
            out[m][name] = {s: round(float(np.nanmedian(v)), 2) for s, v in per.items() if v}
            print(m, name, f"({len(folders)} songs)", '  '.join(f"{s}: {v:.2f}" for s, v in out[m][name].items()), flush=True)
    if a.json: Path(a.json).write_text(json.dumps(out, indent=1))

if __name__ == '__main__': main()
