"""Sphinx configuration for the offline docs: `python tools/build_docs.py` builds `_docs/` with it.

The pages are the notebooks as nbdev processes them for Quarto (`_proc/`), translated by
`tools/build_docs.py`; project facts come from `settings.ini`, as they do for `nbdev_docs`.
"""
import configparser
from pathlib import Path

_root = Path(__file__).resolve().parents[1]
_cfg = configparser.ConfigParser(interpolation=None)
_cfg.read(_root/'settings.ini', encoding='utf-8')
_s = _cfg['DEFAULT']

project = _s.get('title', _s.get('lib_name', 'docs'))
author = _s.get('author', '')
copyright = _s.get('copyright', '')
release = version = _s.get('version', '')

extensions = ['myst_nb']
myst_enable_extensions = ['colon_fence', 'dollarmath']
nb_execution_mode = 'off'          # show the outputs stored in the notebooks; never run them here
nb_render_markdown_format = 'myst' # show_doc's markdown output, with its raw HTML anchors
nb_merge_streams = True
myst_all_links_external = True   # links are the relative ones Quarto's site uses (page.html#anchor)
source_suffix = {'.ipynb': 'myst-nb', '.md': 'myst-nb'}
exclude_patterns = ['_build', '**.ipynb_checkpoints']
suppress_warnings = ['myst.header', 'misc.highlighting_failure', 'mystnb.unknown_mime_type']

try:
    import furo  # noqa: F401
    html_theme = 'furo'
except ImportError:
    html_theme = 'alabaster'
html_title = f"{project} {version}".strip()
html_short_title = project
html_static_path = [str(_root/'docs'/'_static')]
html_css_files = ['stemsep.css']
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {'source_repository': _s.get('git_url', '') + '/', 'source_branch': _s.get('branch', 'main'),
                      'source_directory': 'nbs/'} if html_theme == 'furo' else {}
pygments_style = 'friendly'
