"The README and the docs are generated from the notebooks: check they are up to date, documented and buildable."
import importlib, importlib.util, inspect, json, os, shutil, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def _tool(name):
    "Import `tools/<name>.py` (tools/ is a folder of scripts, not a package)."
    if str(ROOT/'tools') not in sys.path: sys.path.insert(0, str(ROOT/'tools'))  # stays: the docs build's workers import it
    return importlib.import_module(name)

def _nb(*cells): return {'cells': list(cells), 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
def _md(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}
def _code(src, *outputs): return {'cell_type': 'code', 'metadata': {}, 'source': src, 'outputs': list(outputs), 'execution_count': None}
def _stream(text): return {'output_type': 'stream', 'name': 'stdout', 'text': text}

# ---- README -----------------------------------------------------------------------------------------------

def test_readme_is_up_to_date():
    "README.md is what tools/make_readme.py renders from nbs/index.ipynb."
    mr = _tool('make_readme')
    assert mr.make_readme(ROOT, check=True), 'README.md is out of date with nbs/index.ipynb: run python tools/make_readme.py'

def test_readme_quotes_the_missing_extra_message(monkeypatch):
    "The README quotes the line a command prints when an extra is missing: it must be that line, word for word."
    from stemsep.config import StemsepError
    from stemsep.utils import require_extra
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name: None)      # as if nothing were installed
    with pytest.raises(StemsepError) as e: require_extra('synth', 'symusic', 'pretty_midi', 'pedalboard')
    readme = ' '.join((ROOT/'README.md').read_text().split())
    assert f"`stemsep: error: {e.value}`" in readme

def test_readme_rendering():
    "Title and description, markdown as is, code fenced without `#|` lines, hidden cells left out, outputs kept."
    mr = _tool('make_readme')
    nb = _nb(_md('# mylib\n> Does one thing well.'),
             _code('#| hide\nfrom mylib.core import *'),
             _md('## Use it'),
             _code('#| eval: false\nmylib.run()', _stream('done\n')),
             _code('#| echo: false\nprint("only the output")', _stream('only the output\n')),
             _code('#| output: false\nx = 1', _stream('not shown\n')),
             _code('#| include: false\nsecret()'))
    out = mr.render_notebook(nb)
    assert out.startswith('# mylib\n\n<!-- WARNING')
    assert '> Does one thing well.' in out and '## Use it' in out
    assert '``` python\nmylib.run()\n```\n\n```\ndone\n```' in out
    assert 'only the output' in out and 'print(' not in out
    assert 'x = 1' in out and 'not shown' not in out
    assert '#|' not in out and 'from mylib.core' not in out and 'secret' not in out
    assert out.endswith('\n') and not out.endswith('\n\n')

def test_readme_check_and_write(tmp_path):
    "`--check` reports an out-of-date README without writing; a plain run writes it atomically."
    mr = _tool('make_readme')
    (tmp_path/'nbs').mkdir()
    (tmp_path/'settings.ini').write_text('[DEFAULT]\nnbs_path = nbs\nreadme_nb = index.ipynb\n')
    (tmp_path/'nbs'/'index.ipynb').write_text(json.dumps(_nb(_md('# t\n> d'))))
    assert mr.main(['--check', '--root', str(tmp_path)]) == 1 and not (tmp_path/'README.md').exists()
    assert mr.main(['--root', str(tmp_path)]) == 0
    assert (tmp_path/'README.md').read_text().startswith('# t\n')
    assert mr.main(['--check', '--root', str(tmp_path)]) == 0
    assert not list(tmp_path.glob('*.tmp'))

# ---- every exported function and class documented ---------------------------------------------------------

def _exported():
    "(module name, name, object) for everything the stemsep modules export in `__all__`."
    import stemsep
    res = []
    for f in sorted((ROOT/'stemsep').glob('*.py')):
        if f.stem.startswith('_'): continue
        mod = importlib.import_module(f'stemsep.{f.stem}')
        res += [(mod.__name__, n, getattr(mod, n)) for n in getattr(mod, '__all__', [])
                if getattr(getattr(mod, n), '__module__', None) == mod.__name__]
    return res

def _undocumented(obj):
    "Parameters of `obj` without a docments comment (self, cls, *args and **kwargs excepted)."
    from fastcore.docments import docments
    try: sig = inspect.signature(obj)
    except (TypeError, ValueError): return []
    params = [p for p in sig.parameters.values() if p.name not in ('self', 'cls')
              and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not params: return []
    try: dm = docments(obj)
    except Exception: dm = {}
    return [p.name for p in params if not dm.get(p.name)]

def test_exported_api_is_documented():
    "Every exported function and class has a docstring and a docments comment on each parameter."
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
    problems = []
    for mod, name, obj in _exported():
        if not (inspect.isfunction(obj) or inspect.isclass(obj)): continue
        if not (obj.__doc__ or '').strip(): problems.append(f'{mod}.{name}: no docstring')
        if missing := _undocumented(obj): problems.append(f"{mod}.{name}: parameters without a comment: {', '.join(missing)}")
    assert not problems, 'document these in their notebooks (docments style):\n' + '\n'.join(problems)

# ---- the offline docs site --------------------------------------------------------------------------------

def test_show_doc_translation():
    "nbdev's show_doc markdown becomes plain MyST: anchor kept, Quarto attributes gone, links relative."
    bd = _tool('build_docs')
    md = ('---\n\n[source](https://github.com/o/r/blob/main/stemsep/audio.py#L5){target="_blank" style="float:right"}\n\n'
          '### load_audio\n\n```python\n\ndef load_audio(\n    path, # the file\n):\n\n\n```\n\n*Load it.* See '
          '[`stft`](https://stemsep.github.io/stemsep/audio.html#stft).')
    out = bd.fix_links(bd.fix_show_doc(md), 'https://stemsep.github.io/stemsep/', 0)
    assert '<span id="load_audio"></span>' in out and '### load_audio' in out
    assert '<a class="nbdev-source" href="https://github.com/o/r/blob/main/stemsep/audio.py#L5">[source]</a>' in out
    assert '{target=' not in out and not out.startswith('---')
    assert '```python\ndef load_audio(\n    path, # the file\n):\n```' in out
    assert '](audio.html#stft)' in out
    assert bd.quarto_id('StemsepConfig.save') == 'stemsepconfig.save'
    assert bd.page_name(Path('00_data.ipynb'), {}) == 'data'
    assert bd.page_name(Path('tutorials/01_colab.ipynb'), {'output-file': 'colab.html'}) == 'tutorials/colab'

def test_notebook_translation():
    "Front matter becomes the title; echo: false hides code, hide drops the cell; directive lines go."
    bd = _tool('build_docs')
    nb = _nb({'cell_type': 'raw', 'metadata': {}, 'source': '---\ntitle: Data\ndescription: Songs in.\noutput-file: data.html\n---\n'},
             _md('Prose, see [the model](03_model.ipynb).'),
             _code('#| echo: false\n#| output: asis\nshow_doc(f)', {'output_type': 'execute_result', 'metadata': {}, 'execution_count': None,
                   'data': {'text/markdown': '### f\n\n```python\ndef f():\n```', 'text/plain': '<f>'}}),
             _code('#| hide\nimport secret'),
             _code('#| eval: false\ntrain()'))
    out = bd.translate(nb, 'https://stemsep.github.io/stemsep/', 0, Path('00_data.ipynb'))
    cells = out['cells']
    assert cells[0]['source'] == '# Data\n\n> Songs in.'
    assert '](model.html)' in cells[1]['source']
    assert cells[2]['metadata']['tags'] == ['remove-input', 'nbdev-doc'] and 'text/plain' not in cells[2]['outputs'][0]['data']
    assert [c['source'] for c in cells[3:]] == ['train()'] and all('id' in c for c in cells)

@pytest.mark.skipif(not os.environ.get('STEMSEP_TEST_DOCS'), reason='minutes: nbdev runs the notebook cells mixing imports and code; '
                    'set STEMSEP_TEST_DOCS=1 to run it')
def test_docs_build(tmp_path):
    "`python tools/build_docs.py` makes _docs/index.html and a page per notebook, every export on its page."
    pytest.importorskip('sphinx'); pytest.importorskip('myst_nb')
    bd = _tool('build_docs')
    dst = tmp_path/'repo'
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns('.git', '.venv*', 'venv', '_proc', '_docs', '__pycache__',
                                                             '*.egg-info', 'bench', 'scratch', 'build', 'dist'))
    rc, failures = bd.build_docs(dst, workers=2)
    assert rc == 0 and not failures, f'notebooks nbdev could not process: {failures}'
    docs = dst/'_docs'
    assert (docs/'index.html').exists()
    nbs = bd.notebooks(dst/'nbs')
    pages = {p.stem for p in docs.glob('*.html')}
    for nb in nbs:
        if len(nb.relative_to(dst/'nbs').parts) == 1:
            assert bd.page_name(nb.relative_to(dst/'nbs'), {}) in pages, f'no page for {nb.name}'
    html = {p.stem: p.read_text(encoding='utf-8') for p in docs.glob('*.html')}
    missing = [f'{mod}.{name}' for mod, name, obj in _exported() if (inspect.isfunction(obj) or inspect.isclass(obj))
               and f'id="{bd.quarto_id(name)}"' not in html.get(mod.split('.')[-1], '')
               and not any(f'id="{bd.quarto_id(name)}"' in h for h in html.values())]
    assert not missing, f'exported but not on the site: {missing}'
