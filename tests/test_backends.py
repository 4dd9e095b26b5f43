"""The other Keras backends: the built-in model separates, and a tiny model trains, on JAX (the base install's
backend where TensorFlow is absent) in a fresh process, since Keras reads KERAS_BACKEND once, at its first import.
PyTorch runs the same script by hand (see the README): `python tests/test_backends.py torch`."""
import importlib.util, os, subprocess, sys
from pathlib import Path
import pytest

SCRIPT = r'''
import json, sys, tempfile
from pathlib import Path
import numpy as np
import keras
from stemsep.predict import load_separator, default_model_path, separate_array
from stemsep.preprocess import preprocess
from stemsep.testing import make_toy_tracks, tiny_config
from stemsep.train import train, read_log
from stemsep.cli import main
out = {'backend': keras.backend.backend()}
net, cfg = load_separator(default_model_path())
t = np.arange(2*cfg.sr)/cfg.sr
mix = np.stack([np.sin(2*np.pi*110*t), np.sign(np.sin(2*np.pi*2*t))*np.exp(-20*(t % .5))]).astype(np.float32)*.3
stems = separate_array(net, cfg, mix, cfg.sr)
out['stems'] = {k: list(v.shape) for k, v in stems.items()}
out['adds_up'] = float(np.abs(sum(stems.values()) - mix).max())
out['drums_rms'] = float(np.sqrt(np.mean(stems['drums']**2)))   # to compare the backends' numbers
with tempfile.TemporaryDirectory() as d:
    d = Path(d)
    import soundfile as sf
    sf.write(d/'song.wav', mix.T, cfg.sr)
    out['cli'] = main(['separate', str(d/'song.wav'), '-o', str(d/'res'), '-c', 'mp3'])
    out['cli_files'] = sorted(p.name for p in (d/'res'/'song').iterdir())
    (d/'many').mkdir()                                 # songs in flight share one model (JAX: not predict_on_batch)
    for i in range(3): sf.write(d/'many'/f'song{i}.wav', np.roll(mix, 5000*i, axis=1).T, cfg.sr)
    out['cli_many'] = main(['separate', str(d/'many'), '-o', str(d/'res_many'), '-j', '3'])
    out['cli_many_files'] = len(list((d/'res_many').glob('*/*.wav')))
    tiny = tiny_config()
    make_toy_tracks(d/'tracks', n_songs=3, seconds=1., cfg=tiny, seed=1)
    preprocess(d/'tracks', d/'toy.h5', tiny, val_fraction=0.34, workers=1, progress=False, log=lambda *a: None)
    train(d/'toy.h5', d/'run', epochs=1, seed=3, patience=0, progress=False, log_tensorboard=False)
    log = read_log(d/'run')
    out['loss'] = float(log['loss'][-1])
print('RESULT ' + json.dumps(out))
'''

def run_on(backend:str, python:str=sys.executable)->dict:
    "Run SCRIPT with `KERAS_BACKEND=backend`; its result as a dict."
    import json, tempfile
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL='3', CUDA_VISIBLE_DEVICES='')
    env['PYTHONPATH'] = os.pathsep.join([str(Path(__file__).resolve().parents[1])] + [p for p in [env.get('PYTHONPATH')] if p])
    with tempfile.TemporaryDirectory() as cache:        # JAX's compiled programs go here, not to the user's ~/.cache
        env['STEMSEP_JAX_CACHE'] = cache
        p = subprocess.run([python, '-c', SCRIPT], capture_output=True, text=True, env=env, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads([l for l in p.stdout.splitlines() if l.startswith('RESULT ')][-1][7:])

def check(r:dict, backend:str):
    "What every backend must give."
    assert r['backend'] == backend
    assert r['stems'] == {'drums': [2, 88200], 'accompaniment': [2, 88200]}
    assert r['adds_up'] < 1e-3                       # soft masks share the mixture out
    assert r['cli'] == 0 and r['cli_files'] == ['accompaniment.mp3', 'drums.mp3']
    assert r['cli_many'] == 0 and r['cli_many_files'] == 6   # three songs in flight, every one written
    assert 0 < r['loss'] < 10                        # one epoch of training ran and logged a finite loss

@pytest.mark.skipif(importlib.util.find_spec('jax') is None, reason='jax is not installed (it comes with the dev extras)')
def test_jax():
    check(run_on('jax'), 'jax')

if __name__ == '__main__':           # by hand: python tests/test_backends.py torch [PYTHON]
    backend = sys.argv[1] if len(sys.argv) > 1 else 'jax'
    r = run_on(backend, *sys.argv[2:3])
    check(r, backend)
    print(f"{backend}: separation and one training epoch passed: {r}")
