"The Colab notebook runs end to end outside Colab (Drive and install cells skipped, a tiny rendered data set)."
import os, shutil, subprocess, sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

def test_colab_notebook_runs():
    exe = Path(sys.executable).parent/'nbdev_test'
    exe = str(exe) if exe.is_file() else shutil.which('nbdev_test')
    assert exe, 'nbdev_test is not installed'
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL='3', CUDA_VISIBLE_DEVICES='')
    p = subprocess.run([exe, '--path', 'nbs/tutorials/colab.ipynb'], capture_output=True, text=True, cwd=REPO, env=env, timeout=600)
    assert p.returncode == 0 and 'Success' in p.stdout + p.stderr, (p.stdout + p.stderr)[-3000:]
