"""Compare models on the real validation split, song by song: for each stem, each model's median and mean SDR over
songs with bootstrap 95 % intervals, and the paired difference (new - old, per song) with its own interval. A model
is shipped only where the interval of the paired difference lies above zero.
  python bench/compare_val.py OLD_results.json NEW_results.json [--names OLD NEW] [--md OUT.md]
Each file is the results.json that `stemsep evaluate DATA --songs recipes/musdb18_preview_validation.txt` writes."""
import argparse, json, math
from pathlib import Path
import numpy as np
from stemsep.evaluate import bootstrap_interval

def sdr_by_song(path):
    "{stem: {song name: SDR}} of the model in one results.json."
    rep = json.loads(Path(path).read_text())
    out = {}
    for r in rep['songs']:
        name = r.get('name') or Path(r['song']).name
        for stem, m in r['scores'].get('model', {}).items():
            if m.get('SDR') is not None and math.isfinite(m['SDR']): out.setdefault(stem, {})[name] = m['SDR']
    return out

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('old'); ap.add_argument('new')
    ap.add_argument('--names', nargs=2, default=('old', 'new'))
    ap.add_argument('--md', help='also write the table here')
    args = ap.parse_args()
    old, new = sdr_by_song(args.old), sdr_by_song(args.new)
    fmt = lambda v, ci: f"{v:.2f} [{ci[0]:.2f}, {ci[1]:.2f}]"
    lines = [f"| stem | songs | {args.names[0]} median | {args.names[1]} median | {args.names[0]} mean | {args.names[1]} mean "
             f"| paired difference, median | paired difference, mean | songs better |", '|---|---:|---:|---:|---:|---:|---:|---:|---:|']
    for stem in new:
        if stem not in old: continue
        songs = sorted(set(old[stem]) & set(new[stem]))
        a, b = np.array([old[stem][s] for s in songs]), np.array([new[stem][s] for s in songs])
        d = b - a
        lines.append(f"| {stem} | {len(songs)} | {fmt(np.median(a), bootstrap_interval(a))} | {fmt(np.median(b), bootstrap_interval(b))} "
                     f"| {fmt(a.mean(), bootstrap_interval(a, np.mean))} | {fmt(b.mean(), bootstrap_interval(b, np.mean))} "
                     f"| {fmt(np.median(d), bootstrap_interval(d))} | {fmt(d.mean(), bootstrap_interval(d, np.mean))} | {int((d > 0).sum())} of {len(d)} |")
    text = '\n'.join(lines) + '\n'
    print(text)
    if args.md: Path(args.md).write_text(text)

if __name__ == '__main__': main()
