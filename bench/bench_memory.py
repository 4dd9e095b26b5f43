"""Peak memory (RSS) of separating 1-, 5- and 10-minute songs: stemsep beside Open-Unmix and HT-Demucs.

Run by hand, never as a timed test:

    python bench/bench_memory.py [--minutes 1 5 10] [--threads 2] [--timeout 600] [--max-rss-gb G]

Writes bench/results/memory.md. Each run is one worker process of bench_speed.py (file in -> float WAVs out, no
warm-up), watched by polling the RSS of the process and its children every 50 ms; a run that finishes also
reports its own ru_maxrss. A run still going at `--timeout` is stopped and its peak so far is reported as a lower
bound (`>=`); for stemsep, which separates in 30 s blocks, the peak is reached in the first block, and for the
peers the buffers that grow with the song are allocated up front (HT-Demucs) or the whole song is transformed first
(Open-Unmix), so such a bound is close. A run whose RSS passes `--max-rss-gb` (default: half the memory available
at the start) is stopped too, so that a peer that holds the whole song does not push a shared machine into the OOM
killer; its cell says `>` the guard. The peers run with random weights: memory does not depend on weight values.
"""
from __future__ import annotations
import argparse, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_speed import (SYSTEMS, PEER_PYTHON, ROOT, SONG, thread_env, machine, command_line, run_measured, write_report,
                         worker_result, make_input, make_stemsep_model, worker_cmd, md_table, peer_versions)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--minutes', type=float, nargs='+', default=[1, 5, 10], help='input lengths (the song tiled)')
    p.add_argument('--systems', nargs='+', default=['floor', 'stemsep', 'umx', 'htdemucs'], choices=list(SYSTEMS))
    p.add_argument('--threads', type=int, default=2, help='threads per process')
    p.add_argument('--timeout', type=float, default=600., help='stop a run after this many seconds (peak so far = lower bound)')
    p.add_argument('--max-rss-gb', type=float, default=None,
                   help='stop a run whose RSS passes this (default: half the memory available at start), so as not to push the machine into swap or the OOM killer')
    p.add_argument('--peer-python', default=PEER_PYTHON, help='Python of the venv with torch, openunmix and demucs')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'memory.md'), help='results file')
    args = p.parse_args()
    started, where = time.strftime('%Y-%m-%d %H:%M'), machine()
    work = Path(tempfile.mkdtemp(prefix='stemsep_memory_'))
    model = make_stemsep_model(work/'model')
    env = thread_env(args.threads)
    import psutil
    guard_mb = (args.max_rss_gb*1024 if args.max_rss_gb else psutil.virtual_memory().available/2**20/2)
    inputs = {m: make_input(work/f'song_{m:g}min.wav', m*60) for m in args.minutes}
    cells = {}
    for m in args.minutes:                       # length-major, so every system's short runs come first
        for name in args.systems:
            res = run_measured(worker_cmd(name, inputs[m], work/f'out_{name}', args.threads, model, warmup=False,
                                          peer_python=args.peer_python), env, timeout_s=args.timeout, max_rss_mb=guard_mb)
            if res['over_guard']:
                cells[name, m] = (f"> {guard_mb:.0f}", f"stopped at the memory guard after {res['wall_s']:.0f} s")
            elif res['timed_out']:
                cells[name, m] = (f">= {res['peak_mb']:.0f}", f"stopped at {res['wall_s']:.0f} s")
            else:
                out = worker_result(res, f"{name} on {m:g} min")
                cells[name, m] = (f"{max(out['max_rss_mb'], res['peak_mb']):.0f}", f"{res['wall_s']:.0f} s")
            print(f"{name:10s} {m:g} min: peak RSS {cells[name, m][0]} MiB ({cells[name, m][1]})", flush=True)
    header = ['system'] + [f"{m:g} min: peak RSS (MiB)" for m in args.minutes] + [f"{m:g} min: run" for m in args.minutes]
    rows = [[SYSTEMS[s][1] + (' (random weights)' if SYSTEMS[s][0] or s == 'stemsep' else '')]
            + [cells[s, m][0] for m in args.minutes] + [cells[s, m][1] for m in args.minutes] for s in args.systems]
    versions = peer_versions(args.peer_python)
    text = (f"# Peak memory of separation\n\n"
            f"Machine: {where}. {args.threads} threads per process. Input: `{SONG.name}` tiled to each length "
            f"(44.1 kHz stereo float WAV); file in -> float WAVs out; one run per cell, no warm-up; peak RSS of the "
            f"worker process (polled every 50 ms, and its ru_maxrss when it finishes). `>=`: stopped after "
            f"`--timeout` {args.timeout:.0f} s, peak so far (a lower bound); `>`: stopped when it passed the memory guard "
            f"({guard_mb:.0f} MiB, half the memory available at the start; machine total "
            f"{psutil.virtual_memory().total/2**30:.0f} GiB). stemsep: default `stemsep separate` "
            f"settings (30 s blocks, batch 8). Peers: torch {versions.get('torch', '?')}, openunmix "
            f"{versions.get('openunmix', '?')}, demucs {versions.get('demucs', '?')}, random weights (memory does not "
            f"depend on weight values); Open-Unmix runs the whole song at once, as `umx` does; HT-Demucs splits it "
            f"into 7.8 s segments but holds the whole output.\n"
            f"Run: `{command_line()}` on {started}.\n\n{md_table(header, rows)}\n")
    write_report(text, args.out, work)


if __name__ == '__main__': main()
