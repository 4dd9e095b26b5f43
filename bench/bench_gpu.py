"""stemsep separation on the GPU (Keras on JAX): a folder of songs, file in -> WAV files out, real-time factor of the job.

Run by hand on the GPU machine (KERAS_BACKEND=jax; no TensorFlow, librosa or torch needed there):

    KERAS_BACKEND=jax python bench/bench_gpu.py [--songs 10] [--seconds 60] [--old DIR] [--out bench/results/gpu.md]

Each engine runs in its own process (`--worker ENGINE`): start-up (imports, model load), one warm-up job on the
first song (JIT compilation), then `--repeats` timed jobs over all the songs through `separate_files`, the loop of
`stemsep separate DIR`; the table gives medians. Engines: the device engine (STFT, model, masks and ISTFT on the
GPU; the default on a GPU) with 2 songs in flight (the CLI's default there) and with 1; the host engine (model on the
GPU, STFT/masks/ISTFT in numpy; what `--join overlap --overlap 0` gives, the same stems); and, with `--old DIR` (a
folder holding the `stemsep/` package before issue 17), the old engine with its defaults. Last, the whole
`stemsep separate DIR --device gpu` process, cold. The built-in model (or `--model`); songs are Vibe Ace from
../shared/data/fullmix, rotated so no two are alike, as 44.1 kHz stereo float WAVs; without it, synthetic stereo.
"""
from __future__ import annotations
import os
os.environ.setdefault('KERAS_BACKEND', 'jax')
import argparse, json, shlex, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_speed import ROOT, SONG, cpu_name, write_report, md_table, make_songs

ENGINES = {
    'device2': "new engine, on the device (STFT, model, masks, ISTFT on the GPU), 2 songs in flight",
    'device4': 'new engine, on the device, 4 songs in flight',
    'device8': "new engine, on the device, 8 songs in flight (the CLI's default on a GPU)",
    'device1': 'new engine, on the device, 1 song at a time',
    'host':    'new engine, host path: model on the GPU, STFT/masks/ISTFT in numpy (`--join overlap --overlap 0`)',
    'old':     'engine before issue 17, its defaults (50% overlap, channels one after the other, batch 8)',
}


def peak_device_mb()->str:
    "Peak memory JAX has used on the first device, MiB (where the backend reports it)."
    import jax
    try: stats = jax.devices()[0].memory_stats() or {}
    except Exception: stats = {}
    peak = stats.get('peak_bytes_in_use')
    return f"{peak/2**20:.0f}" if peak else 'n/a'


def _profile(P)->dict:
    "Wrap decode, the device call and the WAV writing with timers; returns the dict they add their seconds to."
    import soundfile, threading
    acc, lock = {}, threading.Lock()
    def wrap(owner, name, key):
        f = getattr(owner, name)
        def timed(*args, **kw):
            t0 = time.perf_counter()
            try: return f(*args, **kw)
            finally:
                with lock: acc[key] = acc.get(key, 0.) + time.perf_counter() - t0
        setattr(owner, name, timed)
    wrap(P, 'load_audio', 'decode'); wrap(P, '_separate_block_device', 'device block (H2D, compute, D2H, scaling)')
    wrap(soundfile.SoundFile, 'write', 'write')
    return acc


def worker(a):
    "One engine in this process: start-up, warm-up job on one song, timed jobs over all; a JSON line."
    t0 = time.perf_counter()
    import stemsep.predict as P
    import jax, keras
    model, cfg = P.load_separator(a.model) if a.model else P.load_separator(P.default_model_path())
    startup = time.perf_counter() - t0
    if a.device_engine_on_cpu: P._use_device_engine = lambda *args, **kw: kw.get('join', 'concat') == 'concat' and not kw.get('wiener')
    files = sorted(Path(a.songs_dir).glob('*.wav'))
    out = Path(a.out_dir)
    if a.worker == 'old':                   # the package before issue 17 has no separate_files: its CLI loop
        def job(fs):
            for f in fs: P.separate_file(model, cfg, f, out, force=True, progress=False)
            return None
    else:
        kw = dict(join='overlap', overlap=0.) if a.worker == 'host' else {}
        from stemsep.audio import AudioFormat
        kw['fmt'] = AudioFormat('wav', None, a.sample_format)   # the CLI writes 16-bit PCM unless asked otherwise
        workers = int(a.worker[6:]) if a.worker.startswith('device') else 1
        def job(fs):                        # a failed song fails the bench: its time would not count the writing
            errors = []
            s = P.separate_files(model, cfg, fs, out, workers=workers, progress=False, force=True,
                                 report=lambda path, written, error: errors.append(error) if error else None, **kw)
            if errors: raise SystemExit(f"{len(errors)} songs failed: {errors[0]}")
            return s
    t0 = time.perf_counter(); job(files[:1]); warm = time.perf_counter() - t0
    stages = _profile(P)                    # seconds inside each stage, summed over threads, over the timed jobs
    walls = []
    for _ in range(a.repeats):
        t0 = time.perf_counter(); job(files); walls.append(time.perf_counter() - t0)
    stages = {k: round(v/a.repeats, 3) for k, v in stages.items()}
    import soundfile as sf
    seconds = sum(sf.info(str(f)).duration for f in files)
    print(json.dumps(dict(engine=a.worker, startup_s=startup, warmup_s=warm, walls=walls, seconds=seconds,
                          peak_device_mb=peak_device_mb(), stages=stages, backend=jax.default_backend(),
                          devices=[str(d) for d in jax.devices()])), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--songs', type=int, default=10)
    p.add_argument('--seconds', type=float, default=60.)
    p.add_argument('--repeats', type=int, default=2)
    p.add_argument('--model', default=None, help='trained model; default: the built-in one')
    p.add_argument('--old', default=None, help='folder holding the stemsep/ package before issue 17')
    p.add_argument('--engines', nargs='+', default=list(ENGINES), choices=list(ENGINES))
    p.add_argument('--song', default=str(SONG))
    p.add_argument('--sample-format', default='int16', choices=('int16', 'int24', 'float32'),
                   help="the WAVs' samples; int16 is `stemsep separate`'s default")
    p.add_argument('--no-cli', action='store_true', help='skip the cold `stemsep separate` process')
    p.add_argument('--device-engine-on-cpu', action='store_true', help='smoke test on a CPU: take the device path there too')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'gpu.md'))
    p.add_argument('--worker', choices=list(ENGINES), help=argparse.SUPPRESS)
    p.add_argument('--songs-dir', help=argparse.SUPPRESS)
    p.add_argument('--out-dir', help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.worker: return worker(a)
    started = time.strftime('%Y-%m-%d %H:%M')
    work = Path(tempfile.mkdtemp(prefix='stemsep_gpu_'))
    songs = make_songs(work/'songs', a.songs, a.seconds, Path(a.song))
    env = dict(os.environ, KERAS_BACKEND='jax', PYTHONUNBUFFERED='1')
    res, rows = {}, []
    def run_cli():
        cli = ''
        if not a.no_cli:
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, '-m', 'stemsep', 'separate', str(songs), '-o', str(work/'out_cli'), '--force'] +
                               (['--device', 'gpu'] if not a.device_engine_on_cpu else []) + (['-m', a.model] if a.model else []),
                               capture_output=True, text=True, env=env | {'PYTHONPATH': os.pathsep.join([str(ROOT)] + [x for x in [os.environ.get('PYTHONPATH')] if x])})
            wall = time.perf_counter() - t0
            summary = [l for l in r.stderr.splitlines() if l.startswith('stemsep: separated')]
            if r.returncode: summary = [f"FAILED (exit code {r.returncode}): " + ' | '.join(l for l in r.stderr.splitlines() if 'error' in l)[:500]]
            cli = (f"The whole `stemsep separate SONGS_DIR --device gpu` process, cold (Python start, imports, model load, compilation, "
                   f"{a.songs} songs): {wall:.1f} s, {a.songs*a.seconds/wall:.0f}x real time; it printed: `{summary[-1] if summary else r.stderr[-300:]}`\n")
            print(cli, flush=True)
        return cli
    cli = ''
    for e in [e for e in a.engines if e != 'old'] + ['cli'] + [e for e in a.engines if e == 'old']:
        if e == 'cli':
            cli = run_cli(); continue
        if e == 'old' and not a.old: continue
        path = os.pathsep.join([a.old if e == 'old' else str(ROOT)] + [x for x in [os.environ.get('PYTHONPATH')] if x])
        cmd = [sys.executable, __file__, '--worker', e, '--sample-format', a.sample_format, '--songs-dir', str(songs), '--out-dir', str(work/f'out_{e}'),
               '--repeats', str(a.repeats)] + (['--model', a.model] if a.model else []) + \
              (['--model', str(ROOT/'stemsep'/'assets'/'drums_accompaniment'/'model.npz')] if e == 'old' and not a.model else []) + \
              (['--device-engine-on-cpu'] if a.device_engine_on_cpu else [])
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env | {'PYTHONPATH': path})
        lines = [l for l in r.stdout.splitlines() if l.startswith('{')]
        if r.returncode or not lines:
            print(f"{e} failed (rc {r.returncode}):\n{r.stdout[-1500:]}\n{r.stderr[-3000:]}", flush=True); continue
        o = res[e] = json.loads(lines[-1])
        w = statistics.median(o['walls'])
        rows.append([ENGINES[e], f"{w:.2f}", f"{o['seconds']/w:.1f}", f"{o['startup_s']:.1f}", f"{o['warmup_s']:.1f}",
                     ', '.join(f'{x:.2f}' for x in o['walls']), o['peak_device_mb']])
        print(f"{e} stages (s per job, summed over threads): {o.get('stages')}", flush=True)
        print(f"{e}: {o['seconds']/w:.0f}x real time (walls {o['walls']}, start-up {o['startup_s']:.1f} s, warm-up {o['warmup_s']:.1f} s, "
              f"process {time.perf_counter() - t0:.0f} s)", flush=True)
    any_res = next(iter(res.values()), {})
    text = (f"# stemsep separation on the GPU\n\n"
            f"Machine: {cpu_name()}, {os.cpu_count()} cores; JAX backend {any_res.get('backend', '?')}: {', '.join(any_res.get('devices', []))}.\n"
            f"Run: `KERAS_BACKEND=jax python {' '.join(shlex.quote(x) for x in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])}` on {started}.\n"
            f"Input: {a.songs} songs of {a.seconds:.0f} s, 44.1 kHz stereo float WAV ({Path(a.song).name}, rotated), "
            f"file in -> 2 {a.sample_format} WAVs per song out; built-in model{' ' + a.model if a.model else ''}. Each engine in its own process: "
            f"start-up (imports, model load), a warm-up job on one song (compilation), then {a.repeats} timed jobs over all {a.songs} songs; "
            f"'x real time' = audio seconds / median job wall time.\n\n"
            + md_table(['engine', f'job wall (s, {a.songs} songs)', 'x real time', 'start-up (s)', 'warm-up job, 1 song (s)', 'all jobs (s)', 'peak device MiB'], rows)
            + '\n\n' + cli)
    write_report(text, a.out, work, data=res)


if __name__ == '__main__': main()
