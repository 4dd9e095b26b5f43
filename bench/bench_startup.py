"""Start-up of a cold `stemsep separate` process on Keras/JAX with and without JAX's persistent compilation cache
(`STEMSEP_JAX_CACHE`): the same short song, a fresh process each time, an empty cache, then the filled one, then the
cache off; rounds alternate. Run by hand (`--device gpu` on the GPU machine, where the device engine compiles too).
    KERAS_BACKEND=jax python bench/bench_startup.py [--seconds 10] [--rounds 3] [--device cpu]"""
import argparse, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seconds', type=float, default=10.); ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--device', default='cpu', choices=('cpu', 'gpu'))
    a = ap.parse_args()
    import soundfile as sf
    work = Path(tempfile.mkdtemp(prefix='stemsep_startup_'))
    rng = np.random.default_rng(0); sr = 44100
    sf.write(str(work/'song.wav'), (rng.standard_normal((int(a.seconds*sr), 2))*0.1).astype(np.float32), sr)
    env = dict(os.environ, KERAS_BACKEND='jax', TF_CPP_MIN_LOG_LEVEL='3')
    def run(cache):
        e = dict(env, STEMSEP_JAX_CACHE=cache)
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, '-m', 'stemsep', 'separate', str(work/'song.wav'), '-o', str(work/'out'),
                            '--force', '--device', a.device], capture_output=True, text=True, env=e)
        if p.returncode: raise SystemExit(p.stderr[-2000:])
        return time.perf_counter() - t0
    times = {'empty cache': [], 'filled cache': [], 'cache off': []}
    for r in range(a.rounds):
        cache = str(work/f'cache{r}')
        times['empty cache'].append(run(cache)); times['filled cache'].append(run(cache)); times['cache off'].append(run('off'))
        print(f"round {r + 1}: " + ', '.join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    print(f"\n| cold `stemsep separate` of {a.seconds:.0f} s, {a.device.upper()}, Keras on JAX | s (median of {a.rounds}) | all |\n|---|---:|---|")
    for k, v in times.items(): print(f"| {k} | {statistics.median(v):.1f} | {', '.join(f'{x:.1f}' for x in v)} |")

if __name__ == '__main__': main()
