"Training behaviour that needs several trainings: reproducibility for a seed, and the CLI resuming a run."
import os
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
from pathlib import Path
import numpy as np
import pytest

from stemsep.preprocess import preprocess
from stemsep.testing import make_toy_tracks
from stemsep.train import train, read_log, CHECKPOINT
from stemsep.testing import tiny_config


@pytest.fixture(scope='module')
def toy_h5(tmp_path_factory):
    work = tmp_path_factory.mktemp('toy')
    cfg = tiny_config()
    make_toy_tracks(work/'tracks', n_songs=4, seconds=1.5, cfg=cfg, seed=1)
    preprocess(work/'tracks', work/'toy.h5', cfg, val_fraction=0.25, workers=1, progress=False, log=lambda *a: None)
    return work/'toy.h5'


def test_same_seed_same_weights(toy_h5, tmp_path):
    "On a CPU, two runs with one seed end with identical weights; another seed differs."
    from stemsep.model import load_model
    def weights(folder, seed):
        train(toy_h5, tmp_path/folder, epochs=1, seed=seed, patience=0, progress=False, log_tensorboard=False)
        return load_model(tmp_path/folder/CHECKPOINT)[0].get_weights()
    a, b, c = weights('a', 3), weights('b', 3), weights('c', 4)
    for wa, wb in zip(a, b): np.testing.assert_allclose(wa, wb, atol=1e-6)
    assert any(not np.allclose(wa, wc) for wa, wc in zip(a, c))


def test_cli_resumes(toy_h5, tmp_path):
    "`stemsep train` twice in one folder: the second continues at the saved epoch, keeping the log."
    from stemsep.cli import main
    from stemsep.model import read_model_info
    run = str(tmp_path/'run')
    assert main(['train', str(toy_h5), '--model-dir', run, '--epochs', '1', '--base-filters', '4']) == 0
    assert main(['train', str(toy_h5), '--model-dir', run, '--epochs', '2']) == 0
    cfg, extra = read_model_info(tmp_path/'run'/CHECKPOINT)
    assert extra['epoch'] == 2 and cfg.base_filters == 4
    np.testing.assert_array_equal(read_log(tmp_path/'run')['epoch'], [0, 1])
    assert (tmp_path/'run'/'training_curves.png').stat().st_size > 1000
