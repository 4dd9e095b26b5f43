"""Kill (SIGKILL) `stemsep synth`, `stems`, `preprocess`, `train` and `separate` at a random moment of their run,
rerun the same command, and check the result equals an uninterrupted run, with no partial file under a final name.

The moment is drawn from a seeded generator within the command's measured run time, after the command shows it
is under way (its first output appears), and the test checks the process was still running when it was killed."""
import json, time
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf

from reliability_helpers import (TINY, run_cli, stemsep_cmd, kill_mid_run, tree_hashes, public_files,
                                 write_tiny_config, write_tiny_model, tone, run_measured)

RNG = np.random.default_rng(10)


def reference(args:list, ready)->tuple:
    "An uninterrupted run of `stemsep ARGS`: (stdout, seconds until `ready()` held, seconds in all)."
    code, out, err, ready_s, total_s = run_measured(stemsep_cmd(*args), ready)
    assert code == 0, out + err[-3000:]
    assert total_s - ready_s > 0.4, f"{args[0]}: only {total_s - ready_s:.2f} s between under way and done"
    return out, ready_s, total_s


def kill_and_rerun(args:list, ready, run_s:float, ready_s:float=0.):
    "Kill `stemsep ARGS` at a random moment after `ready()` within the reference run's time, then rerun it."
    delay = float(RNG.uniform(0.05, 0.6))*(run_s - ready_s)
    killed_at = kill_mid_run(stemsep_cmd(*args), ready, delay)
    p = run_cli(*args)
    assert p.returncode == 0 and 'Traceback' not in p.stderr, p.stderr[-3000:]
    return p, killed_at


def ready_file(path): return lambda: Path(path).exists()


@pytest.fixture(scope='module')
def songs(tmp_path_factory):
    "An uninterrupted synth run: the reference, and the input of the stems test."
    w = tmp_path_factory.mktemp('kill')
    args = ['synth', w/'synth_ref', '--songs', '8', '--seconds', '6', '--workers', '1', '--seed', '3']
    _, ready_s, total_s = reference(args, ready_file(w/'synth_ref'/'Track00001'/'metadata.yaml'))
    return w, ready_s, total_s


def test_synth_killed(songs):
    w, ready_s, total_s = songs
    out = w/'synth_killed'
    args = ['synth', out, '--songs', '8', '--seconds', '6', '--workers', '1', '--seed', '3']
    p, at = kill_and_rerun(args, ready_file(out/'Track00001'/'metadata.yaml'), total_s, ready_s)
    assert 'already done' in p.stdout and not p.stdout.startswith('0 songs written')
    assert tree_hashes(out) == tree_hashes(w/'synth_ref')          # same files, same bytes
    print(f"synth killed at {at:.2f} s of {total_s:.2f}; rerun: {p.stdout.strip().splitlines()[0]}")


def test_stems_killed(songs):
    w = songs[0]
    ref, out = w/'tracks_ref', w/'tracks_killed'
    common = ['--workers', '1', '--sr', '8000']
    _, ready_s, total_s = reference(['stems', w/'synth_ref', '--out', ref, *common], ready_file(ref/'Track00001'/'tracks.json'))
    p, at = kill_and_rerun(['stems', w/'synth_ref', '--out', out, *common], ready_file(out/'Track00001'/'tracks.json'),
                           total_s, ready_s)
    assert tree_hashes(out, skip=('tracks.json',)) == tree_hashes(ref, skip=('tracks.json',))
    assert public_files(out) == public_files(ref)
    print(f"stems killed at {at:.2f} s of {total_s:.2f}; rerun: {p.stdout.strip().splitlines()[-1]}")


@pytest.fixture(scope='module')
def toy(tmp_path_factory):
    "Eighty 4-second toy songs (long enough for preprocess to be killed mid-run) and a tiny configuration."
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    w = tmp_path_factory.mktemp('toy')
    make_toy_tracks(w/'tracks', n_songs=80, seconds=4, cfg=StemsepConfig(**TINY), seed=2)
    write_tiny_config(w/'tiny.json')
    return w


def h5_summary(path)->dict:
    "Songs and their row counts, the total rows, and a checksum of the mixtures of a patch file."
    import h5py
    with h5py.File(path, 'r') as f:
        names = [s.decode() if isinstance(s, bytes) else s for s in f['songs'][:]]
        return dict(rows=len(f['mixture']), songs=dict(zip(names, f['song_rows'][:, 1].tolist())),
                    mixture_sum=float(np.asarray(f['mixture'][:], np.float64).sum()))


def test_preprocess_killed(toy):
    w = toy
    common = ['--config', w/'tiny.json', '--workers', '1']
    ref, out = w/'ref'/'d.h5', w/'killed'/'d.h5'
    _, ready_s, total_s = reference(['preprocess', w/'tracks', '--out', ref, *common], ready_file(ref.with_name('.d.h5.partial')))
    partial = out.with_name('.d.h5.partial')
    p, at = kill_and_rerun(['preprocess', w/'tracks', '--out', out, *common], ready_file(partial), total_s, ready_s)
    a, b = h5_summary(out), h5_summary(ref)
    assert a['rows'] == b['rows'] and a['songs'] == b['songs'], (a, b)
    np.testing.assert_allclose(a['mixture_sum'], b['mixture_sum'], rtol=1e-6)
    assert not partial.exists() and public_files(out.parent) == public_files(ref.parent)
    print(f"preprocess killed at {at:.2f} s of {total_s:.2f}; rerun: {p.stdout.strip().splitlines()[0]}")


def test_train_killed(toy):
    "Killed after an epoch's checkpoint, training resumes from it: the log has every epoch once."
    from stemsep.train import read_log, CHECKPOINT
    from stemsep.model import read_model_info
    from stemsep.preprocess import preprocess
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    w = toy
    data = w/'small.h5'                    # 6 songs: a few seconds per epoch
    make_toy_tracks(w/'small', n_songs=6, seconds=3, cfg=StemsepConfig(**TINY), seed=3)
    preprocess(w/'small', data, StemsepConfig(**TINY), val_fraction=0.2, workers=1, progress=False, log=lambda *a: None)
    common = ['--epochs', '5', '--patience', '0']
    ref, run = w/'m_ref', w/'m_killed'
    _, ready_s, total_s = reference(['train', data, '--model-dir', ref, *common], ready_file(ref/CHECKPOINT))
    p, at = kill_and_rerun(['train', data, '--model-dir', run, *common], ready_file(run/CHECKPOINT), total_s, ready_s)
    resumed = [l for l in p.stdout.splitlines() if l.startswith('resuming from') or 'already trained for 5 epochs' in l]
    assert resumed, p.stdout                                               # it resumed (or had finished), not restarted
    _, extra = read_model_info(run/CHECKPOINT)
    assert extra['epoch'] == 5
    np.testing.assert_array_equal(read_log(run)['epoch'], read_log(ref)['epoch'])   # [0..4], each once
    assert public_files(run) == public_files(ref)
    print(f"train killed at {at:.2f} s of {total_s:.2f}; rerun: {resumed[0]}")


def test_separate_killed(tmp_path):
    "A batch killed mid-song is finished by the same command with --skip-existing: same bytes as a clean run."
    write_tiny_model(tmp_path/'model'/'tiny.weights.h5')
    inputs = []
    for k in range(8):
        f = tmp_path/'in'/f'song{k}.wav'; f.parent.mkdir(exist_ok=True)
        sf.write(f, tone(20, 44100, 2, seed=k).T, 44100, subtype='FLOAT'); inputs.append(f)
    common = ['-m', tmp_path/'model', '--skip-existing', '--block-seconds', '5', *inputs]
    ref, out = tmp_path/'ref', tmp_path/'killed'
    _, ready_s, total_s = reference(['separate', '-o', ref, *common], ready_file(ref/'song0'/'drums.wav'))
    p, at = kill_and_rerun(['separate', '-o', out, *common], ready_file(out/'song0'/'drums.wav'), total_s, ready_s)
    assert 'outputs exist, skipped' in p.stdout
    assert tree_hashes(out) == tree_hashes(ref)
    print(f"separate killed at {at:.2f} s of {total_s:.2f}; rerun skipped {p.stdout.count('outputs exist, skipped')} of 8 songs")


def test_train_log_line_without_checkpoint(tmp_path):
    "Killed after an epoch's log line but before its checkpoint (the race the random kill once hit): no epoch twice."
    from stemsep.preprocess import preprocess
    from stemsep.testing import make_toy_tracks
    from stemsep.train import train, read_log
    from stemsep.config import StemsepConfig
    cfg = StemsepConfig(**TINY)
    make_toy_tracks(tmp_path/'t', n_songs=3, seconds=1.5, cfg=cfg, seed=1)
    preprocess(tmp_path/'t', tmp_path/'x.h5', cfg, val_fraction=0.34, workers=1, progress=False, log=lambda *a: None)
    train(tmp_path/'x.h5', tmp_path/'m', epochs=1, patience=0, progress=False, log_tensorboard=False)
    log = tmp_path/'m'/'training_log.csv'
    rows = log.read_text().splitlines(keepends=True)
    log.write_text(''.join(rows + [rows[-1].replace('0,', '1,', 1)]))   # epoch 2 logged, its checkpoint never saved
    train(tmp_path/'x.h5', tmp_path/'m', epochs=2, patience=0, progress=False, log_tensorboard=False)
    np.testing.assert_array_equal(read_log(tmp_path/'m')['epoch'], [0, 1])
