"""The bad-input corpus, through the real `stemsep` command line: every bad input gets one line naming the file
and the problem, a non-zero exit code and no traceback, and the good inputs of the same call are still done.

The corpus is made here, in a temporary folder; nothing large is committed. `CASES` counts the cases."""
import os, shutil
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf

from reliability_helpers import (TINY, run_cli, assert_clean_failure, error_lines, write_tiny_config,
                                 write_tiny_model, tone, public_files)

CASES = []   # (command, case, the line it printed): the report the issue asks for; see test_zz_report


def record(command, case, line):
    CASES.append((command, case, line))


@pytest.fixture(scope='module')
def work(tmp_path_factory):
    "A tiny configuration, an untrained tiny model, a file to put output folders under, and the audio corpus."
    w = tmp_path_factory.mktemp('bad')
    write_tiny_config(w/'tiny.json')
    write_tiny_model(w/'model'/'tiny.weights.h5')
    write_tiny_model(w/'other'/'other.weights.h5', n_bins=32)          # another configuration
    (w/'blocker').write_text('a regular file: nothing can be created under it, not even by root\n')
    sr = TINY['sr']
    a = w/'audio'; a.mkdir()
    good = tone(2, sr)
    sf.write(a/'good.wav', good.T, sr)
    (a/'empty.wav').write_bytes(b'')
    sf.write(w/'full.flac', good.T, sr); b = (w/'full.flac').read_bytes()
    (a/'truncated.flac').write_bytes(b[:len(b)//2])
    sf.write(w/'full.mp3', good.T, sr, format='MP3'); b = (w/'full.mp3').read_bytes()
    (a/'cut.mp3').write_bytes(b[:len(b)//2])      # not truncated.mp3: two inputs named 'truncated' would share one output folder
    (a/'text.wav').write_text('this is a text file, not audio\n')
    sf.write(a/'zero.wav', np.zeros((0, 1), np.float32), sr)
    sf.write(a/'one.wav', np.full((1, 1), 0.1, np.float32), sr)
    y = good.copy(); y[0, 100] = np.nan; sf.write(a/'nan.wav', y.T, sr, subtype='FLOAT')
    y = good.copy(); y[0, 100] = np.inf; sf.write(a/'inf.wav', y.T, sr, subtype='FLOAT')
    sf.write(a/'eight.wav', np.repeat(good, 8, axis=0).T, sr)
    sf.write(a/'rate8k.wav', tone(2, 8000, seed=1).T, 8000)
    sf.write(a/'rate192k.wav', tone(2, 192000, 2, seed=2).T, 192000)
    (a/'folder.wav').mkdir()                                            # a directory where a file is expected
    return w


BAD_AUDIO = {'empty.wav': 'empty file', 'truncated.flac': 'not a readable audio file',
             'cut.mp3': 'truncated', 'text.wav': 'not a readable audio file', 'zero.wav': 'no audio samples',
             'one.wav': 'shorter than one STFT frame', 'nan.wav': 'NaN', 'inf.wav': 'infinite',
             'eight.wav': '8 channels', 'folder.wav': 'folder holds no audio files'}


def test_separate_bad_audio(work):
    "One call with every bad audio file between good ones: each bad one named once, the good ones separated."
    a = work/'audio'
    names = sorted(p.name for p in a.iterdir())
    p = run_cli('separate', '-m', work/'model'/'tiny.weights.h5', '-o', work/'res', *[a/n for n in names])
    found = assert_clean_failure(p, *[a/n for n in BAD_AUDIO], code=1)
    for name, why in BAD_AUDIO.items():
        assert why in found[str(a/name)], found[str(a/name)]
        record('separate', name, found[str(a/name)])
    assert f"{len(BAD_AUDIO)} of {len(names)} files failed" in p.stderr
    for name, sr, ch in [('good', 8000, 1), ('rate8k', 8000, 1), ('rate192k', 192000, 2)]:   # separated fine
        for stem in ('drums', 'accompaniment'):
            y, r = sf.read(work/'res'/name/f'{stem}.wav', always_2d=True)
            assert (r, y.shape) == (sr, (2*sr, ch)) and np.isfinite(y).all()
    assert sorted(public_files(work/'res')) == sorted(f'{n}/{s}.wav' for n in ('good', 'rate8k', 'rate192k')
                                                      for s in ('drums', 'accompaniment'))


def test_separate_bad_model(work):
    "A model file that is not a model, and a folder without one."
    (work/'notmodel.weights.h5').write_text('not a model at all')
    p = run_cli('separate', '-m', work/'notmodel.weights.h5', '-o', work/'res2', work/'audio'/'good.wav')
    line = assert_clean_failure(p, work/'notmodel.weights.h5')[str(work/'notmodel.weights.h5')]
    assert 'not a saved stemsep/Keras model' in line; record('separate', 'model file that is not a model', line)
    p = run_cli('separate', '-m', work/'audio', '-o', work/'res2', work/'audio'/'good.wav')
    line = assert_clean_failure(p, work/'audio')[str(work/'audio')]
    assert 'no model file' in line; record('separate', 'model folder without a model', line)
    assert not (work/'res2').exists()


def test_separate_unwritable_and_existing(work):
    "Output folder under a regular file or in /proc; outputs that exist (without --force)."
    a = work/'audio'
    p = run_cli('separate', '-m', work/'model', '-o', work/'blocker'/'out', a/'good.wav', a/'rate8k.wav')
    found = assert_clean_failure(p, work/'blocker'/'out'/'good', work/'blocker'/'out'/'rate8k')
    for line in found.values(): assert 'cannot create output directory (Not a directory)' in line
    record('separate', 'output folder under a regular file', next(iter(found.values())))
    p = run_cli('separate', '-m', work/'model', '-o', '/proc/stemsep_out', a/'good.wav')
    line = assert_clean_failure(p, '/proc/stemsep_out')['/proc/stemsep_out']
    record('separate', 'output folder in /proc', line)
    out = work/'exists'
    (out/'good').mkdir(parents=True); (out/'good'/'drums.wav').write_bytes(b'precious')
    p = run_cli('separate', '-m', work/'model', '-o', out, a/'good.wav', a/'rate8k.wav')
    line = assert_clean_failure(p, out/'good'/'drums.wav', code=1)[str(out/'good'/'drums.wav')]
    assert 'exists already (use --force to overwrite)' in line; record('separate', 'output that exists', line)
    assert (out/'good'/'drums.wav').read_bytes() == b'precious'            # untouched
    assert not (out/'good'/'accompaniment.wav').exists()                   # nothing half-done for that input
    assert (out/'rate8k'/'drums.wav').is_file()                            # the other input was separated


@pytest.fixture(scope='module')
def slakh(work):
    "Five Slakh-layout songs: two good, one without metadata.yaml, one with broken YAML, one missing a stem."
    from stemsep.testing import tiny_slakh
    root = tiny_slakh(work/'slakh', n_samples=8000, sr=8000)
    t = root/'train'
    for k in (3, 4, 5): shutil.copytree(t/'Track00001', t/f'Track0000{k}')
    (t/'Track00003'/'metadata.yaml').unlink()
    (t/'Track00004'/'metadata.yaml').write_text('stems: [unclosed\n  - : :\n')
    (t/'Track00005'/'stems'/'S02.flac').unlink()
    return root


def test_stems_bad_songs(work, slakh):
    "`stemsep stems`: bad songs listed one line each, the good ones written."
    p = run_cli('stems', slakh, '--out', work/'tracks', '--workers', '1')
    found = assert_clean_failure(p, 'train/Track00003:', 'train/Track00004:', 'train/Track00005:', code=1)
    assert 'metadata.yaml missing' in found['train/Track00003:']
    assert 'not valid YAML' in found['train/Track00004:']
    assert 'stem S02 is listed in metadata.yaml but stems/S02.flac|wav is missing' in found['train/Track00005:']
    for case, key in [('missing metadata.yaml', 'train/Track00003:'), ('malformed metadata.yaml', 'train/Track00004:'),
                      ('stem listed but absent', 'train/Track00005:')]: record('stems', case, found[key])
    assert public_files(work/'tracks') == sorted(f'train/Track0000{k}/{f}' for k in (1, 2)
                                                 for f in ('accompaniment.wav', 'drums.wav', 'mix.wav', 'tracks.json'))
    p = run_cli('stems', slakh, '--out', work/'blocker'/'tracks', '--workers', '1')
    line = assert_clean_failure(p, work/'blocker'/'tracks')[str(work/'blocker'/'tracks')]
    assert 'cannot create output directory' in line; record('stems', 'output folder under a regular file', line)


def test_synth_unwritable(work):
    p = run_cli('synth', work/'blocker'/'songs', '--songs', '1', '--seconds', '1')
    line = assert_clean_failure(p, work/'blocker'/'songs')[str(work/'blocker'/'songs')]
    assert 'cannot create output directory' in line; record('synth', 'output folder under a regular file', line)
    p = run_cli('synth', work/'songs', '--songs', '1', '--seconds', '1', '--vocals', '1', '--singer', 'formant,opera')
    line = assert_clean_failure(p, 'formant,opera', code=2)['formant,opera']
    assert 'choose speech, formant, sinsy, mix or a comma list' in line; record('synth', 'unknown singer in a list', line)
    assert not (work/'songs').exists()                          # refused before anything is written


@pytest.fixture(scope='module')
def toy(work):
    "Three good toy songs and four bad ones for `stemsep preprocess`."
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    root = work/'toy'
    make_toy_tracks(root, n_songs=3, seconds=2, cfg=StemsepConfig(**TINY), seed=1)
    for k, bad in enumerate(('no_drums', 'empty_drums', 'folder_drums', 'text_mix')):
        shutil.copytree(root/'toy_000', root/f'bad_{bad}')
    (root/'bad_no_drums'/'drums.wav').unlink()
    (root/'bad_empty_drums'/'drums.wav').write_bytes(b'')
    (root/'bad_folder_drums'/'drums.wav').unlink(); (root/'bad_folder_drums'/'drums.wav').mkdir()
    (root/'bad_text_mix'/'mix.wav').write_text('not audio\n')
    return root


def test_preprocess_bad_songs(work, toy):
    "`stemsep preprocess`: each bad song folder named once, the good songs in the patch file."
    import h5py
    p = run_cli('preprocess', toy, '--config', work/'tiny.json', '--out', work/'data'/'d.h5', '--workers', '1')
    found = assert_clean_failure(p, 'bad_no_drums:', 'bad_empty_drums:', 'bad_folder_drums:', 'bad_text_mix:', code=1)
    assert "no audio file for stem(s) ['drums']" in found['bad_no_drums:']
    assert 'empty file (0 bytes)' in found['bad_empty_drums:']
    assert 'drums' in found['bad_folder_drums:']
    assert 'not a readable audio file' in found['bad_text_mix:']
    for key, case in [('bad_no_drums:', 'song without a stem file'), ('bad_empty_drums:', 'empty stem file'),
                      ('bad_folder_drums:', 'a directory where a stem file is expected'),
                      ('bad_text_mix:', 'text file as mix.wav')]: record('preprocess', case, found[key])
    with h5py.File(work/'data'/'d.h5', 'r') as f:
        assert sorted(s.decode() if isinstance(s, bytes) else s for s in f['songs'][:]) == ['toy_000', 'toy_001', 'toy_002']
    p = run_cli('preprocess', toy, '--config', work/'tiny.json', '--out', work/'blocker'/'d.h5')
    line = assert_clean_failure(p, 'blocker')['blocker']
    assert 'cannot create output directory' in line; record('preprocess', 'output under a regular file', line)
    p = run_cli('preprocess', toy, '--config', work/'audio', '--out', work/'data'/'e.h5')
    line = assert_clean_failure(p, work/'audio')[str(work/'audio')]
    record('preprocess', '--config is a directory', line)
    p = run_cli('preprocess', toy, '--config', work/'audio'/'text.wav', '--out', work/'data'/'e.h5')
    line = assert_clean_failure(p, work/'audio'/'text.wav')[str(work/'audio'/'text.wav')]
    assert 'not valid JSON' in line; record('preprocess', 'malformed configuration JSON', line)


def test_train_bad_inputs(work, toy):
    "`stemsep train`: an HDF5 file cut in the middle, an --init file that is not a model, a model of another configuration."
    data = work/'data'/'d.h5'
    if not data.exists(): pytest.skip('needs test_preprocess_bad_songs')
    b = data.read_bytes(); (work/'data'/'cut.h5').write_bytes(b[:len(b)//2])
    p = run_cli('train', work/'data'/'cut.h5', '--model-dir', work/'m1', '--epochs', '1')
    line = assert_clean_failure(p, work/'data'/'cut.h5')[str(work/'data'/'cut.h5')]
    assert 'not a readable HDF5 file' in line and 'truncated' in line; record('train', 'HDF5 file truncated in the middle', line)
    (work/'junk.h5').write_bytes(b'\x89HDF\r\n\x1a\n' + bytes(200))
    p = run_cli('train', data, '--model-dir', work/'m2', '--epochs', '1', '--init', work/'junk.h5')
    line = assert_clean_failure(p, work/'junk.h5')[str(work/'junk.h5')]
    assert 'not a saved stemsep/Keras model' in line; record('train', '--init file that is not a model', line)
    p = run_cli('train', data, '--model-dir', work/'m3', '--epochs', '1', '--init', work/'other'/'other.weights.h5')
    line = assert_clean_failure(p, work/'other'/'other.weights.h5')[str(work/'other'/'other.weights.h5')]
    assert 'configuration does not match (n_bins: 32 here, 64 expected)' in line
    record('train', 'model whose configuration does not match the data', line)
    p = run_cli('train', data, '--model-dir', work/'blocker'/'m', '--epochs', '1')
    line = assert_clean_failure(p, work/'blocker'/'m')[str(work/'blocker'/'m')]
    record('train', 'model folder under a regular file', line)


def test_zz_report(capsys):
    "Print every case and its line (pytest -s shows it); the issue's note quotes this."
    with capsys.disabled():
        print(f"\n{len(CASES)} bad-input cases:")
        for command, case, line in CASES: print(f"  {command:10s} {case}: {line}")
