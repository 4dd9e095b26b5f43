"""Peak memory of `stemsep separate` for a 1-minute and a 10-minute song, and SDR of the two patch joins.

Memory: the inputs are made by tiling the real Easton Ellises clip (../shared/data/real) to 1 and 10 minutes
(stereo 44.1 kHz WAV). Each is separated by `stemsep.predict.separate_file` in a fresh child process, and the
child's peak resident set size is read from the kernel (`os.wait4`). Because songs are read, separated and
written in blocks, the peak should be the same for both lengths. The model is an untrained U-Net (its
weights do not change the memory of the signal path); `--filters 32 --depth 4` gives the paper's size.

Join: with `--model PATH` (a trained model), the real clip is also separated with `--join overlap` and
`--join concat` and both are scored with BSSEval v4 against the sum of the stems.

    python bench/bench_separate_memory.py [--minutes 1 10] [--filters 8] [--model PATH]
"""
import argparse, json, os, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT.parent/'shared'/'data'/'real'/'musdb_layout'/'The Easton Ellises - Falcon 69'

CHILD = r'''
import json, resource, sys, time
from pathlib import Path
from stemsep.config import StemsepConfig
from stemsep.model import build_model
from stemsep.predict import separate_file
src, out, filters, depth, block_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
cfg = StemsepConfig(base_filters=filters, depth=depth)
model = build_model(cfg)
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.time()
separate_file(model, cfg, src, out, progress=False, batch_size=4, block_s=block_s)
print(json.dumps(dict(rss_before_mb=rss0/1024, seconds=time.time() - t)))
'''

def tile_clip(minutes:float, path:Path)->Path:
    "Write the real clip's mixture tiled to `minutes`, stereo 44.1 kHz float WAV, block by block."
    import soundfile as sf
    clip, sr = sf.read(CLIP/'mixture.wav', dtype='float32', always_2d=True)
    n = int(minutes*60*sr)
    with sf.SoundFile(path, 'w', sr, clip.shape[1], subtype='FLOAT') as f:
        done = 0
        while done < n:
            k = min(len(clip), n - done)
            f.write(clip[:k]); done += k
    return path

def peak_rss(src:Path, out:Path, filters:int, depth:int, block_s:float)->dict:
    "Separate `src` in a child process; its peak RSS (MiB) from the kernel, and its own timings."
    proc = subprocess.Popen([sys.executable, '-c', CHILD, str(src), str(out), str(filters), str(depth), str(block_s)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0: raise SystemExit(f"child failed on {src} (status {status})")
    info = json.loads(stdout.strip().splitlines()[-1])
    return dict(peak_rss_mb=round(usage.ru_maxrss/1024, 1), rss_after_model_mb=round(info['rss_before_mb'], 1),
                separate_s=round(info['seconds'], 1))

def compare_joins(model_path:str, seconds:float=6.)->dict:
    "SDR of --join overlap and --join concat on the real clip, drums vs the sum of the other stems."
    from stemsep.predict import load_separator, separate_array
    from stemsep.evaluate import load_song, score_stems
    model, cfg = load_separator(model_path)
    mix, refs = load_song(CLIP, cfg, max_seconds=seconds)
    res = {}
    for join in ('overlap', 'concat'):
        est = separate_array(model, cfg, mix, cfg.sr, join=join)
        res[join] = score_stems(refs, np.stack([est[s] for s in cfg.stems]), cfg.sr, cfg.stems)
    return res

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--minutes', type=float, nargs='+', default=[1, 10])
    ap.add_argument('--filters', type=int, default=8, help='U-Net base filters (32: the paper)')
    ap.add_argument('--depth', type=int, default=4)
    ap.add_argument('--block-seconds', type=float, default=30.)
    ap.add_argument('--model', default=None, help='a trained model: also compare the SDR of the two joins')
    args = ap.parse_args()
    if not CLIP.is_dir(): raise SystemExit(f"{CLIP}: the real clip is missing (see ../shared/data/README.md)")
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for minutes in args.minutes:
            src = tile_clip(minutes, Path(d)/f'tiled_{minutes:g}min.wav')
            r = peak_rss(src, Path(d)/'out', args.filters, args.depth, args.block_seconds)
            rows.append(dict(minutes=minutes, input_mb=round(src.stat().st_size/2**20, 1), **r))
            print(json.dumps(rows[-1]), flush=True)
    print(f"\n| input | WAV size | RSS after model built | peak RSS | separation time |\n|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['minutes']:g} min | {r['input_mb']} MiB | {r['rss_after_model_mb']} MiB | {r['peak_rss_mb']} MiB | {r['separate_s']} s |")
    if args.model:
        res = compare_joins(args.model)
        print("\n| join | " + ' | '.join(f"{s} SDR" for s in next(iter(res.values()))) + ' |')
        for join, scores in res.items():
            print(f"| {join} | " + ' | '.join(f"{v['SDR']:.2f}" for v in scores.values()) + ' |')
