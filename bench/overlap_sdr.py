"""How much does the patch overlap buy? SDR on the real clip and model work per minute, for several overlaps.

Run by hand:  python bench/overlap_sdr.py [--overlaps 0.5 0.375 0.25 0.125 0] [--out bench/results/overlap.md]

The built-in model separates the real MUSDB18-style clip (../shared/data/real/musdb_layout, mixture = sum of its
stems, as `stemsep evaluate` does) with each overlap (0 is `--join concat`); SDR is BSSEval v4 (museval, median
over 1-s windows), as `stemsep evaluate` reports it. 'patches per stereo minute' counts the model's work.
"""
import argparse, sys, time
from pathlib import Path
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_speed import SHARED, command_line, md_table


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--overlaps', type=float, nargs='+', default=[0.5, 0.375, 0.25, 0.125, 0.])
    p.add_argument('--song', default=str(SHARED/'data'/'real'/'musdb_layout'/'The Easton Ellises - Falcon 69'))
    p.add_argument('--out', default=None)
    a = p.parse_args()
    from stemsep.predict import load_separator, default_model_path, separate_array, _patch_plan
    from stemsep.evaluate import load_song, score_stems
    model, cfg = load_separator(default_model_path())
    mix, refs = load_song(a.song, cfg)
    frames_per_min = 1 + 60*cfg.sr//cfg.hop_length
    rows, base = [], None
    for ov in a.overlaps:
        kw = dict(join='concat') if ov == 0 else dict(join='overlap', overlap=ov)
        t0 = time.perf_counter(); est = separate_array(model, cfg, mix, cfg.sr, **kw); sec = time.perf_counter() - t0
        est = np.stack([est[s] for s in cfg.stems])
        sc = score_stems(refs, est, cfg.sr, cfg.stems)
        if base is None: base = est
        agree = [10*np.log10(np.sum(b**2)/max(np.sum((b - e)**2), 1e-20)) for b, e in zip(base, est)]
        n = _patch_plan(frames_per_min, cfg.segment_frames, kw['join'], ov)[2]*2
        rows.append([f"{ov:g}" + (' (concat)' if ov == 0 else ''), n] + [f"{sc[s]['SDR']:.2f}" for s in cfg.stems] +
                    [f"{sc[s]['SI-SDR']:.2f}" for s in cfg.stems] + [' / '.join(f'{x:.1f}' for x in agree), f"{sec:.2f}"])
        print(rows[-1], flush=True)
    head = (['overlap', 'patches per stereo minute'] + [f'{s} SDR (dB)' for s in cfg.stems] + [f'{s} SI-SDR (dB)' for s in cfg.stems]
            + [f'SNR vs overlap {a.overlaps[0]:g} (dB, per stem)', 'time (s)'])
    text = (f"## Patch overlap: quality against work (built-in model, real clip)\n\nSong: `{Path(a.song).name}` "
            f"({mix.shape[-1]/cfg.sr:.1f} s, stereo, mixture = sum of the stems). SDR: BSSEval v4 (museval), median over 1-s windows.\n"
            f"Run: `{command_line()}` on {time.strftime('%Y-%m-%d %H:%M')}.\n\n" + md_table(head, rows) + '\n')
    print(text)
    if a.out: Path(a.out).write_text(text)


if __name__ == '__main__': main()
