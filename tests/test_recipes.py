"""The shipped recipes and the real validation split: every recipe in recipes/ loads and resolves its starting model;
the split names 30 distinct songs; with ../shared beside the clone (`-m shared`), those songs exist and the recipes'
sources hold 64 others to train on."""
from pathlib import Path
import pytest
from stemsep.recipe import load_recipe, recipe_config, _read_list

ROOT = Path(__file__).resolve().parents[1]
RECIPES = sorted((ROOT/'recipes').glob('*.yaml'))
SPLIT = ROOT/'recipes'/'musdb18_preview_validation.txt'


def test_split_names_thirty_songs():
    names = _read_list(SPLIT)
    assert len(names) == 30 and len(set(names)) == 30


@pytest.mark.parametrize('path', RECIPES, ids=[p.stem for p in RECIPES])
def test_recipe_loads(path):
    recipe = load_recipe(path)
    cfg, init = recipe_config(recipe)
    assert init is not None and init.is_file()                    # starts from a built-in model's weights
    assert tuple(cfg.stems) in (('drums', 'accompaniment'), ('drums', 'bass', 'vocals', 'other'))
    assert recipe['sources'][0]['validation_songs'] == _read_list(SPLIT)


@pytest.mark.shared
def test_split_songs_are_in_shared():
    songs = ROOT.parent/'shared'/'data'/'real'/'musdb18_preview'/'train'
    if not songs.is_dir(): pytest.skip('../shared/data/real/musdb18_preview is not here')
    have = {p.name[:-len('.stem.mp4')] for p in songs.glob('*.stem.mp4')}
    assert len(have) == 94 and set(_read_list(SPLIT)) <= have   # 30 to validate on, 64 to train on
