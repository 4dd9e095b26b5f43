"Shared pieces of the reliability tests: the real CLI in a subprocess, tiny artefacts, file-tree checks."
import hashlib, json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
# Small enough that every command finishes in seconds on 2 cores.
TINY = dict(sr=8000, n_fft=256, hop_length=64, segment_frames=16, n_bins=64, base_filters=4, depth=2,
            batch_size=4, epochs=3)


def cli_env()->dict:
    "Environment for a `python -m stemsep` subprocess: quiet TensorFlow, unbuffered output, few threads."
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3', PYTHONUNBUFFERED='1', OMP_NUM_THREADS='2',
               TF_NUM_INTEROP_THREADS='1', TF_NUM_INTRAOP_THREADS='2')
    env['PYTHONPATH'] = os.pathsep.join([str(ROOT)] + [p for p in [env.get('PYTHONPATH')] if p])
    return env


def stemsep_cmd(*args)->list: return [sys.executable, '-m', 'stemsep', *map(str, args)]


def run_cli(*args, cwd=None, timeout=300, prefix=None)->subprocess.CompletedProcess:
    "Run `stemsep ARGS` (or `prefix` + ARGS for a patched entry point) and capture its output as text."
    cmd = (prefix or stemsep_cmd()) + [str(a) for a in args]
    return subprocess.run(cmd, cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=timeout)


def lines(text:str)->list:
    "Output lines; progress bars' carriage returns split lines too."
    return [l.strip() for l in text.replace('\r', '\n').split('\n') if l.strip()]


def error_lines(proc)->list:
    "The lines a command printed about failures: `stemsep: error: ...` and `FAILED ...`/`failed: ...`."
    out = lines(proc.stderr) + lines(proc.stdout)
    return [l for l in out if l.startswith(('stemsep: error', 'stemsep: internal error', 'FAILED', 'failed:'))]


def assert_clean_failure(proc, *names, code=None):
    "Non-zero exit, no traceback, and for each name one error line naming it; returns {name: that line}."
    assert proc.returncode != 0, f"exit code 0\n{proc.stdout}\n{proc.stderr}"
    if code is not None: assert proc.returncode == code, proc.returncode
    assert 'Traceback' not in proc.stderr and 'Traceback' not in proc.stdout, proc.stderr
    assert 'internal error' not in proc.stderr, proc.stderr
    errs = error_lines(proc)
    found = {}
    for name in names:
        hits = [l for l in errs if str(name) in l and ' files failed: ' not in l
                and not (l.startswith('failed: ') and ': ' not in l[len('failed: '):])]   # not the summary list
        assert len(hits) == 1, f"expected one error line naming {name}, got {hits}\n{proc.stderr}\n{proc.stdout}"
        found[str(name)] = hits[0]
    return found


def write_tiny_config(path, **kw)->Path:
    "A tiny configuration JSON for `--config`."
    from stemsep.config import save_config, StemsepConfig
    return save_config(StemsepConfig(**{**TINY, **kw}), path)


def write_tiny_model(path, **kw)->Path:
    "An untrained tiny model saved as `stemsep train` saves it (weights + config): enough to test separation."
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    from stemsep.config import StemsepConfig
    from stemsep.model import build_model, save_model
    cfg = StemsepConfig(**{**TINY, **kw})
    return save_model(build_model(cfg), cfg, path)


def tone(seconds:float, sr:int, channels:int=1, seed:int=0)->np.ndarray:
    "A few harmonics plus noise, (channels, samples) float32: audio that is not silence."
    t = np.arange(int(round(seconds*sr)))/sr
    rng = np.random.default_rng(seed)
    y = sum(0.2/k*np.sin(2*np.pi*(110*k + 7*seed)*t) for k in range(1, 5)) + 0.02*rng.standard_normal((channels, t.size))
    return np.asarray(y, np.float32).reshape(channels, -1)


def public_files(folder)->list:
    "Files under `folder` whose path has no hidden part (temporary .tmp/.partial files are hidden)."
    folder = Path(folder)
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob('*')
                  if p.is_file() and not any(part.startswith('.') for part in p.relative_to(folder).parts))


def content_hash(path)->str:
    """md5 of a file's content: for WAV/FLAC its samples, rate and channels (libsndfile stamps the time into
    float WAV headers, so two identical writes differ in a few header bytes), else its bytes."""
    path = Path(path)
    if path.suffix.lower() in ('.wav', '.flac'):
        import soundfile as sf
        y, sr = sf.read(str(path), dtype='float32', always_2d=True)
        return hashlib.md5(y.tobytes() + f'{sr} {y.shape}'.encode()).hexdigest()
    return hashlib.md5(path.read_bytes()).hexdigest()


def tree_hashes(folder, skip=())->dict:
    "relative path -> `content_hash` of every public file under `folder` (names in `skip` left out)."
    folder = Path(folder)
    return {p: content_hash(folder/p) for p in public_files(folder) if Path(p).name not in skip}


def kill_mid_run(cmd:list, ready, delay_s:float, cwd=None, timeout:float=120.)->float:
    """Start `cmd` in its own process group, wait until `ready()` says it is under way, wait `delay_s` more,
    check it is still running and SIGKILL the whole group. Returns the seconds from start to the kill."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        while not ready():
            if proc.poll() is not None:
                raise AssertionError(f"{cmd[3]} ended (exit {proc.returncode}) before it was under way: "
                                     f"{proc.stderr.read().decode()[-2000:]}")
            if time.monotonic() - t0 > timeout: raise AssertionError(f"{cmd[3]} never got under way")
            time.sleep(0.02)
        time.sleep(delay_s)
        assert proc.poll() is None, f"{cmd[3]} finished before the kill (exit {proc.returncode}); lower the delay"
        os.killpg(proc.pid, signal.SIGKILL)
        return time.monotonic() - t0
    finally:
        if proc.poll() is None:
            try: os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError: pass
        proc.wait()
        proc.stderr.close()


def run_measured(cmd:list, ready, timeout:float=300.)->tuple:
    "Run `cmd` to completion, noting when `ready()` first held: (returncode, stdout, stderr, ready_s, total_s)."
    t0 = time.monotonic(); ready_s = None
    proc = subprocess.Popen(cmd, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import threading
    out = {}
    readers = [threading.Thread(target=lambda k, s: out.__setitem__(k, s.read()), args=(k, s))
               for k, s in (('stdout', proc.stdout), ('stderr', proc.stderr))]
    for r in readers: r.start()
    while proc.poll() is None:
        if ready_s is None and ready(): ready_s = time.monotonic() - t0
        if time.monotonic() - t0 > timeout: proc.kill()
        time.sleep(0.02)
    total_s = time.monotonic() - t0
    for r in readers: r.join()
    return proc.returncode, out['stdout'], out['stderr'], (total_s if ready_s is None else ready_s), total_s
