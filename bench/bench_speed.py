"""Separation speed on the CPU (file in -> WAV out), stemsep beside Open-Unmix, HT-Demucs, HPSS and the STFT floor.

Run by hand, never as a timed test:

    python bench/bench_speed.py [--songs 10] [--seconds 60] [--repeats 2] [--threads 2] [--old OLD_CHECKOUT]
    python bench/bench_speed.py --memory-minutes 1 10        # peak RSS of `stemsep separate` per song length

One job separates `--songs` songs of `--seconds` each (the built-in model, default settings), as
`stemsep separate DIR` does; `--old DIR` adds the same job through an older stemsep package (a folder holding
`stemsep/`). Writes bench/results/speed.md. Every system runs in its own subprocess: stemsep, the floor and HPSS from this
Python (/work/venv), the torch peers from `--peer-python` (a venv with torch, openunmix and demucs, the `bench`
extra). Rounds are interleaved (A B C ... A B C ...) so that load from other processes hits all systems alike;
the table gives medians over rounds. The peers' weights cannot be downloaded here, so they are built with random
weights: their speed does not depend on the values of their weights.

This file is also the worker the benches start (`--worker NAME`); in that mode it imports only what NAME needs,
so it runs under the peers' venv, which has no stemsep and no TensorFlow.
"""
from __future__ import annotations
import argparse, json, os, platform, re, shlex, statistics, subprocess, sys, tempfile, threading, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((d for d in (ROOT.parent/'shared', ROOT.parents[1]/'shared', Path('/work/shared')) if d.is_dir()), ROOT.parent/'shared')
SONG = SHARED/'data'/'fullmix'/'Kevin_MacLeod_-_Vibe_Ace.hq.ogg'
PEER_PYTHON = '/work/venv-bench/bin/python'

# name -> (runs under the peers' venv?, label in the tables)
SYSTEMS = {
    'floor':     (False, 'floor: decode + STFT + ISTFT x2 + write 2 WAVs (numpy, stemsep.audio)'),
    'hpss':      (False, 'librosa HPSS baseline (2 stems)'),
    'stemsep':   (False, 'stemsep, built-in model (Spleeter-style U-Net, 16 filters, depth 6), 2 stems'),
    'stemsep-old': (False, 'the same model through the engine before issue 17 (`--old DIR`)'),
    'umx-drums': (True,  'Open-Unmix umxhq shapes, drums model + residual (2 stems), niter 1'),
    'umx':       (True,  'Open-Unmix umxhq shapes, 4 target models (4 stems), niter 1'),
    'htdemucs':  (True,  'HT-Demucs (htdemucs settings), 4 stems, shifts 1, overlap 0.25'),
}


EXTRA_MODELS = {}   # system name -> model file, from --models: other stemsep models timed beside the built-in one

# ---------------------------------------------------------------- helpers shared by the bench scripts
def thread_env(threads:int)->dict:
    "Environment that holds numpy, TensorFlow and torch to `threads` threads."
    n = str(threads)
    return {**os.environ, 'OMP_NUM_THREADS': n, 'MKL_NUM_THREADS': n, 'OPENBLAS_NUM_THREADS': n,
            'TF_NUM_INTRAOP_THREADS': n, 'TF_NUM_INTEROP_THREADS': n, 'TF_CPP_MIN_LOG_LEVEL': '2',
            'KERAS_BACKEND': os.environ.get('KERAS_BACKEND', 'tensorflow'), 'PYTHONUNBUFFERED': '1'}


def cpu_name()->str:
    "The CPU model, as lscpu names it."
    try: return re.search(r'Model name:\s*(.+)', subprocess.run(['lscpu'], capture_output=True, text=True).stdout).group(1).strip()
    except Exception: return platform.processor() or 'unknown CPU'


def machine()->str:
    "CPU model, cores seen, load average and OS, in one line."
    load = ', '.join(f'{x:.1f}' for x in os.getloadavg())
    return f"{cpu_name()}, {os.cpu_count()} cores, load average {load} at start; {platform.system()} {platform.release()}"


def command_line()->str:
    "The command that is running, for the results file."
    return 'python ' + ' '.join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])


def run_measured(cmd:list, env:dict, timeout_s:float|None=None, period:float=0.05, max_rss_mb:float|None=None)->dict:
    "Run `cmd`, polling the RSS of it and its children: wall s, peak RSS MiB, stdout, return code, timed out?, over the guard?"
    import psutil
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak, stop, over = [0], threading.Event(), [False]
    def poll():
        try: p = psutil.Process(proc.pid)
        except psutil.Error: return
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True)))
                if max_rss_mb and peak[0] > max_rss_mb*2**20 and not over[0]:   # protect the shared machine
                    over[0] = True
                    for c in p.children(recursive=True): c.kill()
                    p.kill()
            except psutil.Error: pass
            time.sleep(period)
    th = threading.Thread(target=poll, daemon=True); th.start()
    timed_out = False
    try: out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        timed_out = True
        for c in psutil.Process(proc.pid).children(recursive=True): c.kill()
        proc.kill(); out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set(); th.join()
    return dict(wall_s=wall, peak_mb=peak[0]/2**20, stdout=out, stderr=err, rc=proc.returncode, timed_out=timed_out,
                over_guard=over[0])


def worker_result(res:dict, what:str)->dict:
    "The JSON line a worker printed last; SystemExit with its stderr if it failed."
    lines = [l for l in res['stdout'].splitlines() if l.startswith('{')]
    if res['rc'] or not lines: raise SystemExit(f"{what} failed (rc {res['rc']}):\n{res['stdout'][-2000:]}\n{res['stderr'][-3000:]}")
    return json.loads(lines[-1])


def make_input(path:Path, seconds:float, song:Path=SONG)->Path:
    "Crop or tile `song` to `seconds` and write it as a float WAV at its own rate and channels."
    import numpy as np, soundfile as sf
    y, sr = sf.read(str(song), dtype='float32', always_2d=True)          # (samples, channels)
    n = int(round(seconds*sr))
    y = np.tile(y, (-(-n//len(y)), 1))[:n]
    sf.write(str(path), y, sr, subtype='FLOAT')
    return path


def make_stemsep_model(folder:Path)->Path:
    "stemsep's default-configuration model with random weights, saved as a model folder."
    from stemsep.config import StemsepConfig
    from stemsep.model import build_model, save_model
    folder.mkdir(parents=True, exist_ok=True)
    cfg = StemsepConfig()
    save_model(build_model(cfg), cfg, folder/'model.weights.h5')
    return folder


JOBS = 2   # songs in flight for the stemsep workers (--jobs)


def worker_cmd(name:str, src:Path, out:Path, threads:int, model:Path|None=None, warmup:bool=True,
               peer_python:str=PEER_PYTHON)->list:
    "Command line of a worker process for system `name`."
    python = peer_python if SYSTEMS[name][0] else sys.executable
    if name in EXTRA_MODELS: name, model = 'stemsep', EXTRA_MODELS[name]     # another stemsep model (--models)
    cmd = [python, str(Path(__file__).resolve()), '--worker', name, '--input', str(src), '--out-dir', str(out),
           '--threads', str(threads)]
    if model is not None: cmd += ['--model', str(model)]
    if name == 'stemsep': cmd += ['--jobs', str(JOBS)]
    if not warmup: cmd += ['--no-warmup']
    return cmd


def write_report(text:str, out, work:Path|None=None, data:dict|None=None):
    "Print the results text, write it to `out` (and `data` as JSON beside it), then delete the scratch folder `work`."
    print('\n' + text)
    out = Path(out); out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    if data is None: print(f"wrote {out}")
    else: out.with_suffix('.json').write_text(json.dumps(data, indent=1)); print(f"wrote {out} and {out.with_suffix('.json')}")
    if work is not None:
        import shutil; shutil.rmtree(work, ignore_errors=True)      # test audio, models, outputs


def md_table(header:list, rows:list)->str:
    "A markdown table."
    return '\n'.join(['| ' + ' | '.join(header) + ' |', '|' + '---|'*len(header)] +
                     ['| ' + ' | '.join(str(c) for c in r) + ' |' for r in rows])


# ---------------------------------------------------------------- workers (one system, one process)
def _write_stems(out_dir:Path, stems:dict, sr:int):
    "Write each (channels, samples) stem as a float WAV."
    import soundfile as sf
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, y in stems.items(): sf.write(str(out_dir/f'{name}.wav'), y.T, sr, subtype='FLOAT')


def _stemsep_worker(args):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import stemsep.predict as P
    import numpy as np
    t0 = time.perf_counter()
    model, cfg = P.load_separator(args.model or P.default_model_path())
    load_s = time.perf_counter() - t0
    def warmup(): P.separate_array(model, cfg, np.random.default_rng(0).standard_normal((2, 2*cfg.sr)).astype(np.float32)*0.1, cfg.sr)
    def run():                                         # all the songs at once, as `stemsep separate DIR` does
        if hasattr(P, 'separate_files'):
            errors = []
            P.separate_files(model, cfg, args.files, args.out_dir, progress=False, force=True, workers=args.jobs,
                             report=lambda path, written, error: errors.append(error) if error else None)
            if errors: raise SystemExit(f"{len(errors)} songs failed: {errors[0]}")
        else:                                          # the engine before issue 17: its CLI's loop
            for f in args.files: P.separate_file(model, cfg, f, args.out_dir, force=True, progress=False)
    return load_s, warmup, run


def _floor_worker(args):
    from stemsep.config import StemsepConfig
    import stemsep.audio as A
    stft, istft = (A.stft_frames, A.istft_frames) if hasattr(A, 'stft_frames') else (A.stft, A.istft)  # the engine's own
    cfg = StemsepConfig()
    def run():
        y, sr = A.load_audio(args.input)
        spec = stft(y, cfg)
        for name in cfg.stems:
            A.write_audio(Path(args.out_dir)/f'{name}.wav', istft(spec, cfg, length=y.shape[-1]), sr, force=True)
    return 0., run, run


def _hpss_worker(args):
    from stemsep.config import StemsepConfig
    from stemsep.audio import load_audio, write_audio
    from stemsep.evaluate import hpss_baseline
    cfg = StemsepConfig()
    def run():
        y, sr = load_audio(args.input)
        for name, s in zip(cfg.stems, hpss_baseline(y, cfg)): write_audio(Path(args.out_dir)/f'{name}.wav', s, sr, force=True)
    t0 = time.perf_counter(); import librosa; load_s = time.perf_counter() - t0
    return load_s, run, run


def _torch_io(args):
    "Read the input as a (1, channels, samples) tensor; a function that writes named stems."
    import numpy as np, soundfile as sf, torch
    def read():
        y, sr = sf.read(args.input, dtype='float32', always_2d=True)
        return torch.from_numpy(np.ascontiguousarray(y.T))[None], sr
    def write(stems, sr): _write_stems(Path(args.out_dir), {k: v.numpy() for k, v in stems.items()}, sr)
    return read, write


def _umx_worker(args):
    import types
    sys.modules.setdefault('torchaudio', types.ModuleType('torchaudio'))   # imported by openunmix.utils, unused on this path
    import torch, openunmix
    torch.set_num_threads(args.threads); torch.set_num_interop_threads(args.threads)
    t0 = time.perf_counter()
    two = args.worker == 'umx-drums'
    separator = openunmix.umxhq(targets=['drums'] if two else None, residual=two, pretrained=False, niter=1,
                                device='cpu', filterbank='torch').eval()
    load_s = time.perf_counter() - t0
    read, write = _torch_io(args)
    names = ['drums', 'accompaniment'] if two else list(separator.target_models)
    def separate(x):
        with torch.no_grad(): return separator(x)[0]                      # (targets, channels, samples)
    def warmup(): separate(torch.randn(1, 2, 2*44100)*0.1)
    def run():
        x, sr = read()
        est = separate(x)
        write(dict(zip(names, est)), sr)
    return load_s, warmup, run


def _htdemucs_worker(args):
    import torch
    from fractions import Fraction
    torch.set_num_threads(args.threads); torch.set_num_interop_threads(args.threads)
    from demucs.htdemucs import HTDemucs
    from demucs.apply import apply_model
    t0 = time.perf_counter()
    # The released `htdemucs` model: default HTDemucs arguments with dconv_mode 3, trained on 7.8 s segments.
    model = HTDemucs(sources=['drums', 'bass', 'other', 'vocals'], dconv_mode=3, segment=Fraction(39, 5)).eval()
    load_s = time.perf_counter() - t0
    read, write = _torch_io(args)
    def separate(x):                                                      # as `demucs FILE` does it
        ref = x.mean(1)
        x = (x - ref.mean())/ref.std()
        with torch.no_grad(): est = apply_model(model, x, shifts=1, split=True, overlap=0.25, progress=False)
        return est[0]*ref.std() + ref.mean()                             # (sources, channels, samples)
    def warmup(): separate(torch.randn(1, 2, 2*44100)*0.1)
    def run():
        x, sr = read()
        write(dict(zip(model.sources, separate(x))), sr)
    return load_s, warmup, run


WORKERS = {'stemsep': _stemsep_worker, 'stemsep-old': _stemsep_worker, 'floor': _floor_worker, 'hpss': _hpss_worker, 'umx': _umx_worker,
           'umx-drums': _umx_worker, 'htdemucs': _htdemucs_worker}


def run_worker(args):
    "Set up one system, warm it up on 2 s of noise, time one file in -> WAVs out; print a JSON line."
    import resource
    t0 = time.perf_counter()
    inp, out = Path(args.input), Path(args.out_dir)
    args.files = sorted(inp.glob('*.wav')) if inp.is_dir() else [inp]
    load_s, warmup, run = WORKERS[args.worker](args)
    setup_s = time.perf_counter() - t0
    if args.worker not in ('stemsep', 'stemsep-old'): args.input, args.out_dir = str(args.files[0]), str(out/'warm-up')
    if args.warmup: warmup()
    t0, c0 = time.perf_counter(), time.process_time()
    if args.worker in ('stemsep', 'stemsep-old'): run()          # the whole folder in one call
    else:
        for f in args.files:                                    # one song after the other
            args.input, args.out_dir = str(f), str(out/f.stem)
            run()
    sep_s, cpu_s = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps(dict(system=args.worker, setup_s=setup_s, load_s=load_s, separate_s=sep_s, cpu_s=cpu_s,
                          max_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)))


# ---------------------------------------------------------------- the bench
def make_songs(folder:Path, n:int, seconds:float, song:Path=SONG)->Path:
    "n float WAVs of `seconds`, 44.1 kHz stereo: `song` rotated by a different offset for each (or synthetic audio)."
    import numpy as np, soundfile as sf
    folder.mkdir(parents=True, exist_ok=True)
    sr = 44100
    if Path(song).is_file(): y, sr = sf.read(str(song), dtype='float32', always_2d=True)
    else:
        t = np.arange(int(seconds*sr))/sr; rng = np.random.default_rng(0)
        tones = sum(np.sin(2*np.pi*f*t)*0.1 for f in (110, 220, 330.5, 440)); hits = rng.standard_normal(len(t))*np.exp(-(t % 0.5)*30)*0.3
        y = np.stack([tones + hits, tones*0.8 + hits*1.1], 1).astype(np.float32)
    m = int(round(seconds*sr))
    y = np.tile(y, (-(-m//len(y)) + 1, 1))
    for i in range(n): sf.write(str(folder/f'song{i:02d}.wav'), np.roll(y, -i*sr*3, axis=0)[:m], sr, subtype='FLOAT')
    return folder


def bench(args):
    t_start = time.strftime('%Y-%m-%d %H:%M')
    header_machine = machine()
    work = Path(tempfile.mkdtemp(prefix='stemsep_speed_'))
    songs = make_songs(work/'songs', args.songs, args.seconds)
    audio_s = args.songs*args.seconds
    for spec in args.models or ():
        name, _, path = spec.partition('=')
        import numpy as np
        from stemsep.config import config_from_json
        c = config_from_json(str(np.load(path)['stemsep_config']))
        EXTRA_MODELS[name] = path
        SYSTEMS[name] = (False, f"stemsep, model {name}: {'stereo' if c.n_channels == 2 else 'mono'}, STFT {c.n_fft}/{c.hop_length}, "
                                f"{c.n_bins} bins, {c.n_stems} stems")
    systems = [s for s in SYSTEMS if s not in args.skip and (s != 'stemsep-old' or args.old)
               and (not SYSTEMS[s][0] or Path(args.peer_python).exists())]
    times, setups, rss, cpu, loads = ({s: [] for s in systems} for _ in range(5))
    cli, cli_rss, cli_line = [], [], ''
    for r in range(args.repeats):
        for name in systems:
            env = thread_env(args.threads)
            if name == 'stemsep-old': env['PYTHONPATH'] = os.pathsep.join([args.old] + [x for x in [env.get('PYTHONPATH')] if x])
            loads[name].append(os.getloadavg()[0])
            res = run_measured(worker_cmd(name, songs, work/f'out_{name}', args.threads, None, peer_python=args.peer_python), env)
            out = worker_result(res, name)
            times[name].append(out['separate_s']); setups[name].append(out['setup_s']); rss[name].append(out['max_rss_mb']); cpu[name].append(out['cpu_s'])
            print(f"round {r + 1}: {name:11s} {args.songs} songs {out['separate_s']:7.2f} s ({audio_s/out['separate_s']:5.1f}x real time)  "
                  f"CPU {out['cpu_s']:7.1f} s  start-up {out['setup_s']:5.2f} s  load {loads[name][-1]:.1f}", flush=True)
        if 'stemsep' in systems and r < args.cli_rounds:                  # what a user types, cold process
            res = run_measured([sys.executable, '-m', 'stemsep', 'separate', str(songs), '-o', str(work/'out_cli'), '--force'],
                               thread_env(args.threads))
            if res['rc']: raise SystemExit(f"stemsep separate failed:\n{res['stderr'][-3000:]}")
            cli.append(res['wall_s']); cli_rss.append(res['peak_mb'])
            cli_line = ([l for l in res['stderr'].splitlines() if l.startswith('stemsep: separated')] or [''])[-1]
            print(f"round {r + 1}: stemsep separate (CLI, whole process) {res['wall_s']:7.2f} s: {cli_line}", flush=True)
    med = {s: statistics.median(v) for s, v in times.items()}
    rows = []
    for s in systems:
        st = statistics.median(setups[s])
        rows.append([SYSTEMS[s][1], f"{med[s]:.1f}", f"**{audio_s/med[s]:.1f}**", f"{st:.1f}", f"{audio_s/(med[s] + st):.1f}",
                     f"{statistics.median(cpu[s]):.1f}", f"{max(rss[s]):.0f}", ', '.join(f'{t:.1f}' for t in times[s]),
                     ', '.join(f'{x:.1f}' for x in loads[s])])
    if cli:
        c = statistics.median(cli)
        rows.append(['`stemsep separate SONGS_DIR`, the whole cold process (Python, imports, model load, first trace, the songs, WAVs)',
                     f"{c:.1f}", '–', 'included', f"{audio_s/c:.1f}", '–', f"{max(cli_rss):.0f}", ', '.join(f'{t:.1f}' for t in cli), '–'])
    table = md_table(['system', f'wall, {args.songs} songs (s, median)', 'x real time', 'start-up (s)', 'x real time with start-up',
                      'CPU (s, median)', 'peak RSS (MiB)', 'all runs, wall (s)', '1-min load average at each start'], rows)
    text = (f"# Separation speed on the CPU\n\n"
            f"Machine: {header_machine}. {args.threads} threads per process (OMP/MKL/TF intra- and inter-op, "
            f"torch.set_num_threads). Input: {args.songs} songs of {args.seconds:.0f} s (`{SONG.name}` rotated, 44.1 kHz stereo "
            f"float WAV), file in -> 2 float WAVs per song out, default settings (stemsep: {args.jobs} songs in flight); medians of {args.repeats} interleaved rounds, one "
            f"process per system and round, each warmed up on 2 s of noise first. Start-up = imports + loading the model, "
            f"its own column; 'x real time' = {audio_s:.0f} s of audio / wall time of the job; CPU = user + system seconds "
            f"of the worker during the job (all threads), which load from other processes disturbs less than wall time; "
            f"peak RSS = the worker's ru_maxrss.\n"
            f"Run: `{command_line()}` on {t_start}.\n\n"
            f"{table}\n\n" + (f"The CLI printed: `{cli_line}`\n" if cli_line else ''))
    write_report(text, args.out, work)

def memory_flat(args):
    "Peak RSS of the whole `stemsep separate` process for one song of each length in `--memory-minutes`."
    work = Path(tempfile.mkdtemp(prefix='stemsep_mem_'))
    rows = []
    for minutes in args.memory_minutes:
        src = make_input(work/f'song_{minutes:g}min.wav', minutes*60)
        res = run_measured([sys.executable, '-m', 'stemsep', 'separate', str(src), '-o', str(work/'out'), '--force'], thread_env(args.threads))
        if res['rc']: raise SystemExit(f"stemsep separate failed:\n{res['stderr'][-3000:]}")
        line = ([l for l in res['stderr'].splitlines() if l.startswith('stemsep: separated')] or [''])[-1]
        rows.append([f"{minutes:g} min", f"{res['peak_mb']:.0f}", f"{res['wall_s']:.1f}", f"`{line}`"])
        print(rows[-1], flush=True)
        src.unlink()
    text = (f"## Peak memory against song length\n\nMachine: {machine()}. The whole `stemsep separate SONG` process, default "
            f"settings, built-in model; peak RSS of the process (polled every 50 ms). Input: `{SONG.name}` tiled to each length.\n"
            f"Run: `{command_line()}` on {time.strftime('%Y-%m-%d %H:%M')}.\n\n"
            + md_table(['song', 'peak RSS (MiB)', 'wall (s)', 'summary line'], rows) + '\n')
    write_report(text, args.out, work)


def peer_versions(peer_python:str)->dict:
    "Versions of torch, openunmix and demucs in the peers' venv."
    code = ("import json, importlib.metadata as m; print(json.dumps({p: m.version(p) for p in ('torch', 'openunmix', 'demucs')}))")
    try: return json.loads(subprocess.run([peer_python, '-c', code], capture_output=True, text=True).stdout)
    except Exception: return {}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seconds', type=float, default=60., help='length of each song (crop/tile of the song)')
    p.add_argument('--songs', type=int, default=10, help='songs separated in one job')
    p.add_argument('--old', default=None, help='folder holding the stemsep/ package before issue 17, to time beside this one')
    p.add_argument('--repeats', type=int, default=3, help='interleaved rounds; the table gives medians')
    p.add_argument('--threads', type=int, default=2, help='threads per process')
    p.add_argument('--jobs', type=int, default=2, help="stemsep: songs in flight (`stemsep separate --jobs`, default 2 as there)")
    p.add_argument('--cli-rounds', type=int, default=1, help='rounds that also time the whole `stemsep separate` process')
    p.add_argument('--skip', nargs='*', default=['hpss'], choices=list(SYSTEMS), help='systems to leave out')
    p.add_argument('--models', nargs='*', metavar='NAME=MODEL', help='other stemsep models to time beside the built-in one')
    p.add_argument('--peer-python', default=PEER_PYTHON, help='Python of the venv with torch, openunmix and demucs')
    p.add_argument('--memory-minutes', type=float, nargs='+', default=None,
                   help='instead of the speed table: peak RSS of `stemsep separate` on one song of each length (minutes)')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'speed.md'), help='results file')
    # worker mode
    p.add_argument('--worker', choices=list(WORKERS), help=argparse.SUPPRESS)
    p.add_argument('--input', help=argparse.SUPPRESS)
    p.add_argument('--out-dir', help=argparse.SUPPRESS)
    p.add_argument('--model', help=argparse.SUPPRESS)
    p.add_argument('--no-warmup', dest='warmup', action='store_false', help=argparse.SUPPRESS)
    args = p.parse_args()
    global JOBS; JOBS = args.jobs
    if args.worker: return run_worker(args)
    if args.memory_minutes: return memory_flat(args)
    args.versions = peer_versions(args.peer_python)
    bench(args)


if __name__ == '__main__': main()
