"The package is generated from the notebooks: fail when stemsep/ is out of date with nbs/ or a notebook is not clean."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def _copy_repo(tmp_path):
    dst = tmp_path/'repo'
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns('.git', '.venv*', 'venv', '_proc', '_docs', '__pycache__', '*.egg-info', 'bench', 'scratch'))
    return dst

def _tree(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob('*.py')) if '__pycache__' not in p.parts}

def test_package_matches_notebooks(tmp_path):
    "`nbdev_export` on a copy of the repo changes nothing in stemsep/."
    dst = _copy_repo(tmp_path)
    subprocess.run([shutil.which('nbdev_export') or 'nbdev_export'], cwd=dst, check=True, capture_output=True)
    before, after = _tree(ROOT/'stemsep'), _tree(dst/'stemsep')
    changed = sorted(k for k in set(before)|set(after) if before.get(k) != after.get(k))
    assert not changed, f"stemsep/ is out of date with nbs/ (run nbdev_export): {changed}"

def test_notebooks_are_clean(tmp_path):
    "`nbdev_clean` on a copy of the repo changes no notebook (no stray outputs or metadata)."
    dst = _copy_repo(tmp_path)
    subprocess.run([shutil.which('nbdev_clean') or 'nbdev_clean'], cwd=dst, check=True, capture_output=True)
    changed = [str(p.relative_to(dst)) for p in sorted((dst/'nbs').rglob('*.ipynb'))
               if p.read_bytes() != (ROOT/p.relative_to(dst)).read_bytes()]
    assert not changed, f"notebooks not clean (run nbdev_clean): {changed}"

def test_cli_help_lists_commands():
    out = subprocess.run([sys.executable, '-m', 'stemsep', '--help'], capture_output=True, text=True)
    assert out.returncode == 0 and 'COMMAND' in out.stdout, out.stderr[-2000:]
    listed = {l.split()[0] for l in out.stdout.splitlines() if l.startswith('    ') and l.split()}
    missing = {'synth', 'stems', 'preprocess', 'train', 'separate', 'evaluate', 'run', 'status', 'demo'} - listed
    assert not missing, f"`stemsep --help` does not list {sorted(missing)}:\n{out.stdout}"
