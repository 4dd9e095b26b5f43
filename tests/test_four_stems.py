"""A four-stem model (drums, bass, vocals, other) through every entry point: `--model NAME|PATH`, `--mix`, demo, pipeline, evaluate.

The real four-stem model is trained on a GPU elsewhere; a tiny one trained here for one epoch on toy tracks
stands in for it, so these tests check the plumbing, not the quality."""
import importlib.util, os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from pathlib import Path
import numpy as np
import pytest

from reliability_helpers import run_cli, assert_clean_failure, tone
from stemsep.cli import main

FOUR = ('drums', 'bass', 'vocals', 'other')


@pytest.fixture(scope='module')
def four(tmp_path_factory):
    "A tiny four-stem model trained for one epoch, in a folder as `stemsep train` writes it, and a song to separate."
    from stemsep.preprocess import preprocess
    from stemsep.testing import make_toy_tracks, tiny_config
    from stemsep.train import train
    from stemsep.audio import write_audio
    work = tmp_path_factory.mktemp('four')
    cfg = tiny_config(stems=FOUR, submix='drums_bass_vocals_other')
    make_toy_tracks(work/'tracks', n_songs=3, seconds=1.5, cfg=cfg, seed=1)
    preprocess(work/'tracks', work/'toy.h5', cfg, val_fraction=0.34, workers=1, progress=False, log=lambda *a: None)
    train(work/'toy.h5', work/'model', epochs=1, patience=0, progress=False, log_tensorboard=False)
    write_audio(work/'song.wav', tone(2., cfg.sr), cfg.sr)
    return work


def _read(path): return __import__('soundfile').read(path, always_2d=True)[0].T


def stemsep(capsys, *args)->tuple:
    "(exit code, stdout, stderr) of `stemsep ARGS` run in this process (the subprocess costs a TensorFlow import each)."
    capsys.readouterr()
    rc = main([str(a) for a in args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_separate_and_mix_with_a_four_stem_model(four, tmp_path, capsys):
    "Every stem by default; `--mix drums+bass` and `--mix karaoke=all-vocals` are sums of those stems."
    # float WAV: a sum of 16-bit stems and a 16-bit sum differ by rounding (one step of 2**-15)
    rc, out, err = stemsep(capsys, 'separate', four/'song.wav', '--model', four/'model', '-o', tmp_path/'all', '--float32')
    assert rc == 0, err
    stems = {s: _read(tmp_path/'all'/'song'/f'{s}.wav') for s in FOUR}
    rc, out, err = stemsep(capsys, 'separate', four/'song.wav', '--model', four/'model', '-o', tmp_path/'mix',
                           '--mix', 'drums+bass', '--mix', 'karaoke=all-vocals', '--float32')
    assert rc == 0, err
    assert sorted(x.name for x in (tmp_path/'mix'/'song').iterdir()) == ['drums+bass.wav', 'karaoke.wav']
    np.testing.assert_allclose(_read(tmp_path/'mix'/'song'/'drums+bass.wav'), stems['drums'] + stems['bass'], atol=1e-5)
    np.testing.assert_allclose(_read(tmp_path/'mix'/'song'/'karaoke.wav'),
                               stems['drums'] + stems['bass'] + stems['other'], atol=1e-5)
    rc, out, err = stemsep(capsys, 'separate', four/'song.wav', '--model', four/'model', '-o', tmp_path/'bad', '--mix', 'drums+harmony')
    assert rc == 2 and "--mix 'drums+harmony'" in err and 'drums, bass, vocals, other' in err


def test_model_by_name(four, tmp_path, monkeypatch, capsys):
    "A built-in name resolves to its folder's model (here: an assets folder holding the tiny model as `four_stems`)."
    import shutil, stemsep.predict as predict
    assets = tmp_path/'assets'
    shutil.copytree(four/'model', assets/'four_stems')
    real = predict.builtin_models
    monkeypatch.setattr(predict, 'builtin_models', lambda a=None: real(assets if a is None else a))
    assert list(predict.builtin_models()) == ['four_stems']
    rc, out, err = stemsep(capsys, 'separate', four/'song.wav', '--model', 'four_stems', '-o', tmp_path/'res', '--mix', 'karaoke=all-vocals')
    assert rc == 0 and (tmp_path/'res'/'song'/'karaoke.wav').is_file(), err
    rc, out, err = stemsep(capsys, 'separate', four/'song.wav', '--model', 'five_stems')
    assert rc == 2 and err.count('\n') == 1 and 'no such built-in model (built-in: four_stems (drums, bass, vocals, other;' in err


def test_unknown_name_and_help_list_the_built_in_models(tmp_path, capsys):
    p = run_cli('separate', tmp_path/'x.wav', '--model', 'four_stemz')             # the real command: one line, no traceback
    line = assert_clean_failure(p, 'four_stemz', code=2)['four_stemz']
    assert 'drums_accompaniment (drums, accompaniment;' in line
    with pytest.raises(SystemExit): main(['separate', '--help'])
    assert 'drums_accompaniment (drums,' in ' '.join(capsys.readouterr().out.split())


REAL = Path(__file__).resolve().parents[2]/'shared'/'data'/'real'/'musdb_layout'/'The Easton Ellises - Falcon 69'

@pytest.mark.shared      # needs ../shared: run by .ci/run's shared-data step, not by README command 2
@pytest.mark.skipif(not REAL.is_dir(), reason='the real clip of ../shared/data is not here')
def test_built_in_four_stems_on_the_real_clip(tmp_path, capsys):
    """The shipped `four_stems` model: listed, its stems add up to the mix, and on the real clip each of drums, bass and
    vocals is nearer the true stem than a quarter of the mix is (plain SNR; its BSSEval scores are in the README)."""
    import soundfile as sf
    from stemsep.predict import builtin_models, separate_array
    assert builtin_models()['four_stems']['stems'] == FOUR
    true = {n: sf.read(REAL/f'{n}.wav', dtype='float32')[0].T for n in FOUR}
    mix = sum(true.values())
    est = separate_array('four_stems', None, mix, 44100)
    snr = lambda e, t: 10*np.log10((t**2).sum()/((e - t)**2).sum())
    gain = {n: snr(est[n], true[n]) - snr(mix/4, true[n]) for n in FOUR}
    assert gain['drums'] > 2.5 and gain['bass'] > 0.6 and gain['vocals'] > 0.1, gain      # measured: 3.7, 1.1, 0.3
    np.testing.assert_allclose(sum(est.values()), mix, atol=2e-3)
    sf.write(tmp_path/'clip.wav', mix.T, 44100, subtype='FLOAT')
    rc, out, err = stemsep(capsys, 'separate', tmp_path/'clip.wav', '--model', 'four_stems', '-o', tmp_path/'res',
                           '--mix', 'karaoke=all-vocals', '--float32')
    assert rc == 0, err
    np.testing.assert_allclose(_read(tmp_path/'res'/'clip'/'karaoke.wav'), est['drums'] + est['bass'] + est['other'], atol=1e-4)


def test_pipeline_predict_with_a_model(four, tmp_path):
    from stemsep.pipeline import PipelineHandler
    ph = PipelineHandler(tmp_path/'project', progress=False, log=lambda *a: None)
    written = ph.predict(four/'song.wav', model=four/'model', mixes=['drums+bass', 'vocals'])
    assert [p.name for p in written] == ['drums+bass.wav', 'vocals.wav']


def test_evaluate_four_stems(four, tmp_path, capsys):
    "Model, oracle and each stem's baseline: HPSS for drums, low-pass for bass, REPET-SIM for vocals, none for other."
    song = four/'tracks'/'toy_000'
    rc, out, err = stemsep(capsys, 'evaluate', song, '--model', four/'model', '-o', tmp_path/'eval', '--max-seconds', 1)
    assert rc == 0, err
    rows = {tuple(c.strip() for c in l.split('|')[1:3]) for l in out.splitlines() if l.startswith('| ')}
    for stem in FOUR: assert {(stem, 'model'), (stem, 'oracle')} <= rows, stem
    assert {('drums', 'HPSS'), ('bass', 'low-pass'), ('vocals', 'REPET-SIM')} <= rows
    assert not {('other', 'HPSS'), ('drums', 'low-pass'), ('bass', 'REPET-SIM')} & rows
    rc, out, err = stemsep(capsys, 'evaluate', song, '--no-model', '--stems', 'drums,bass', '-o', tmp_path/'eval2', '--max-seconds', 1)
    assert rc == 0 and '| bass | low-pass |' in out and '| drums | HPSS |' in out, err


@pytest.mark.skipif(importlib.util.find_spec('stempeg') is None, reason='stempeg (which ships the demo song) is not installed')
def test_demo_with_a_four_stem_model(four, tmp_path, capsys):
    rc, out, err = stemsep(capsys, 'demo', '--model', four/'model', '-o', tmp_path/'demo', '--duration', 1)
    assert rc == 0, err
    rows = {l.split()[0]: l.split()[1:] for l in out.splitlines() if l.strip()}
    assert rows['SDR'][1:] == ['model', 'oracle', 'HPSS', 'low-pass', 'REPET-SIM']
    assert [v == '–' for v in rows['other']] == [False, False, True, True, True]
    assert [v == '–' for v in rows['bass']] == [False, False, True, False, True]
    song = tmp_path/'demo'/'demo'                     # results/demo/, a folder name without spaces
    assert sorted(x.stem for x in song.iterdir()) == sorted(('mixture',) + FOUR)
