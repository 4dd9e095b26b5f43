"""Songs in flight on the CPU: `separate_files(workers=N)` side by side for N in --workers, one loaded model.

    python bench/bench_inflight.py [--model NAME|PATH] [--songs 10] [--seconds 60] [--rounds 2] [--workers 1 2]

While one song's U-Net runs on TensorFlow's threads, another song's decode, STFT, ISTFT and WAV writing (numpy,
soundfile: mostly one thread) can use the core the model leaves idle. Rounds interleave the settings; medians.
Output: int16 WAVs (what `stemsep separate` writes by default). With --songs 1 the one song's blocks are in flight
instead (`separate_files` passes `blocks_in_flight`): python bench/bench_inflight.py --songs 1 --seconds 600 --rounds 3"""
import argparse, os, statistics, sys, tempfile, time, shutil
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_speed import make_songs, SONG

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--model', default=None); p.add_argument('--songs', type=int, default=10)
    p.add_argument('--seconds', type=float, default=60.); p.add_argument('--rounds', type=int, default=2)
    p.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    a = p.parse_args()
    from stemsep.predict import load_separator, separate_files, DEFAULT_MODEL
    from stemsep.audio import AudioFormat
    model, cfg = load_separator(a.model or DEFAULT_MODEL)
    work = Path(tempfile.mkdtemp(prefix='stemsep_inflight_'))
    files = sorted(make_songs(work/'songs', a.songs, a.seconds).glob('*.wav'))
    fmt = AudioFormat('wav', sample_format='int16')
    separate_files(model, cfg, files[:1], work/'warm', progress=False, fmt=fmt)          # compile, caches
    walls = {w: [] for w in a.workers}; cpus = {w: [] for w in a.workers}
    for r in range(a.rounds):
        for w in a.workers:
            out = work/f'out{w}'; shutil.rmtree(out, ignore_errors=True)
            t0, c0 = time.perf_counter(), time.process_time()
            sec = separate_files(model, cfg, files, out, workers=w, progress=False, fmt=fmt, force=True)
            walls[w].append(time.perf_counter() - t0); cpus[w].append(time.process_time() - c0)
            print(f"round {r + 1}: workers {w}: {sec:.0f} s of audio in {walls[w][-1]:.2f} s "
                  f"({sec/walls[w][-1]:.1f}x real time), CPU {cpus[w][-1]:.1f} s", flush=True)
    print(f"\n| songs in flight | job wall (s, median) | x real time | CPU s |\n|---|---:|---:|---:|")
    for w in a.workers:
        m = statistics.median(walls[w]); print(f"| {w} | {m:.2f} | {a.songs*a.seconds/m:.1f} | {statistics.median(cpus[w]):.1f} |")
    shutil.rmtree(work, ignore_errors=True)

if __name__ == '__main__': main()
