"""Preprocessing speed and peak memory for 10 and 50 songs, HDF5 compression, and patch read throughput.

Run by hand, never as a timed test:  python bench/bench_preprocess.py [--seconds 20] [--workers 2]
Writes bench/results/preprocess.md. Songs: `stemsep synth` when it exists, else `make_toy_tracks`.
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, threading, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def make_songs(folder, n, seconds, cfg):
    "Toy songs (drum-like bursts + harmonic tones) at the default configuration."
    from stemsep.testing import make_toy_tracks
    make_toy_tracks(folder, n_songs=n, seconds=seconds, cfg=cfg, seed=0)


def tree_rss_peak(proc, out, period=0.05):
    "Poll the summed RSS of `proc` and all its descendants until it exits; store the peak in out[0]."
    import psutil
    try: p = psutil.Process(proc.pid)
    except psutil.NoSuchProcess: return
    while proc.poll() is None:
        try:
            total = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
            out[0] = max(out[0], total)
        except psutil.Error: pass
        time.sleep(period)


def run_preprocess(songs, h5, workers, extra=()):
    "Run `stemsep preprocess` under /usr/bin/time -v: (wall s, max RSS of one process MiB, peak tree RSS MiB, stdout)."
    cmd = ['/usr/bin/time', '-v', sys.executable, '-m', 'stemsep', 'preprocess', str(songs), '--out', str(h5),
           '--workers', str(workers), *extra]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    th = threading.Thread(target=tree_rss_peak, args=(proc, peak)); th.start()
    out, err = proc.communicate(); th.join()
    wall = time.perf_counter() - t0
    if proc.returncode: raise SystemExit(f"preprocess failed:\n{out}\n{err[-2000:]}")
    max_rss_kb = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', err).group(1))
    return wall, max_rss_kb/1024, peak[0]/2**20, out.strip()


def measure_compression(h5, n_rows=64):
    "Size ratio, write and read time of the targets of `n_rows` real rows under each HDF5 filter."
    import h5py
    with h5py.File(h5, 'r') as f: patches = f['targets'][:n_rows]
    rows, tmp = [], Path(tempfile.mkdtemp())
    for name, opts in ((None, None), ('lzf', None), ('gzip', 1), ('gzip', 4)):
        path = tmp/f'{name}{opts}.h5'
        t0 = time.perf_counter()
        with h5py.File(path, 'w') as f:
            f.create_dataset('t', data=patches, chunks=(1, *patches.shape[1:]), compression=name, compression_opts=opts)
        t_write = time.perf_counter() - t0
        t0 = time.perf_counter()
        with h5py.File(path, 'r') as f:
            for i in np.random.default_rng(0).permutation(len(patches)): f['t'][int(i)]
        t_read = time.perf_counter() - t0
        rows.append((f"{name or 'none'}{'' if opts is None else opts}", patches.nbytes/path.stat().st_size,
                     len(patches)/t_write, len(patches)/t_read))
    shutil.rmtree(tmp)
    return rows


def read_throughput(h5, seconds=8.):
    "Patches per second of each reader at the file's batch size."
    from stemsep.dataset import HDF5PatchDataset, make_tf_dataset
    res = {}
    def loop(batches):
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            for m, t in batches():
                n += len(m)
                if time.perf_counter() - t0 >= seconds: break
        return n/(time.perf_counter() - t0)
    for aug in (False, True):
        ds = HDF5PatchDataset(h5, augment=aug)
        res[f'HDF5PatchDataset, augment={aug}'] = loop(lambda: (ds[i] for i in range(len(ds))))
        tfds = make_tf_dataset(h5, augment=aug)
        res[f'make_tf_dataset, augment={aug}'] = loop(lambda: tfds.as_numpy_iterator())
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--seconds', type=float, default=20., help='length of each song')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--counts', default='10,50')
    ap.add_argument('--out', default=str(ROOT/'bench/results/preprocess.md'))
    args = ap.parse_args()
    from stemsep.config import StemsepConfig
    cfg = StemsepConfig()
    work = Path(tempfile.mkdtemp(prefix='bench_pre_'))
    have_synth = subprocess.run([sys.executable, '-m', 'stemsep', 'synth', '--help'], capture_output=True).returncode == 0
    lines = [f"# Preprocess bench", "",
             f"Machine: {os.cpu_count()} cores, `--workers {args.workers}`; default configuration (44.1 kHz mono, n_fft "
             f"{cfg.n_fft}, hop {cfg.hop_length}, patches {cfg.segment_frames}x{cfg.n_bins}, stems {','.join(cfg.stems)}); "
             f"songs of {args.seconds:.0f} s made by `make_toy_tracks` (`stemsep synth` {'exists but was not used' if have_synth else 'did not exist yet'}).",
             f"Run: `python bench/bench_preprocess.py --seconds {args.seconds:g} --workers {args.workers}` on {time.strftime('%Y-%m-%d')}.", "",
             "## Preprocessing speed and peak memory", "",
             "| songs | audio (s) | run | wall (s) | audio s per s | max RSS, one process (MiB, /usr/bin/time -v) | peak RSS, all processes (MiB) | patches |",
             "|---|---|---|---|---|---|---|---|"]
    h5_last = None
    for n in [int(c) for c in args.counts.split(',')]:
        songs = work/f'songs{n}'
        make_songs(songs, n, args.seconds, cfg)
        h5 = work/f'd{n}.h5'
        for label, extra in (('cold (decode + cache)', ()), ('cached (--force)', ('--force',))):
            wall, rss, tree, out = run_preprocess(songs, h5, args.workers, extra)
            patches = int(re.search(r': (\d+) patches', out).group(1))
            lines.append(f"| {n} | {n*args.seconds:.0f} | {label} | {wall:.1f} | {n*args.seconds/wall:.0f} | {rss:.0f} | {tree:.0f} | {patches} |")
            print(lines[-1], flush=True)
        h5_last = h5
    lines += ["", f"HDF5 file for {n} songs: {h5_last.stat().st_size/2**20:.0f} MiB.", "",
              "## Compression of the float16 target patches (64 real rows, one chunk per row)", "",
              "| filter | size ratio | write (patches/s) | random read (patches/s) |", "|---|---|---|---|"]
    for name, ratio, w, r in measure_compression(h5_last):
        lines.append(f"| {name} | {ratio:.2f} | {w:.0f} | {r:.0f} |"); print(lines[-1], flush=True)
    lines += ["", f"## Read throughput (batch {cfg.batch_size}, shuffled over the whole train split, {os.cpu_count()} cores)", "",
              "| reader | patches/s |", "|---|---|"]
    for name, v in read_throughput(h5_last).items():
        lines.append(f"| {name} | {v:.0f} |"); print(lines[-1], flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text('\n'.join(lines) + '\n')
    shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.out}")


if __name__ == '__main__':
    main()
