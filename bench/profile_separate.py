"""Where the time of `stemsep separate` goes: a per-stage profile of one song, file in -> WAVs out.

Run by hand, never as a test:

    python bench/profile_separate.py [--input SONG] [--seconds 60] [--threads 2] [--old /tmp/speed_old]

Stages: start-up (imports, model build, weight conversion, first call), then inside `separate_file`: decode,
resample, STFT, model, masks, ISTFT, write (the time inside each function, summed; the rest is bookkeeping:
patching, joining, cross-fades). The timers wrap the functions by name where the engine has them, so the same
script profiles the engine of another checkout (`--old DIR`, a folder holding an older `stemsep/` package) beside
this one, in alternating runs of separate processes; the machine is shared, so compare the two in one run.
"""
from __future__ import annotations
import argparse, json, os, statistics, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_speed import thread_env, make_input, machine, command_line, md_table, SONG, ROOT

# stage -> functions whose time it is: (module, attribute), first found wins; a class attribute as 'Class.method'
STAGES = {
    'decode':   [('stemsep.predict', 'load_audio')],
    'resample': [('stemsep.predict', '_resample')],
    'STFT':     [('stemsep.predict', 'stft_frames'), ('stemsep.predict', 'stft')],
    'model':    [('stemsep.predict', '_run_model'), ('stemsep.predict', 'MODEL.predict_on_batch')],
    'masks':    [('stemsep.predict', '_masked_stems'), ('stemsep.predict', 'soft_masks')],
    'ISTFT':    [('stemsep.predict', 'istft_frames'), ('stemsep.predict', 'istft')],
    'write':    [('soundfile', 'SoundFile.write')],
}


def _wrap(owner, name, acc, key):
    "Replace owner.name by a timer that adds its wall time to acc[key] (nested calls of the same stage count once)."
    f = getattr(owner, name)
    depth = [0]
    def timed(*a, **k):
        depth[0] += 1
        t0, c0 = time.perf_counter(), time.process_time()
        try: return f(*a, **k)
        finally:
            depth[0] -= 1
            if not depth[0]:
                acc[key] = acc.get(key, 0.) + time.perf_counter() - t0
                acc[key + ' CPU'] = acc.get(key + ' CPU', 0.) + time.process_time() - c0
    setattr(owner, name, timed)


def worker(args):
    "One process: time start-up, then one separation with per-stage timers; print a JSON line."
    import resource
    t0 = time.perf_counter()
    import numpy as np
    import keras
    if keras.backend.backend() == 'tensorflow':
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    import stemsep.predict as P
    t_import = time.perf_counter() - t0
    from stemsep import model as M
    path = P.default_model_path()
    cfg, _ = M.read_model_info(path)
    t0 = time.perf_counter(); M.build_model(cfg, dtype='float32'); t_build = time.perf_counter() - t0
    t0 = time.perf_counter(); model, cfg = P.load_separator(path); t_load = time.perf_counter() - t0
    acc = {}
    import importlib
    for stage, cands in STAGES.items():
        for mod, attr in cands:
            owner = importlib.import_module(mod)
            if attr.startswith('MODEL.'): owner, attr = model, attr.split('.', 1)[1]
            elif '.' in attr:
                cls, attr = attr.split('.'); owner = getattr(owner, cls, None)
            if owner is not None and hasattr(owner, attr):
                _wrap(owner, attr, acc, stage); break
    t0 = time.perf_counter()
    P.separate_array(model, cfg, np.random.default_rng(0).standard_normal((2, 2*cfg.sr)).astype(np.float32)*0.1, cfg.sr)
    t_first = time.perf_counter() - t0
    acc.clear()
    t0, c0 = time.perf_counter(), time.process_time()
    P.separate_file(model, cfg, args.input, args.out_dir, force=True, progress=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps(dict(import_s=t_import, build_s=t_build, load_s=t_load, convert_s=max(0., t_load - t_build),
                          first_call_s=t_first, wall_s=wall, cpu_s=cpu, stages=acc,
                          max_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)))


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--input', default=None, help='audio file (tiled/cropped to --seconds); default: Vibe Ace')
    p.add_argument('--seconds', type=float, default=60.)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--old', default=None, help='folder holding an older stemsep/ package to profile beside this one')
    p.add_argument('--out', default=None, help='also write the markdown here')
    p.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    p.add_argument('--out-dir', default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker: return worker(args)
    import tempfile
    work = Path(tempfile.mkdtemp(prefix='stemsep_profile_'))
    src = make_input(work/'song.wav', args.seconds, Path(args.input) if args.input else SONG)
    started, where = time.strftime('%Y-%m-%d %H:%M'), machine()
    engines = {'new': str(ROOT)} | ({'old': args.old} if args.old else {})
    runs = {e: [] for e in engines}
    for r in range(args.repeats):
        for name, pp in engines.items():
            env = thread_env(args.threads) | {'PYTHONPATH': pp}
            cmd = [sys.executable, __file__, '--worker', '--input', str(src), '--out-dir', str(work/f'out_{name}'),
                   '--threads', str(args.threads)]
            res = subprocess.run(cmd, capture_output=True, text=True, env=env)
            lines = [l for l in res.stdout.splitlines() if l.startswith('{')]
            if res.returncode or not lines: raise SystemExit(f"{name} failed:\n{res.stdout[-2000:]}\n{res.stderr[-3000:]}")
            out = json.loads(lines[-1]); runs[name].append(out)
            print(f"round {r + 1} {name}: wall {out['wall_s']:.2f} s, " + ', '.join(f"{k} {v:.2f}" for k, v in out['stages'].items() if 'CPU' not in k), flush=True)
    med = lambda xs: statistics.median(xs)
    keys = [('import_s', 'start-up: imports (keras, backend, stemsep)'), ('build_s', 'start-up: model build'),
            ('convert_s', 'start-up: weights (read, float16 -> float32, set)'), ('first_call_s', 'start-up: first call (2 s of noise; traces/compiles)')]
    rows = [[label] + [f"{med([o[k] for o in runs[e]]):.2f}" for e in engines] for k, label in keys]
    stages = list(STAGES)
    for s in stages:
        rows.append([f"separate: {s}"] + [f"{med([o['stages'].get(s, 0.) for o in runs[e]]):.2f} "
                                          f"({med([o['stages'].get(s + ' CPU', 0.) for o in runs[e]]):.2f})" for e in engines])
    rows.append(['separate: rest (patching, joining, cross-fades, copies)'] +
                [f"{med([o['wall_s'] - sum(o['stages'].get(s, 0.) for s in stages) for o in runs[e]]):.2f}" for e in engines])
    rows.append(['**separate: wall, file in -> WAVs out**'] + [f"**{med([o['wall_s'] for o in runs[e]]):.2f}**" for e in engines])
    rows.append(['x real time (separate only)'] + [f"{args.seconds/med([o['wall_s'] for o in runs[e]]):.1f}" for e in engines])
    rows.append(['start-up + separate, x real time'] + [f"{args.seconds/med([o['wall_s'] + o['import_s'] + o['load_s'] + o['first_call_s'] for o in runs[e]]):.1f}" for e in engines])
    rows.append(['CPU s (all threads) during separate'] + [f"{med([o['cpu_s'] for o in runs[e]]):.1f}" for e in engines])
    rows.append(['peak RSS (MiB)'] + [f"{max(o['max_rss_mb'] for o in runs[e]):.0f}" for e in engines])
    text = (f"## Profile of one {args.seconds:.0f}-s stereo song, built-in model\n\n"
            f"Machine: {where}. {args.threads} threads. Medians of {args.repeats} alternating runs, one process each "
            f"(seconds; stage = wall time inside the engine's function of that name, summed, and in brackets the CPU seconds of the process meanwhile, all threads).\n"
            f"Run: `{command_line()}` on {started}.\n\n" + md_table(['stage (s)'] + [f"{e} ({p})" for e, p in engines.items()], rows) + '\n')
    print('\n' + text)
    if args.out: Path(args.out).write_text(text)
    import shutil; shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__': main()
