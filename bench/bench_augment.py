"""Time of the training augmentation (`stemsep.dataset.augment_batch`) per batch, this checkout beside an older commit's,
in one run (alternating calls, medians). The memory data backend runs it in the training input threads, so on a GPU it
bounds the steps per second when the threads cannot keep up.
    python bench/bench_augment.py [--rev a682c9f] [--batch 16] [--repeats 9]"""
import argparse, statistics, subprocess, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

def old_augment(rev:str):
    "`augment_batch` as the package at commit `rev` defines it."
    src = subprocess.run(['git', '-C', str(ROOT), 'show', f'{rev}:stemsep/dataset.py'], capture_output=True, text=True, check=True).stdout
    start = src.index('def augment_batch'); end = src.index('\n# %%', start)
    ns = {'np': np}; exec(src[start:end], ns)
    return ns['augment_batch']

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rev', default='a682c9f'); ap.add_argument('--batch', type=int, default=16); ap.add_argument('--repeats', type=int, default=9)
    a = ap.parse_args()
    from stemsep.dataset import augment_batch
    old = old_augment(a.rev)
    rng = np.random.default_rng(0)
    print(f"| patch (frames x bins x channels), stems | {a.rev} (ms per batch of {a.batch}) | this checkout (ms) | x faster |\n|---|---:|---:|---:|")
    for ch, bins, stems in [(1, 1024, 2), (2, 512, 2), (2, 1024, 2), (1, 1024, 4)]:
        m = rng.random((a.batch, 256, bins, ch), np.float32); t = rng.random((a.batch, 256, bins, stems*ch), np.float32)
        times = {'old': [], 'new': []}
        for i in range(a.repeats):
            for name, f in (('old', old), ('new', augment_batch)):
                t0 = time.perf_counter(); f(m, t, np.random.default_rng(i)); times[name].append(time.perf_counter() - t0)
        o, n = (statistics.median(times[k])*1e3 for k in ('old', 'new'))
        print(f"| 256 x {bins} x {ch}, {stems} | {o:.0f} | {n:.0f} | {o/n:.1f} |")

if __name__ == '__main__': main()
