"""Two `stemsep separate` processes writing into one results folder, and runs that hit a full disk: a real
2 MB tmpfs where this machine lets root mount one, and a simulated `OSError(ENOSPC)` everywhere."""
import errno, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf

from reliability_helpers import (TINY, run_cli, cli_env, stemsep_cmd, assert_clean_failure, write_tiny_model,
                                 write_tiny_config, tone, public_files)


@pytest.fixture(scope='module')
def work(tmp_path_factory):
    w = tmp_path_factory.mktemp('conc')
    write_tiny_model(w/'model'/'tiny.weights.h5')
    (w/'in').mkdir()
    for k in range(6): sf.write(w/'in'/f'song{k}.wav', tone(6, 22050, 2, seed=k).T, 22050)
    return w


def check_outputs(folder, songs, seconds=6, sr=22050):
    "Every output readable, at the input's rate, channels and length; no public leftovers."
    for song in songs:
        for stem in ('drums', 'accompaniment'):
            y, r = sf.read(folder/song/f'{stem}.wav', always_2d=True)
            assert (r, y.shape) == (sr, (seconds*sr, 2)) and np.isfinite(y).all(), (song, stem)
    assert public_files(folder) == sorted(f'{s}/{t}.wav' for s in songs for t in ('accompaniment', 'drums'))


def test_two_processes_one_folder(work):
    "Different inputs into one folder, at once; then the same input with --force from both at once."
    out = work/'results'
    a = [work/'in'/f'song{k}.wav' for k in (0, 2, 4)]
    b = [work/'in'/f'song{k}.wav' for k in (1, 3, 5)]
    procs = [subprocess.Popen(stemsep_cmd('separate', '-m', work/'model', '-o', out, '--block-seconds', '2', *files),
                              env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for files in (a, b)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0 and 'Traceback' not in err, err[-2000:]
    check_outputs(out, [f'song{k}' for k in range(6)])
    same = [work/'in'/'song0.wav', work/'in'/'song1.wav']
    procs = [subprocess.Popen(stemsep_cmd('separate', '-m', work/'model', '-o', out, '--force', '--block-seconds', '2', *same),
                              env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0 and 'Traceback' not in err, err[-2000:]
    check_outputs(out, [f'song{k}' for k in range(6)])


def can_mount_tmpfs(folder)->bool:
    "Whether root may mount a tmpfs here (not in every container)."
    folder.mkdir(parents=True, exist_ok=True)
    try: r = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', str(folder)], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired): return False
    return r.returncode == 0


def test_separate_full_tmpfs(work, tmp_path):
    "A 2 MB tmpfs fills up during a batch: each input that does not fit fails in one line, the earlier ones stay whole."
    disk = tmp_path/'disk'
    if not can_mount_tmpfs(disk): pytest.skip('cannot mount a tmpfs here (needs root and mount permission)')
    try:
        files = [work/'in'/f'song{k}.wav' for k in range(6)]      # 2 x 6 s x 2 ch x 4 bytes x 22050 = 2.1 MB per song
        p = run_cli('separate', '-m', work/'model', '-o', disk, '--format', 'flac', '--int24', *files)   # 24-bit FLAC: ~0.6 MB a song
        assert p.returncode == 1, p.stderr
        errs = [l for l in p.stderr.replace('\r', '\n').splitlines() if l.startswith('stemsep: error:')]
        assert errs and all('cannot write (No space left on device)' in l for l in errs), errs
        assert 'Traceback' not in p.stderr
        done = sorted(l.split(':')[0] for l in p.stdout.splitlines() if l.endswith('.flac'))
        assert done, p.stdout
        for song in (Path(d).stem for d in done):                 # the songs written before the disk filled are whole
            for stem in ('drums', 'accompaniment'):
                y, r = sf.read(disk/song/f'{stem}.flac', always_2d=True)
                assert y.shape == (6*22050, 2)
        written = {Path(d).stem for d in done}
        assert {Path(f).parts[0] for f in public_files(disk)} <= written    # nothing half-written under a final name
        print(f"tmpfs full: {len(done)} songs written, then: {errs[0]}")
    finally:
        subprocess.run(['umount', str(disk)], capture_output=True)


# Patches a writer to raise ENOSPC after `n` successful calls, then runs the real `stemsep` entry point.
ENOSPC_WRAPPER = '''
import errno, sys, {module}
target = {module}
for part in {attr!r}.split('.')[:-1]: target = getattr(target, part)
name = {attr!r}.split('.')[-1]
original = getattr(target, name); calls = [0]
def full(*a, **k):
    calls[0] += 1
    if calls[0] > {n}: raise OSError(errno.ENOSPC, 'No space left on device')
    return original(*a, **k)
setattr(target, name, full)
from stemsep.cli import main
sys.exit(main())
'''


def enospc(module:str, attr:str, n:int)->list:
    "A command prefix that runs stemsep with `module.attr` failing with ENOSPC after `n` calls."
    return [sys.executable, '-c', ENOSPC_WRAPPER.format(module=module, attr=attr, n=n)]


def test_separate_enospc(work, tmp_path):
    "Simulated full disk during separation: one line per input that fails, earlier outputs intact, no temp files."
    files = [work/'in'/f'song{k}.wav' for k in range(3)]
    out = tmp_path/'out'
    p = run_cli('separate', '-m', work/'model', '-o', out, '--block-seconds', '2', '--jobs', '1', *files,
                prefix=enospc('soundfile', 'SoundFile.write', 8))  # 4 blocks x 2 outputs a song: song0 fits
    assert p.returncode == 1 and 'Traceback' not in p.stderr, p.stderr
    errs = [l for l in p.stderr.replace('\r', '\n').splitlines() if l.startswith('stemsep: error:')]
    assert len(errs) == 2 and all('cannot write (No space left on device)' in l for l in errs), errs
    check_outputs(out, ['song0'])
    assert not [f for f in out.rglob('*') if f.is_file() and f.name.startswith('.')]   # temporary files removed
    print(f"separate ENOSPC: {errs[0]}")


def test_separate_enospc_two_in_flight(work, tmp_path):
    "The same full disk with two songs in flight (the default): whichever songs fail say so, no song is half written."
    files = [work/'in'/f'song{k}.wav' for k in range(3)]
    out = tmp_path/'out'
    p = run_cli('separate', '-m', work/'model', '-o', out, '--block-seconds', '2', '--jobs', '2', *files,
                prefix=enospc('soundfile', 'SoundFile.write', 8))
    assert p.returncode == 1 and 'Traceback' not in p.stderr, p.stderr
    errs = [l for l in p.stderr.replace('\r', '\n').splitlines() if l.startswith('stemsep: error:')]
    assert 1 <= len(errs) <= 3 and all('cannot write (No space left on device)' in l for l in errs), errs
    failed = {f.stem for f in files if any(f"/{f.stem}/" in l for l in errs)}
    assert len(failed) == len(errs), errs                                   # one line per song that failed
    check_outputs(out, sorted({f.stem for f in files} - failed))            # the others are whole
    assert not [f for f in out.rglob('*') if f.is_file() and f.name.startswith('.')]


def test_preprocess_enospc(tmp_path):
    "Simulated full disk while the patch file grows: one line, the earlier patch file untouched."
    import h5py
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    make_toy_tracks(tmp_path/'tracks', n_songs=4, seconds=2, cfg=StemsepConfig(**TINY), seed=4)
    write_tiny_config(tmp_path/'tiny.json')
    out = tmp_path/'d.h5'
    assert run_cli('preprocess', tmp_path/'tracks', '--config', tmp_path/'tiny.json', '--out', out, '--workers', '1').returncode == 0
    before = out.read_bytes()
    make_toy_tracks(tmp_path/'tracks2', n_songs=4, seconds=2, cfg=StemsepConfig(**TINY), seed=5)
    for d in (tmp_path/'tracks2').iterdir(): d.rename(tmp_path/'tracks'/f'new_{d.name}')
    p = run_cli('preprocess', tmp_path/'tracks', '--config', tmp_path/'tiny.json', '--out', out, '--workers', '1',
                prefix=enospc('stemsep.preprocess', 'PatchWriter.add_song', 1))
    line = assert_clean_failure(p, 'd.h5.partial')['d.h5.partial']
    assert 'No space left on device' in line, line
    assert out.read_bytes() == before                                     # the finished file is untouched
    print(f"preprocess ENOSPC: {line}")
