"""SIGTERM and Ctrl-C (SIGINT) during `stemsep separate`, `train`, `preprocess`, `stems` and `synth`: one clean line,
exit 143 (SIGTERM) or 130 (SIGINT), no temporary file left, no worker traceback, and the same command afterwards
finishes the work. A run killed outright (SIGKILL) leaves temporary files named with its process id; the next run
that writes to that folder removes them (and leaves those of processes still running)."""
import os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf

from reliability_helpers import (TINY, run_cli, stemsep_cmd, cli_env, lines, kill_mid_run, public_files,
                                 tree_hashes, write_tiny_config, write_tiny_model, tone)

LINE = {signal.SIGTERM: 'stemsep: terminated (SIGTERM); rerun the same command to resume',
        signal.SIGINT: 'stemsep: interrupted; rerun the same command to resume'}
CODE = {signal.SIGTERM: 143, signal.SIGINT: 130}


def hidden_files(folder)->list:
    "Temporary files and folders (hidden names) anywhere under `folder`."
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob('.*'))


def signal_mid_run(args:list, ready, sig, group:bool=False, delay_s:float=0.3, timeout:float=180.)->tuple:
    """Start `stemsep ARGS`, wait until `ready()`, then `delay_s`, send `sig` to it (to its whole process group, as
    Ctrl-C in a terminal does, when `group`). Returns (exit code, stdout, stderr)."""
    # SIGINT back to its default in the child: a test run started in the background by a shell without job control
    # (`pytest ... &`) ignores SIGINT, its children inherit that, and Python then never turns Ctrl-C into KeyboardInterrupt
    proc = subprocess.Popen(stemsep_cmd(*args), env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=group, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    t0 = time.monotonic()
    try:
        while not ready():
            if proc.poll() is not None:
                raise AssertionError(f"{args[0]} ended (exit {proc.returncode}) before it was under way: {proc.stderr.read()[-2000:]}")
            if time.monotonic() - t0 > timeout: raise AssertionError(f"{args[0]} never got under way")
            time.sleep(0.02)
        time.sleep(delay_s)
        assert proc.poll() is None, f"{args[0]} finished before the signal; make its work longer"
        if group: os.killpg(proc.pid, sig)
        else: proc.send_signal(sig)
        out, err = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill(); proc.communicate()
    return proc.returncode, out, err


def assert_clean_stop(code, out, err, sig):
    "The exit code of `sig`, its one line on a line of its own, no traceback (of the command or of a worker)."
    assert code == CODE[sig], (code, err[-3000:])
    assert 'Traceback' not in err and 'Traceback' not in out, err[-3000:]
    assert LINE[sig] in lines(err), lines(err)[-5:]


def dead_pid()->int:
    "The process id of a process that has ended."
    p = subprocess.Popen([sys.executable, '-c', 'pass']); p.wait()
    return p.pid


@pytest.fixture(scope='module')
def work(tmp_path_factory):
    w = tmp_path_factory.mktemp('sig')
    write_tiny_model(w/'model'/'tiny.weights.h5')
    (w/'in').mkdir()
    for k in range(3): sf.write(w/'in'/f'song{k}.wav', tone(20, 44100, 2, seed=k).T, 44100, subtype='FLOAT')
    return w


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGINT], ids=['SIGTERM', 'SIGINT'])
def test_separate_signal(work, sig):
    "Signalled while writing a song: no temporary and no partial output left; the same command then finishes."
    out = work/f'out_{sig.name}'
    args = ['separate', '-m', work/'model', '-o', out, '--skip-existing', '--block-seconds', '2', *sorted((work/'in').iterdir())]
    code, stdout, err = signal_mid_run(args, lambda: any(out.rglob('.drums.*.tmp.wav')), sig)
    assert_clean_stop(code, stdout, err, sig)
    assert hidden_files(out) == []
    for song in out.iterdir():                            # a song is either complete or absent
        assert sorted(p.name for p in song.iterdir()) in ([], ['accompaniment.wav', 'drums.wav'])
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    assert public_files(out) == sorted(f'song{k}/{s}.wav' for k in range(3) for s in ('accompaniment', 'drums'))
    assert hidden_files(out) == []


def test_separate_killed_leaves_temps_the_next_run_sweeps(work):
    "SIGKILL cannot be handled: its temporary files stay, named with its pid, until the next run writes there."
    out = work/'out_kill'
    args = ['separate', '-m', work/'model', '-o', out, '--skip-existing', '--block-seconds', '2', work/'in'/'song0.wav']
    kill_mid_run(stemsep_cmd(*args), lambda: any(out.rglob('.drums.*.tmp.wav')), 0.2)
    left = hidden_files(out)
    assert left and all('.tmp' in name for name in left), left
    alive = out/'song0'/f'.other.{os.getpid()}.tmp.wav'; alive.write_bytes(b'a live process is writing this')
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    assert hidden_files(out) == [f'song0/{alive.name}']                # the dead run's temporaries are gone
    alive.unlink()


@pytest.fixture(scope='module')
def patches(work):
    "A small patch file: a few seconds per epoch."
    from stemsep.preprocess import preprocess
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    cfg = StemsepConfig(**TINY)
    make_toy_tracks(work/'small', n_songs=4, seconds=3, cfg=cfg, seed=3)
    preprocess(work/'small', work/'small.h5', cfg, val_fraction=0.25, workers=1, progress=False, log=lambda *a: None)
    return work/'small.h5'


@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM], ids=['SIGINT', 'SIGTERM'])
def test_train_signal(work, patches, sig):
    "Signalled during an epoch: the progress bar is closed first, so the line stands alone; no temporary files."
    from stemsep.train import CHECKPOINT
    model_dir = work/f'm_{sig.name}'
    code, out, err = signal_mid_run(['train', patches, '--model-dir', model_dir, '--epochs', '50', '--patience', '0'],
                                    lambda: (model_dir/CHECKPOINT).exists(), sig)
    assert_clean_stop(code, out, err, sig)
    assert hidden_files(model_dir) == []


@pytest.fixture(scope='module')
def toy(work):
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    make_toy_tracks(work/'toy', n_songs=40, seconds=4, cfg=StemsepConfig(**TINY), seed=2)
    write_tiny_config(work/'tiny.json')
    return work/'toy'


def test_preprocess_ctrl_c_with_workers(work, toy):
    "Ctrl-C reaches the whole process group: the workers leave it to the parent, which stops the pool and prints one line."
    out = work/'pre'/'d.h5'
    args = ['preprocess', toy, '--out', out, '--config', work/'tiny.json', '--workers', '2']
    partial = out.with_name('.d.h5.partial')
    code, stdout, err = signal_mid_run(args, partial.exists, signal.SIGINT, group=True)
    assert_clean_stop(code, stdout, err, signal.SIGINT)
    assert not out.exists() and partial.exists()                        # the songs done are kept for the rerun
    p = run_cli(*args)
    assert p.returncode == 0 and 'songs already done' in p.stdout, p.stderr[-2000:]
    import h5py
    with h5py.File(out, 'r') as f: assert len(f['songs']) == 40
    assert hidden_files(out.parent) == []


@pytest.fixture(scope='module')
def slakh(work):
    "Songs for `stems`: rendered once by `stemsep synth` (which is also the synth test's reference)."
    p = run_cli('synth', work/'synth_ref', '--songs', '6', '--seconds', '4', '--workers', '1', '--seed', '5')
    assert p.returncode == 0, p.stderr[-2000:]
    return work/'synth_ref'


def test_synth_sigterm(work, slakh):
    out = work/'synth_sig'
    args = ['synth', out, '--songs', '6', '--seconds', '4', '--workers', '2', '--seed', '5']
    code, stdout, err = signal_mid_run(args, lambda: (out/'Track00001'/'metadata.yaml').exists(), signal.SIGTERM, delay_s=0.1)
    assert_clean_stop(code, stdout, err, signal.SIGTERM)
    assert hidden_files(out) == []
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    assert tree_hashes(out) == tree_hashes(slakh)


def test_stems_sigterm_and_stale_temps(work, slakh):
    "SIGTERM with two workers: songs under way finish, no temporary folder is left; a dead run's one is swept."
    ref, out = work/'tracks_ref', work/'tracks_sig'
    assert run_cli('stems', slakh, '--out', ref, '--workers', '1').returncode == 0
    args = ['stems', slakh, '--out', out, '--workers', '2']
    code, stdout, err = signal_mid_run(args, lambda: (out/'Track00001'/'tracks.json').exists(), signal.SIGTERM, delay_s=0.05)
    assert_clean_stop(code, stdout, err, signal.SIGTERM)
    assert hidden_files(out) == []
    stale = out/f'.Track00002.{dead_pid()}.tmp'; (stale/'stems').mkdir(parents=True)   # as a SIGKILLed worker leaves it
    (stale/'drums.wav').write_bytes(b'half')
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr[-2000:]
    assert hidden_files(out) == []
    assert tree_hashes(out, skip=('tracks.json',)) == tree_hashes(ref, skip=('tracks.json',))
