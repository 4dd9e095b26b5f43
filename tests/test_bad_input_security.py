"""The bad-input corpus, part two: input made by someone else (a data set, a cache folder, a submix file, a model),
names that become paths, outputs that would overwrite each other, and options blamed on the right culprit.
Every case goes through the real `stemsep` command line, as in test_bad_input.py: one line naming the culprit and
why, the right exit code, no traceback, and nothing written outside the output folder.

`CASES` collects (command, case, line); `test_zz_report` prints them (pytest -s)."""
import json, os, shutil, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import soundfile as sf
import yaml

from reliability_helpers import (TINY, run_cli, assert_clean_failure, write_tiny_config, write_tiny_model, tone,
                                 public_files, cli_env, stemsep_cmd)

CASES = []
MARKER = 'PLANTED_CODE_RAN'   # a planted pickle would create this file


def record(command, case, line): CASES.append((command, case, line))


def all_files(folder)->list:
    "Every file under `folder`, hidden ones included, relative to it."
    return sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob('*') if p.is_file())


@pytest.fixture(scope='module')
def work(tmp_path_factory):
    w = tmp_path_factory.mktemp('sec')
    write_tiny_config(w/'tiny.json')
    write_tiny_model(w/'model'/'tiny.weights.h5')
    sr = TINY['sr']
    (w/'a').mkdir(); (w/'b').mkdir()
    sf.write(w/'g.wav', tone(2, sr).T, sr)
    sf.write(w/'a'/'song.wav', tone(2, sr, seed=1).T, sr)
    sf.write(w/'b'/'song.flac', tone(2, sr, seed=2).T, sr)
    return w


# --- names that become paths: submix files, --residual, metadata.yaml, links -------------------------------------

@pytest.fixture(scope='module')
def slakh(work):
    "Two good Slakh songs and four that point outside their folder; a file outside that they must not read."
    from stemsep.testing import tiny_slakh
    root = tiny_slakh(work/'slakh', n_samples=4000, sr=8000)
    t = root/'train'
    (work/'outside').mkdir()
    shutil.copy(t/'Track00001'/'stems'/'S00.flac', work/'outside'/'S00.flac')
    for k in (3, 4, 5, 6): shutil.copytree(t/'Track00001', t/f'Track0000{k}')
    def rename_stem(song, new):
        meta = yaml.safe_load((t/song/'metadata.yaml').read_text())
        meta['stems'][new] = meta['stems'].pop('S00')
        (t/song/'metadata.yaml').write_text(yaml.safe_dump(meta))
    rename_stem('Track00003', '../../../../outside/S00')                     # relative path out of the song
    rename_stem('Track00004', str(work/'outside'/'S00'))                     # absolute path
    (t/'Track00005'/'stems'/'S00.flac').unlink()
    (t/'Track00005'/'stems'/'S00.flac').symlink_to(work/'outside'/'S00.flac')  # a link out of the song folder
    meta = yaml.safe_load((t/'Track00006'/'metadata.yaml').read_text())
    meta['audio_dir'] = '..'                                                 # not followed: stems/ is used
    (t/'Track00006'/'metadata.yaml').write_text(yaml.safe_dump(meta))
    return root


def test_stems_names_from_a_submix_file(work, slakh):
    "Track names in a submix YAML and --residual: plain names only, refused before any song is read (exit 2)."
    cases = [('../../../escaped: [Drums]', [], "track name '../../../escaped' is not a plain name: it contains a path separator"),
             ('/tmp/escaped_abs: [Drums]', [], "track name '/tmp/escaped_abs' is not a plain name: it contains a path separator (an absolute path)"),
             ('..: [Drums]', [], "track name '..' is not a plain name: it names a folder"),
             ('.hidden: [Drums]', [], "track name '.hidden' is not a plain name: it starts with '.'"),
             ('mix: [Drums]', [], "a track named 'mix' would overwrite mix.wav"),
             ('drums: [Drums]', ['--residual', '../../../x'], "--residual '../../../x' is not a plain name"),
             ('drums: [Drums]', ['--residual', '/tmp/x'], "--residual '/tmp/x' is not a plain name")]
    for k, (recipe, extra, why) in enumerate(cases):
        sub = work/f'sub{k}.yaml'
        sub.write_text(f"Mixing key: inst_class\nRecipes:\n  {recipe}\n")
        out = work/f'names{k}'/'deep'/'out'
        p = run_cli('stems', slakh, '--submix', sub, '--out', out, '--workers', '1', *extra)
        culprit = '--residual' if extra else str(sub)
        line = assert_clean_failure(p, culprit, code=2)[culprit]
        assert why in line, line
        assert all_files(work/f'names{k}') == [], all_files(work/f'names{k}')   # nothing written anywhere
        record('stems', f"submix {recipe!r} {' '.join(extra)}".strip(), line)
    assert not Path('/tmp/escaped_abs.wav').exists() and not Path('/tmp/x.wav').exists()


def test_stems_metadata_and_links_outside_the_song(work, slakh):
    "Stem names in metadata.yaml and stem files linked from outside: that song fails, the others are written."
    out = work/'tracks'
    p = run_cli('stems', slakh, '--out', out, '--workers', '2')
    found = assert_clean_failure(p, 'train/Track00003:', 'train/Track00004:', 'train/Track00005:', code=1)
    assert "stem name '../../../../outside/S00' is not a plain name" in found['train/Track00003:']
    assert f"stem name '{work/'outside'/'S00'}' is not a plain name: it contains a path separator (an absolute path)" in found['train/Track00004:']
    assert 'outside the song folder' in found['train/Track00005:'] and str(work/'outside'/'S00.flac') in found['train/Track00005:']
    for key, case in [('train/Track00003:', "metadata.yaml stem name '../../../../outside/S00'"),
                      ('train/Track00004:', 'metadata.yaml stem name that is an absolute path'),
                      ('train/Track00005:', 'stem file linked from outside the song folder')]:
        record('stems', case, found[key])
    written = sorted({Path(f).parent.as_posix() for f in public_files(out)})
    assert written == ['train/Track00001', 'train/Track00002', 'train/Track00006'], written
    info = json.loads((out/'train'/'Track00006'/'tracks.json').read_text())
    assert sorted(info['stems']) == ['S00', 'S01', 'S02', 'S03']              # audio_dir '..' was not followed
    assert all_files(out) == public_files(out)                               # no temporary left behind


def test_stems_two_songs_one_output_folder(work):
    "A MUSDB-HQ folder `x/` and a file `x.stem.mp4` beside it would both be written to OUT/x: refused up front."
    root = work/'musdb'; (root/'x').mkdir(parents=True)
    y = tone(1, 8000)
    for n in ('mixture', 'drums', 'bass'): sf.write(root/'x'/f'{n}.wav', y.T, 8000)
    (root/'x.stem.mp4').write_bytes(b'not really mp4')
    p = run_cli('stems', root, '--out', work/'musdb_out', '--workers', '1')
    line = assert_clean_failure(p, 'would both be written to', code=2)['would both be written to']
    assert str(root/'x') in line and str(root/'x.stem.mp4') in line
    assert not (work/'musdb_out').exists() or all_files(work/'musdb_out') == []
    record('stems', 'a song folder and a .stem.mp4 file of one name', line)


# --- the preprocess cache is untrusted ----------------------------------------------------------------------------

def plant_pickle(path:Path, marker:Path):
    "Write a .npy whose unpickling creates `marker`, as an attacker's code would run."
    code = ("import numpy as np, sys\n"
            "class Planted:\n"
            f"    def __reduce__(self): return (open, ({str(marker)!r}, 'w'))\n"
            "np.save(sys.argv[1], np.array({'mix': Planted()}, dtype=object), allow_pickle=True)\n")
    subprocess.run([sys.executable, '-c', code, str(path)], check=True, env=cli_env())


def h5_summary(path)->dict:
    "Songs, rows and the sum of the mixture patches of a patch file."
    import h5py
    with h5py.File(path, 'r') as f:
        return dict(songs=[s.decode() if isinstance(s, bytes) else s for s in f['songs'][:]], rows=len(f['mixture']),
                    total=round(float(np.asarray(f['mixture'][:], np.float64).sum()), 2))


@pytest.fixture(scope='module')
def toy(work):
    from stemsep.testing import make_toy_tracks
    from stemsep.config import StemsepConfig
    make_toy_tracks(work/'toy', n_songs=3, seconds=1.5, cfg=StemsepConfig(**TINY), seed=4)
    return work/'toy'


def test_preprocess_planted_cache_files(work, toy):
    "Pickles, forged headers and junk in the cache folder are never executed: each ignored with one note, rebuilt."
    common = ['--config', work/'tiny.json', '--workers', '1', '--val-fraction', '0']
    cache = work/'cache'
    p = run_cli('preprocess', toy, '--out', work/'ref.h5', '--cache-dir', cache, *common)
    assert p.returncode == 0, p.stderr
    ref = h5_summary(work/'ref.h5')
    marker = work/MARKER
    plant_pickle(cache/'toy_000.npy', marker)                            # its sidecar matches: only the array is bad
    plant_pickle(cache/'toy_001.npy', marker); (cache/'toy_001.json').unlink()   # as an old stemsep cache looks
    good = np.load(cache/'toy_002.npy')
    with open(cache/'toy_002.npy', 'wb') as f:                           # a forged header: a huge shape, a few bytes
        np.lib.format.write_array_header_1_0(f, dict(descr='<f4', fortran_order=False, shape=(10**9, 3, 1, 1024)))
        f.write(good.tobytes()[:4096])
    p = run_cli('preprocess', toy, '--out', work/'again.h5', '--cache-dir', cache, *common)
    assert p.returncode == 0 and 'Traceback' not in p.stderr, p.stderr
    assert not marker.exists(), 'a planted pickle ran'
    notes = [l for l in (p.stdout + p.stderr).splitlines() if 'ignored' in l]
    assert len(notes) == 3, notes
    for name, why in [('toy_000.npy', 'not a plain float32 array'), ('toy_001.npy', 'without a valid toy_001.json'),
                      ('toy_002.npy', 'not a plain float32 array')]:
        line = next(l for l in notes if name in l)
        assert why in line and 'rebuilt' in line, line
        record('preprocess', f'cache file {name}: ' + {'toy_000.npy': 'planted pickle', 'toy_001.npy': 'pickle without sidecar (old cache)',
                                                        'toy_002.npy': 'forged .npy header'}[name], line)
    assert h5_summary(work/'again.h5') == ref                               # rebuilt from the audio: the same patches
    assert np.load(cache/'toy_000.npy', allow_pickle=False).dtype == np.float32   # and replaced by plain arrays


def test_preprocess_bad_options_and_audio(work, toy):
    "--stems names that are paths, --out that is a folder, a song with NaN samples."
    p = run_cli('preprocess', toy, '--config', work/'tiny.json', '--stems', 'drums,../../x', '--out', work/'s.h5')
    line = assert_clean_failure(p, "'../../x'", code=2)["'../../x'"]
    assert "stem name '../../x' is not a plain name" in line; record('preprocess', '--stems with a path', line)
    (work/'afolder.h5').mkdir()
    p = run_cli('preprocess', toy, '--config', work/'tiny.json', '--out', work/'afolder.h5')
    line = assert_clean_failure(p, work/'afolder.h5', code=2)[str(work/'afolder.h5')]
    assert 'is a folder; --out needs a file name' in line; record('preprocess', '--out is a folder', line)
    p = run_cli('train', work/'afolder.h5', '--model-dir', work/'m')
    line = assert_clean_failure(p, work/'afolder.h5')[str(work/'afolder.h5')]
    assert 'is a folder, expected the .h5 patch file' in line; record('train', 'DATA.h5 is a folder', line)
    bad = work/'toy_nan'; shutil.copytree(toy, bad)
    y, sr = sf.read(bad/'toy_001'/'drums.wav', always_2d=True, dtype='float32')
    y[100] = np.nan; sf.write(bad/'toy_001'/'drums.wav', y, sr, subtype='FLOAT')
    y[100] = np.inf; sf.write(bad/'toy_002'/'mix.wav', y, sr, subtype='FLOAT')
    p = run_cli('preprocess', bad, '--config', work/'tiny.json', '--out', work/'nan.h5', '--workers', '1')
    found = assert_clean_failure(p, 'toy_001:', 'toy_002:', code=1)
    assert 'drums.wav: contains NaN or infinite samples' in found['toy_001:']
    assert 'mix.wav: contains NaN or infinite samples' in found['toy_002:']
    record('preprocess', 'NaN in a stem', found['toy_001:']); record('preprocess', 'Inf in a mix', found['toy_002:'])


# --- separate: outputs that would overwrite each other, names, options -------------------------------------------

def test_separate_usage_errors_before_any_work(work):
    "Each refused before the model is loaded or anything written: exit 2, one line naming the option or name."
    m, g = work/'model'/'tiny.weights.h5', work/'g.wav'
    cases = [(['--mix', 'a=drums', '--mix', 'a=accompaniment'], "two outputs are named 'a'", 'duplicate --mix names'),
             (['--mix', 'drums', '--mix', 'drums=drums'], "two outputs are named 'drums'", 'a --mix named like a stem twice'),
             (['--mix', '../../x=drums'], "output name '../../x' is not a plain name", '--mix name with ../'),
             (['--mix', '/tmp/x=drums'], "output name '/tmp/x' is not a plain name", '--mix name that is an absolute path'),
             (['--offset', '-2'], '--offset must be from 0 to 1e+06 seconds, not -2', '--offset -2'),
             (['--offset', 'nan'], '--offset must be from 0 to 1e+06 seconds, not nan', '--offset nan'),
             (['--duration', '-1'], '--duration must be more than 0 and at most 1e+06 seconds, not -1', '--duration -1'),
             (['--duration', '0'], '--duration must be more than 0 and at most 1e+06 seconds, not 0', '--duration 0'),
             (['--block-seconds', '0'], '--block-seconds must be more than 0 and at most 1e+06 seconds, not 0', '--block-seconds 0'),
             (['--batch-size', '0'], '--batch-size must be a whole number from 1 to 4096 (patches), not 0', '--batch-size 0')]
    for extra, why, case in cases:
        out = work/'usage'
        p = run_cli('separate', '-m', m, '-o', out, g, *extra)
        assert p.returncode == 2 and 'Traceback' not in p.stderr, (extra, p.returncode, p.stderr)
        line = next(l for l in p.stderr.splitlines() if l.startswith('stemsep: error'))
        assert why in line, line
        assert not out.exists()
        record('separate', case, line)


def test_separate_two_inputs_one_output(work):
    "Two inputs that map to one output: an error before any work, with or without --force, naming both."
    m = work/'model'/'tiny.weights.h5'
    for extra in ([], ['--force']):
        p = run_cli('separate', '-m', m, '-o', work/'two', work/'a'/'song.wav', work/'b'/'song.flac', *extra)
        line = assert_clean_failure(p, work/'b'/'song.flac', code=2)[str(work/'b'/'song.flac')]
        assert str(work/'a'/'song.wav') in line and 'would both be written to' in line, line
        assert not (work/'two').exists()
    record('separate', 'a/song.wav and b/song.flac into one folder (--force)', line)
    p = run_cli('separate', '-m', m, '-o', work/'flat', '--template', '{stem}.{ext}', work/'g.wav', work/'a'/'song.wav')
    line = assert_clean_failure(p, 'would both be written to', code=2)['would both be written to']
    record('separate', '--template without {song} and two inputs', line)


def test_separate_odd_inputs(work):
    "A file given twice, a '...wav' song name, a long silent file (one call); --offset past the end; a pipe."
    m = work/'model'/'tiny.weights.h5'
    sr = TINY['sr']
    odd = work/'odd'; odd.mkdir()
    sf.write(odd/'...wav', tone(1, sr).T, sr, format='WAV')                 # its song name would be '..'
    sf.write(odd/'quiet.wav', np.zeros((sr*600, 1), np.int16), sr, subtype='PCM_16')   # ten minutes of digital silence
    p = run_cli('separate', '-m', m, '-o', work/'odd_out', odd/'...wav', odd/'quiet.wav', work/'g.wav', work/'g.wav',
                work/'a', work/'a'/'song.wav')
    found = assert_clean_failure(p, odd/'...wav', odd/'quiet.wav', code=1)
    assert "song name '..' is not a plain name" in found[str(odd/'...wav')]
    assert 'is digital silence (600.0 s' in found[str(odd/'quiet.wav')]
    assert "2 of 4 files failed" in p.stderr             # g.wav twice, song.wav by name and in its folder: one input each
    assert public_files(work/'odd_out') == ['g/accompaniment.wav', 'g/drums.wav', 'song/accompaniment.wav', 'song/drums.wav']
    assert all_files(work/'odd_out') == public_files(work/'odd_out')      # no temporary file left
    record('separate', "input named '...wav'", found[str(odd/'...wav')])
    record('separate', 'ten minutes of digital silence', found[str(odd/'quiet.wav')])
    p = run_cli('separate', '-m', m, '-o', work/'late', '--offset', '5', work/'g.wav')
    line = assert_clean_failure(p, work/'g.wav', code=1)[str(work/'g.wav')]
    assert '--offset 5.0 s is at or past its end (2.00 s long)' in line; record('separate', '--offset past the end', line)
    # a pipe, as bash's <(cat f.wav) passes one: read, not called an empty file
    cmd = ' '.join(map(str, stemsep_cmd('separate', '-m', m, '-o', work/'piped'))) + f" <(cat {work/'g.wav'})"
    p = subprocess.run(['bash', '-c', cmd], env=cli_env(), capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and 'Traceback' not in p.stderr, p.stderr
    (folder,) = [d.name for d in (work/'piped').iterdir()]
    y, r = sf.read(work/'piped'/folder/'drums.wav')
    assert r == sr and len(y) == 2*sr
    record('separate', 'a pipe <(cat g.wav)', p.stdout.strip().splitlines()[-1])


def test_silence_checked_before_the_model_runs(work):
    "The digital-silence check reads the file, not the model: a model that must not run is never called."
    from stemsep.config import StemsepConfig, StemsepError
    from stemsep.predict import separate_file
    class NeverRun:
        def predict_on_batch(self, batch): raise AssertionError('the model ran on a silent file')
    quiet = work/'quiet3.wav'
    sf.write(quiet, np.zeros((TINY['sr']*180, 2), np.int16), TINY['sr'], subtype='PCM_16')
    with pytest.raises(StemsepError, match='is digital silence'):
        separate_file(NeverRun(), StemsepConfig(**TINY), quiet, work/'never', progress=False)
    assert not (work/'never').exists() or all_files(work/'never') == []


def test_separate_bad_stored_configuration(work):
    "A model whose stored configuration is invalid, or whose stem names are paths: the message names the model file."
    from stemsep.config import StemsepConfig
    from stemsep.model import build_model, save_model
    cfg = StemsepConfig(**TINY)
    for name, change, why in [('nfft0', dict(n_fft=0), 'invalid configuration: n_fft=0'),
                              ('evilstem', dict(stems=['../../../x', 'accompaniment']), "stem name '../../../x' is not a plain name")]:
        path = save_model(build_model(cfg), cfg, work/name/'model.npz')
        z = dict(np.load(path))
        d = json.loads(str(z['stemsep_config'])); d.update(change)
        z['stemsep_config'] = np.array(json.dumps(d)); np.savez(path, **z)
        (work/name/'model.json').unlink(missing_ok=True)
    p = run_cli('separate', '-m', work/'nfft0'/'model.npz', '-o', work/'cfg_out', work/'g.wav')
    line = assert_clean_failure(p, work/'nfft0'/'model.npz', code=2)[str(work/'nfft0'/'model.npz')]
    assert 'invalid configuration: n_fft=0' in line; record('separate', 'model with n_fft=0 stored', line)
    p = run_cli('separate', '-m', work/'evilstem', '-o', work/'cfg_out', work/'g.wav')
    line = assert_clean_failure(p, work/'evilstem'/'model.npz', code=2)[str(work/'evilstem'/'model.npz')]
    assert "stem name '../../../x' is not a plain name" in line; record('separate', "model whose stems are ['../../../x', ...]", line)
    assert not (work/'cfg_out').exists() and not (work/'x.wav').exists()
    (work/'dirmodel'/'model.weights.h5').mkdir(parents=True)               # a folder where the model file should be
    p = run_cli('train', work/'ref.h5', '--model-dir', work/'m_init', '--init', work/'dirmodel'/'model.weights.h5')
    if (work/'ref.h5').exists():
        culprit = work/'dirmodel'/'model.weights.h5'
        line = assert_clean_failure(p, culprit)[str(culprit)]
        assert 'is a folder, expected a model file' in line; record('train', '--init is a folder', line)


# --- option values: refused by the parser, before any model, data or backend is loaded (issue 33) ---------------

OPTION_CASES = {   # command -> (the arguments before the options, [(option, bad values)])
    'separate': (['-m', 'MODEL', '-o', 'OUT', 'G'],
                 [('--offset', ['inf', '1e30', '-1']), ('--duration', ['0', 'nan', '1e30']),
                  ('--batch-size', ['-1', '1000000000000', '1e30']), ('--jobs', ['0', '-1', '1000000']),
                  ('--wiener', ['-1', '1000000000']), ('--overlap', ['-1', '0.9', 'nan']),
                  ('--mask-power', ['0', 'inf', '1e30']), ('--block-seconds', ['1e30', '-inf'])]),
    'preprocess': (['TOY', '--out', 'OUT/x.h5'],
                   [('--val-fraction', ['-0.1', '1', '1.5', 'nan', 'inf']), ('--workers', ['0', '-2', '100000']),
                    ('--sr', ['0', '-8000', '1000000000']), ('--channels', ['0', '3', 'nan'])]),
    'train': (['DATA', '--model-dir', 'OUT'],
              [('--epochs', ['0', '-1', '1000000000000']), ('--batch-size', ['0', '-3']), ('--lr', ['0', '-1', 'nan', 'inf', '1e30']),
               ('--patience', ['-1']), ('--max-minutes', ['0', '-1', 'nan']), ('--workers', ['0', '-1']),
               ('--base-filters', ['0', '-4']), ('--depth', ['0', '-1', '40']), ('--seed', ['-1', '1e30', '99999999999999999999'])]),
    'evaluate': (['TOY', '-o', 'OUT'],
                 [('--max-seconds', ['0', 'inf', '-5']), ('--offset', ['-1', 'nan']), ('--batch-size', ['0']), ('--wiener', ['-1', '1e9'])]),
    'demo': (['-o', 'OUT'], [('--duration', ['0', '-1', 'nan', '1e30'])]),
    'synth': (['OUT'], [('--songs', ['0', '-1']), ('--seconds', ['0', 'inf']), ('--vocals', ['2', 'nan']), ('--kick-alone', ['-0.5']),
                        ('--drum-layers', ['1.5'])]),
}


@pytest.mark.parametrize('command', list(OPTION_CASES))
def test_option_values_refused_by_the_parser(work, toy, command):
    "Zero, negative, NaN, infinite and absurd values: one line naming the option, exit 2, nothing written or loaded."
    head, options = OPTION_CASES[command]
    out = work/f'opt_{command}'
    fill = {'MODEL': work/'model'/'tiny.weights.h5', 'OUT': out, 'G': work/'g.wav', 'TOY': toy,
            'DATA': work/'missing.h5'}                 # a data file that is not there: the option must be blamed first
    for option, values in options:
        for value in values:
            given = [f'{option}={value}'] if value.startswith('-') and not value[1:2].isdigit() else [option, value]  # -inf
            p = run_cli(command, *[fill.get(a, a) for a in head], *given)
            line = assert_clean_failure(p, option, code=2)[option]
            assert line.startswith(f'stemsep: error: {option}') and value in line, line
            assert not out.exists(), (option, value)
            record(command, f'{option} {value}', line)


def test_separate_output_format_checked_before_the_model(work):
    "A bitrate for a lossless codec, or out of range: blamed before the model is loaded (the model path does not exist)."
    for extra, why in [(['-b', '0'], 'wav is lossless'), (['-c', 'mp3', '-b', '0'], 'give 32k to 320k'),
                       (['-c', 'mp3', '-b', '1e30'], 'give 32k to 320k'), (['-c', 'ogg', '-b', 'nan'], 'give 32k to 320k'),
                       (['-c', 'mp3', '--int24'], 'no sample format choice')]:
        p = run_cli('separate', '-m', work/'no_such_model.npz', '-o', work/'fmt_out', work/'g.wav', *extra)
        line = assert_clean_failure(p, '--', code=2)['--']
        assert why in line and 'no_such_model' not in line, line
        record('separate', ' '.join(extra), line)
    assert not (work/'fmt_out').exists()


def test_separate_templates(work):
    "--template outside the output folder, unknown fields, bad syntax, empty results: exit 2, nothing written anywhere."
    box = work/'tpl'; (box/'inside').mkdir(parents=True)
    cases = [('../x/{song}/{stem}.{ext}', "no '..'"), (str(box/'abs'/'{stem}.{ext}'), 'not an absolute path'),
             ('{song}/../../{stem}.{ext}', "no '..'"), ('{nope}/{stem}.{ext}', 'unknown field {nope}'),
             ('{', 'not a valid template'), ('{stem}}', 'not a valid template'), ('', 'must contain {stem}'),
             ('{stem}/', 'not a folder'), ('{song}/{stem}.{ext}/', 'not a folder'), ('{stem!r}.{ext}', 'without a conversion'),
             ('{stem:>300}', 'without a conversion'), ('./{stem}', "no '..', '.'"), ('{song}//{stem}', 'empty parts')]
    for template, why in cases:
        p = run_cli('separate', '-m', work/'model'/'tiny.weights.h5', '-o', box/'inside'/'out', '--template', template, work/'g.wav')
        line = assert_clean_failure(p, '--template', code=2)['--template']
        assert why in line, (template, line)
        record('separate', f'--template {template!r}', line)
    assert all_files(box) == [] and not (work/'x').exists()


def test_separate_broken_model_files(work):
    "Empty, truncated, not Keras, no stored configuration, a stored configuration with wrong types: the line names the file."
    from stemsep.config import StemsepConfig
    from stemsep.model import build_model, save_model
    bad = work/'badmodels'; bad.mkdir()
    good = save_model(build_model(StemsepConfig(**TINY)), StemsepConfig(**TINY), bad/'good'/'model.npz')
    (bad/'empty.npz').write_bytes(b'')
    b = good.read_bytes(); (bad/'truncated.npz').write_bytes(b[:len(b)//2])
    import h5py
    with h5py.File(bad/'notkeras.h5', 'w') as f: f['x'] = np.arange(3)
    z = dict(np.load(good)); cfg_json = str(z.pop('stemsep_config')); np.savez(bad/'noconfig.npz', **z)
    cases = [('empty.npz', 'not a stemsep model'), ('truncated.npz', 'not a saved stemsep/Keras model'),
             ('notkeras.h5', 'not a saved stemsep/Keras model'), ('noconfig.npz', 'no stemsep_config')]
    for name, change, why in [('sr_text.npz', dict(sr='8000'), "sr='8000', must be a whole number"),
                              ('stems_text.npz', dict(stems='drums'), "stems='drums', must be a list of names"),
                              ('nfft_float.npz', dict(n_fft=256.5), 'n_fft=256.5, must be a whole number'),
                              ('stems_numbers.npz', dict(stems=[1, 2]), 'stems=[1, 2], must be a list of names')]:
        np.savez(bad/name, **z, stemsep_config=np.array(json.dumps({**json.loads(cfg_json), **change})))
        cases.append((name, why))
    for name, why in cases:
        p = run_cli('separate', '-m', bad/name, '-o', work/'badmodel_out', work/'g.wav')
        line = assert_clean_failure(p, bad/name)[str(bad/name)]
        assert why in line, line
        record('separate', f'model file {name}', line)
    assert not (work/'badmodel_out').exists()


def test_separate_odd_shapes_and_long_names(work):
    "3 channels, 4 kHz, 384 kHz, 24-bit, shorter than a frame, silent, a 250-byte name: separated or one line each."
    sr = TINY['sr']
    odd = work/'shapes'; odd.mkdir()
    sf.write(odd/'three.wav', tone(1, sr, 3).T, sr)
    sf.write(odd/'r4k.wav', tone(1, 4000).T, 4000)
    sf.write(odd/'r384k.wav', tone(0.5, 384000).T, 384000)
    sf.write(odd/'i24.wav', tone(1, sr).T, sr, subtype='PCM_24')
    sf.write(odd/'short.wav', tone(0.01, sr).T, sr)
    sf.write(odd/'silent.wav', np.zeros((sr, 1), np.float32), sr, subtype='FLOAT')
    long = odd/('L'*246 + '.wav')                                          # 250 bytes: the longest name a disk holds
    sf.write(long, tone(1, sr).T, sr)
    out = work/'shapes_out'
    p = run_cli('separate', '-m', work/'model'/'tiny.weights.h5', '-o', out, *sorted(odd.iterdir()))
    found = assert_clean_failure(p, odd/'three.wav', odd/'short.wav', odd/'silent.wav', long, code=1)
    assert 'has 3 channels' in found[str(odd/'three.wav')]
    assert 'shorter than one STFT frame' in found[str(odd/'short.wav')]
    assert 'is digital silence' in found[str(odd/'silent.wav')]
    assert 'longer than 200 bytes' in found[str(long)]
    for name in ('three.wav', 'short.wav', 'silent.wav'): record('separate', name, found[str(odd/name)])
    record('separate', 'input with a 250-byte name', found[str(long)].replace('L'*246, 'L...'))
    assert public_files(out) == sorted(f'{s}/{t}.wav' for s in ('i24', 'r384k', 'r4k') for t in ('accompaniment', 'drums'))
    assert all_files(out) == public_files(out)                             # no temporary file left
    for s, rate in (('i24', sr), ('r384k', 384000), ('r4k', 4000)):
        y, r = sf.read(out/s/'drums.wav')
        assert r == rate and np.isfinite(y).all()


def test_separate_output_names_past_255_bytes(work):
    "A 200-byte song name (the longest allowed) fits the default template; a template that doubles it: one line, exit 1."
    sr = TINY['sr']
    d = work/'longnames'; d.mkdir()
    song = d/('M'*200 + '.wav'); sf.write(song, tone(1, sr).T, sr)
    p = run_cli('separate', '-m', work/'model'/'tiny.weights.h5', '-o', work/'long_ok', song)
    assert p.returncode == 0 and 'Traceback' not in p.stderr, p.stderr
    assert public_files(work/'long_ok') == [f"{'M'*200}/{s}.wav" for s in ('accompaniment', 'drums')]
    p = run_cli('separate', '-m', work/'model'/'tiny.weights.h5', '-o', work/'long_out', '--template', '{song}_{song}_{stem}.{ext}',
                song, work/'g.wav')
    line = assert_clean_failure(p, song, code=1)[str(song)]
    assert 'would be 424 bytes with its temporary suffix; a file name holds 255' in line, line
    assert 'OSError' not in p.stderr
    record('separate', "a 200-byte song name and --template '{song}_{song}_{stem}.{ext}'", line.replace('M'*200, 'M...'))
    assert all_files(work/'long_out') == ['g_g_accompaniment.wav', 'g_g_drums.wav']   # the other input done, no temporary left


def test_broken_data_set_files(work, toy):
    "metadata.yaml that is a list or a number, stems of different lengths or rates; patch files that are not stemsep's."
    from stemsep.testing import tiny_slakh
    root = tiny_slakh(work/'slakh_broken', n_samples=8000, sr=8000); t = root/'train'
    for k in (3, 4, 5, 6): shutil.copytree(t/'Track00001', t/f'Track0000{k}')
    (t/'Track00003'/'metadata.yaml').write_text('- just\n- a list\n')
    (t/'Track00004'/'metadata.yaml').write_text('42\n')
    y, r = sf.read(t/'Track00005'/'stems'/'S01.flac'); sf.write(t/'Track00005'/'stems'/'S01.flac', y[:len(y)//2], r)
    y, r = sf.read(t/'Track00006'/'stems'/'S01.flac'); sf.write(t/'Track00006'/'stems'/'S01.flac', y, 2*r)
    p = run_cli('stems', root, '--out', work/'broken_tracks', '--workers', '1')
    found = assert_clean_failure(p, 'train/Track00003:', 'train/Track00004:', 'train/Track00005:', 'train/Track00006:', code=1)
    assert "has no 'stems:' section" in found['train/Track00003:'] and "has no 'stems:' section" in found['train/Track00004:']
    assert 'stems have different lengths' in found['train/Track00005:']
    assert 'stems have different sample rates' in found['train/Track00006:']
    for key, case in [('train/Track00003:', 'metadata.yaml is a list'), ('train/Track00004:', 'metadata.yaml is a number'),
                      ('train/Track00005:', 'stems of different lengths'), ('train/Track00006:', 'stems of different rates')]:
        record('stems', case, found[key])
    bad = work/'toy_uneven'; shutil.copytree(toy, bad)
    y, r = sf.read(bad/'toy_001'/'drums.wav'); sf.write(bad/'toy_001'/'drums.wav', y[:len(y)//2], r)
    y, r = sf.read(bad/'toy_002'/'drums.wav'); sf.write(bad/'toy_002'/'drums.wav', y, 2*r)
    p = run_cli('preprocess', bad, '--config', work/'tiny.json', '--out', work/'uneven.h5', '--workers', '1')
    found = assert_clean_failure(p, 'toy_001:', 'toy_002:', code=1)
    assert 'tracks differ in length' in found['toy_001:'] and 'different sample rates' in found['toy_002:']
    record('preprocess', 'stems of different lengths', found['toy_001:']); record('preprocess', 'stems of different rates', found['toy_002:'])
    import h5py
    with h5py.File(work/'other.h5', 'w') as f: f['x'] = np.arange(10)
    (work/'empty.h5').write_bytes(b'')
    for name, why in [('other.h5', 'not a stemsep patch file'), ('empty.h5', 'not a readable HDF5 file')]:
        p = run_cli('train', work/name, '--model-dir', work/'m_broken', '--epochs', '1')
        line = assert_clean_failure(p, work/name)[str(work/name)]
        assert why in line, line; record('train', f'patch file {name}', line)
    assert not (work/'m_broken').exists() or all_files(work/'m_broken') == []


def test_zz_report(capsys):
    with capsys.disabled():
        print(f"\n{len(CASES)} security and data-loss cases:")
        for command, case, line in CASES: print(f"  {command:10s} {case}: {line}")
