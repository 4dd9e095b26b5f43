"""Keras backends side by side on the CPU: the built-in model's forward pass over a real song, and the whole separation.

Each backend runs in its own process (KERAS_BACKEND is read when keras is first imported), one after the other,
with the same threads. Figures: time to import keras and stemsep's model, to load the built-in model, the first
forward pass (which compiles), the median of the later ones, and `separate_array` end to end.

    python bench/bench_backend.py --seconds 60 --repeats 3 --backends tensorflow jax [--python-for torch=/tmp/vtorch/bin/python]
"""
import argparse, json, os, subprocess, sys, time
from pathlib import Path

_REL = Path('shared')/'data'/'fullmix'/'Kevin_MacLeod_-_Vibe_Ace.hq.ogg'   # the song bench_speed.py uses
SONG = next((p for p in (Path(__file__).resolve().parents[2]/_REL, Path('/work')/_REL) if p.exists()), _REL)

def worker(seconds:float, repeats:int, song:str)->dict:
    "Runs inside one backend's process; returns its timings."
    t0 = time.perf_counter()
    import numpy as np, keras
    from stemsep.predict import load_separator, default_model_path, separate_array
    from stemsep.audio import load_audio, stft
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    net, cfg = load_separator(default_model_path())
    t_load = time.perf_counter() - t0
    y, sr = load_audio(song, sr=cfg.sr, duration_s=seconds)              # (2, samples): stereo
    mag = np.abs(stft(y, cfg))[:, :cfg.n_bins].transpose(0, 2, 1)      # (channels, frames, bins); mono model: channels are patches
    T = cfg.segment_frames
    n = mag.shape[1]//T*T
    patches = mag[:, :n].reshape(mag.shape[0], -1, T, cfg.n_bins)[..., None].reshape(-1, T, cfg.n_bins, 1).astype(np.float32)
    def forward():
        for i in range(0, len(patches), 8): np.asarray(net.predict_on_batch(patches[i:i + 8]))
    t0 = time.perf_counter(); forward(); t_first = time.perf_counter() - t0
    times, cpu = [], []                 # wall and CPU seconds (all threads): CPU time suffers less from other processes
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time(); forward()
        times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
    sep, sep_cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time(); separate_array(net, cfg, y, sr)
        sep.append(time.perf_counter() - t0); sep_cpu.append(time.process_time() - c0)
    return dict(backend=keras.backend.backend(), keras=keras.__version__, patches=len(patches), audio_s=y.shape[1]/sr,
                import_s=t_import, load_s=t_load, first_forward_s=t_first, forward_s=float(np.median(times)),
                forward_cpu_s=float(np.median(cpu)), separate_s=float(np.median(sep)), separate_cpu_s=float(np.median(sep_cpu)))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seconds', type=float, default=60.)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--backends', nargs='+', default=['tensorflow', 'jax'])
    ap.add_argument('--rounds', type=int, default=1, help='run the backends in turn this many times (ABAB...) and take medians: fairer on a busy machine')
    ap.add_argument('--python-for', nargs='*', default=[], metavar='BACKEND=PYTHON', help='interpreter for a backend (default: this one)')
    ap.add_argument('--song', default=str(SONG))
    ap.add_argument('--out', default=str(Path(__file__).parent/'results'/'backends.md'))
    ap.add_argument('--worker', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        print('RESULT ' + json.dumps(worker(a.seconds, a.repeats, a.song))); return
    pythons = dict(s.split('=', 1) for s in a.python_for)
    runs = {}
    for b in [b for _ in range(a.rounds) for b in a.backends]:
        env = dict(os.environ, KERAS_BACKEND=b, TF_CPP_MIN_LOG_LEVEL='3')
        cmd = [pythons.get(b, sys.executable), __file__, '--worker', b, '--seconds', str(a.seconds), '--repeats', str(a.repeats), '--song', a.song]
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        line = [l for l in r.stdout.splitlines() if l.startswith('RESULT ')]
        if not line: print(f'{b}: failed\n{r.stderr[-2000:]}', file=sys.stderr); continue
        runs.setdefault(b, []).append(json.loads(line[0][7:])); print(runs[b][-1], flush=True)
    import statistics
    rows = [{k: (statistics.median(r[k] for r in rs) if isinstance(rs[0][k], float) else rs[0][k]) for k in rs[0]} for rs in runs.values()]
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
    lines = [f'# Keras backends on the CPU: the built-in model, {a.seconds:.0f} s of a real stereo song', '',
             f'`python bench/bench_backend.py {" ".join(sys.argv[1:])}` on {cpu}, {os.cpu_count()} cores, '
             f'{time.strftime("%Y-%m-%d")}; medians of {a.repeats} passes in each of {a.rounds} rounds (backends in turn). '
             'Wall seconds, and CPU seconds of all threads in brackets (less disturbed by other processes).', '',
             '| backend | keras | import (s) | load model (s) | first forward (s) | forward (s) | × real time (forward) | separate_array (s) | × real time |',
             '|---|---|---:|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        lines.append(f"| {r['backend']} | {r['keras']} | {r['import_s']:.1f} | {r['load_s']:.1f} | {r['first_forward_s']:.1f} | "
                     f"{r['forward_s']:.1f} ({r['forward_cpu_s']:.1f}) | {r['audio_s']/r['forward_s']:.1f} | {r['separate_s']:.1f} ({r['separate_cpu_s']:.1f}) | "
                     f"{r['audio_s']/r['separate_s']:.1f} |")
    text = '\n'.join(lines) + '\n'
    print(text)
    Path(a.out).write_text(text)

if __name__ == '__main__': main()
