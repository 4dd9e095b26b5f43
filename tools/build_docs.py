#!/usr/bin/env python
"""Build the documentation site offline: nbdev processes the notebooks, Sphinx + myst-nb renders them.

`nbdev_docs` needs Quarto, which cannot be installed everywhere. This script makes the same site without it:

1. nbdev's processors (what `nbdev_proc_nbs` runs) turn each notebook in `nbs/` into `_proc/`: front matter
   from the title cell, hidden and exported cells removed, a `show_doc` cell, executed, for every exported
   function and class (its signature with the docments comment of each parameter, and its docstring);
2. each processed notebook is translated for Sphinx into `_proc/_sphinx/` (front matter to a title, Quarto
   directives to cell tags, links to the hosted site made relative, Quarto callouts to MyST admonitions);
3. Sphinx with myst-nb (`docs/conf.py`, execution off: the notebooks' stored outputs are shown) writes
   `_docs/`, one page per notebook under the name Quarto would give it (`00_data.ipynb` -> `data.html`).

A notebook that cannot be processed (mid-edit, or its module fails to import) still gets a page, built from
the notebook as it is, and is named in a warning; `--strict` makes that an error.

    python tools/build_docs.py            # _docs/index.html and one page per notebook
    python tools/build_docs.py --force    # reprocess every notebook, not only those changed
"""
import argparse, configparser, functools, json, os, re, shutil, sys, time, warnings
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

if str(Path(__file__).resolve().parent) not in sys.path: sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parents[1]
SPHINX_SRC = '_sphinx'  # folder inside _proc/ holding the translated notebooks

def settings(root:Path=ROOT)->configparser.SectionProxy:
    "The `[DEFAULT]` section of `settings.ini`."
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(root/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def notebooks(nbs:Path)->list:
    "The notebooks under `nbs`, in reading order, skipping folders and files starting with `_` or `.`."
    return sorted(p for p in nbs.rglob('*.ipynb')
                  if not any(part[0] in '_.' for part in p.relative_to(nbs).parts))

# ---- 1. nbdev processing ---------------------------------------------------------------------------------

def _lenient_defaults():
    "nbdev's processors, except that a cell nbdev runs for `show_doc` (one mixing imports and code) may fail."
    from nbdev.processors import FilterDefaults, exec_show_docs, _is_showdoc
    class exec_show_docs_lenient(exec_show_docs):
        failed = []
        def __call__(self, cell):
            try: super().__call__(cell)
            except Exception:
                if _is_showdoc(cell): raise
                self.k.exc = None
                self.failed.append(cell.idx_)
    class LenientDefaults(FilterDefaults):
        def base_procs(self): return [exec_show_docs_lenient if p is exec_show_docs else p for p in super().base_procs()]
    return LenientDefaults, exec_show_docs_lenient.failed

def _process_one(src:Path, dst:Path)->tuple: # (cells that could not run, first lines of cells mixing imports and code)
    "Process one notebook with nbdev's default processors; if a cell fails, again skipping the cells that fail."
    import nbdev.serve_drv
    from nbdev.processors import FilterDefaults
    def run(procs):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always', UserWarning)
            nbdev.serve_drv.main((src, dst, procs))
        return [str(w.message).split('---')[1].strip().splitlines()[0] for w in caught
                if 'imports and other code' in str(w.message) and str(w.message).count('---') >= 2]
    try: return [], run(FilterDefaults)
    except Exception:
        lenient, failed = _lenient_defaults()
        mixed = run(lenient)
        return list(failed), mixed

def process_notebooks(root:Path=ROOT, # the repository root
                      workers:int=2,  # processes working in parallel
                      force:bool=False, # reprocess notebooks whose `_proc/` copy is newer than the notebook
                     )->dict:         # {notebook: error message} for the notebooks that failed
    "Process every notebook in `nbs/` into `_proc/` with nbdev (skipping those already done); return the failures."
    cfg = settings(root)
    nbs, proc = root/cfg.get('nbs_path', 'nbs'), root/'_proc'
    proc.mkdir(exist_ok=True)
    # nbdev's own rule: a newer settings.ini invalidates every processed notebook
    newest_cfg = (root/'settings.ini').stat().st_mtime
    todo = []
    for nb in notebooks(nbs):
        dst = proc/nb.relative_to(nbs)
        dst.parent.mkdir(parents=True, exist_ok=True)
        if force or not dst.exists() or dst.stat().st_mtime < max(nb.stat().st_mtime, newest_cfg): todo.append((nb, dst))
    for f in ('_quarto.yml', 'nbdev.yml', 'sidebar.yml', 'styles.css'):
        if (nbs/f).exists(): shutil.copy2(nbs/f, proc/f)
    failures = {}
    if not todo: return failures
    from tqdm.auto import tqdm
    from importlib import import_module
    worker = import_module(Path(__file__).stem)._process_one  # by module name, so spawned processes find it
    # nbdev's own worker (what `nbdev_proc_nbs` runs), in fresh processes
    quiet = functools.partial(warnings.filterwarnings, 'ignore', category=DeprecationWarning)
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')  # the stage modules import TensorFlow: keep its logs out
    cwd = os.getcwd()
    os.chdir(root)  # nbdev finds settings.ini from the working directory
    try:
        with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=mp.get_context('spawn'), initializer=quiet) as ex:
            futures = {nb: ex.submit(worker, nb, dst) for nb, dst in todo}
            for nb, fut in tqdm(futures.items(), desc='nbdev processing', unit='nb'):
                try: skipped, mixed = fut.result()
                except Exception as e: failures[nb] = f'{type(e).__name__}: {e}'.splitlines()[0][:300]
                else:
                    if mixed: print(f"note: {nb.relative_to(root)}: {len(mixed)} cell(s) mix imports and other code, so nbdev runs them "
                                    f"to build the docs (slow; split the imports out): {'; '.join(m[:60] for m in mixed)}", file=sys.stderr)
                    if skipped: print(f"warning: {nb.relative_to(root)}: nbdev could not run cell(s) {', '.join(map(str, skipped))} "
                                      "(imports mixed with code?); the API docs are built without them", file=sys.stderr)
    finally: os.chdir(cwd)
    for nb in failures:  # a page all the same: the notebook as it is, without API docs
        dst = proc/nb.relative_to(nbs)
        try:
            json.loads(nb.read_text(encoding='utf-8'))
            shutil.copy2(nb, dst)
        except ValueError: dst.unlink(missing_ok=True)
    return failures

# ---- 2. translate for Sphinx -----------------------------------------------------------------------------

_DIRECTIVE = re.compile(r'^\s*#\s*\|\s*(.*?)\s*$')
_QUARTO_ATTRS = re.compile(r'\[source\]\(([^)\s]+)\)\{[^}]*\}')
_CALLOUT = re.compile(r'^(\s*:{3,})\s*\{\.callout-(\w+)[^}]*\}\s*$', re.M)
_ADMONITIONS = {'note': 'note', 'tip': 'tip', 'warning': 'warning', 'important': 'important', 'caution': 'caution'}

def _text(x): return ''.join(x) if isinstance(x, list) else (x or '')

def front_matter(nb:dict)->dict:
    "The YAML front matter nbdev put in a raw first cell (title, description, output-file), or {}."
    cells = nb.get('cells', [])
    if not cells or cells[0].get('cell_type') != 'raw': return {}
    src = _text(cells[0].get('source')).strip()
    if not src.startswith('---'): return {}
    import yaml
    try: return yaml.safe_load(src.strip('-\n ')) or {}
    except yaml.YAMLError: return {}

def page_name(nb_rel:Path, fm:dict)->str:
    "The page a notebook becomes, as Quarto names it: `output-file`, else the name without its number prefix."
    name = fm.get('output-file') or re.sub(r'^\d+_', '', nb_rel.stem) + '.html'
    return (nb_rel.parent/Path(name).stem).as_posix()

def quarto_id(heading:str)->str:
    "The anchor Pandoc gives a heading (`load_audio`, `stemsepconfig.save`), which nbdev's links point to."
    s = re.sub(r'[^\w\s.-]', '', heading.strip().lower())
    return re.sub(r'\s+', '-', s)

_NB_LINK = re.compile(r'\]\((?![a-z]+:)([^)\s#]*?)(?:\d+_)?([^/)\s#]+)\.ipynb(#[^)\s]*)?\)')

def fix_links(md:str, site:str, depth:int)->str:
    "Make links to the hosted site (`https://host/base/page.html#x`) relative, and links to notebooks point at their pages."
    if site: md = md.replace(site, '../'*depth)
    return _NB_LINK.sub(lambda m: f"]({m.group(1)}{m.group(2)}.html{m.group(3) or ''})", md)

_SIG = re.compile(r'```python\n(.*?)\n```', re.S)
_SRC_MOD = re.compile(r'/blob/[^/]+/(.+?)\.py#L\d+')

def _lookup(module:str, name:str):
    "The object `name` (`Class` or `Class.method`) of `module`, or None."
    import importlib
    try:
        obj = importlib.import_module(module)
        for part in name.split('.'): obj = getattr(obj, part)
        return obj
    except Exception: return None

def docments_signature(obj, name:str)->str: # the signature, one documented parameter a line; '' if none is documented
    "A `def name(...)` signature with the docments comment of each parameter, for objects nbdev shows without them."
    from fastcore.docments import docments
    import inspect
    try: params = docments(obj, full=True)
    except Exception: return ''
    ret = params.pop('return', {}) or {}
    if not any(p.get('docment') for p in params.values()): return ''
    def fmt(nm, p):
        anno, default = p.get('anno', inspect._empty), p.get('default', inspect._empty)
        s = nm + (f':{getattr(anno, "__name__", anno)}' if anno is not inspect._empty else '')
        return s + (f'={default!r}' if default is not inspect._empty else '')
    lines = [f'    {fmt(k, p)},' + (f" # {p['docment']}" if p.get('docment') else '') for k, p in params.items()]
    anno = ret.get('anno', inspect._empty)
    tail = f')->{getattr(anno, "__name__", anno)}:' if anno not in (inspect._empty, None) else '):'
    if ret.get('docment'): tail += f" # {ret['docment']}"
    return '\n'.join([f'def {name}(', *lines, tail])

def fix_signature(md:str, name:str)->str:
    "Trim the blank lines nbdev leaves in a signature block; add the parameters' docments where nbdev lost them."
    m = _SIG.search(md)
    if not m: return md
    sig = m.group(1).strip('\n')
    sig = re.sub(r'\[`?([^\]`]+)`?\]\([^)\s]*\)', r'\1', sig)  # nbdev's doc links mean nothing inside code
    sig = re.sub(r'\(\n\s*\n\)', '()', sig)                  # no parameters: `f()`, not an empty line
    if ' # ' not in sig and re.search(r'\(\s*\w', sig) and (src := _SRC_MOD.search(md)):
        obj = _lookup(src.group(1).replace('/', '.'), name)  # e.g. a dataclass: its fields' comments
        sig = (docments_signature(obj, name) if obj is not None else '') or sig
    return md[:m.start()] + f'```python\n{sig}\n```' + md[m.end():]

def fix_show_doc(md:str)->str:
    "Make nbdev's `show_doc` markdown plain MyST: no Quarto link attributes, a source link, Pandoc's anchor."
    md = re.sub(r'^\s*---\s*\n', '', md)  # the rule nbdev puts above each entry; CSS draws it instead
    if (h := re.search(r'^#{2,6} (\S.*)$', md, re.M)): md = fix_signature(md, h.group(1).strip())
    md = _QUARTO_ATTRS.sub(lambda m: f'<a class="nbdev-source" href="{m.group(1)}">[source]</a>', md)
    def anchor(m):
        hashes, title = m.group(1), m.group(2)
        return f'<span id="{quarto_id(title)}"></span>\n\n{hashes} {title}'
    return re.sub(r'^(#{2,6}) (\S.*)$', anchor, md, count=1, flags=re.M)

def fix_markdown(md:str)->str:
    "Quarto-only markdown that MyST would not read: callouts become admonitions."
    return _CALLOUT.sub(lambda m: f"{m.group(1)}{{{_ADMONITIONS.get(m.group(2), 'note')}}}", md)

def translate(nb:dict,       # a processed notebook
              site:str,      # URL of the hosted docs, ending in `/`
              depth:int,     # folders between the page and the site root
              nb_rel:Path,   # the notebook's path under `nbs/`, for a title when there is no front matter
             )->dict:        # the notebook for myst-nb
    "Translate one nbdev-processed notebook into one myst-nb reads: title, tags for Quarto's directives."
    fm, cells = front_matter(nb), list(nb.get('cells', []))
    if fm: cells = cells[1:]
    out = []
    has_h1 = any(c.get('cell_type') == 'markdown' and re.match(r'\s*# ', _text(c.get('source'))) for c in cells[:3])
    if not has_h1:
        title = fm.get('title') or nb_rel.stem
        desc = fm.get('description')
        out.append({'cell_type': 'markdown', 'metadata': {}, 'source': f'# {title}' + (f'\n\n> {desc}' if desc else '')})
    for cell in cells:
        kind, src = cell.get('cell_type'), _text(cell.get('source'))
        if kind == 'markdown' and not src.strip(): continue
        if kind == 'raw': continue
        if kind == 'markdown':
            out.append({'cell_type': 'markdown', 'metadata': {}, 'source': fix_links(fix_markdown(src), site, depth)})
            continue
        if kind != 'code': continue
        lines, directives = src.splitlines(), {}
        while lines and (m := _DIRECTIVE.match(lines[0])):
            name, _, value = m.group(1).partition(':') if ':' in m.group(1) else m.group(1).partition(' ')
            directives[name.strip()] = (value.strip() or 'true').lower()
            lines.pop(0)
        if 'hide' in directives or directives.get('include') == 'false': continue
        tags = []
        if directives.get('echo') == 'false': tags.append('remove-input')
        if directives.get('output') == 'false': tags.append('remove-output')
        outputs = []
        for o in cell.get('outputs', []):
            o = json.loads(json.dumps(o))
            data = o.get('data', {})
            if 'text/markdown' in data:
                md = _text(data['text/markdown'])
                if 'show_doc' in src: md = fix_show_doc(md)
                data['text/markdown'] = fix_links(md, site, depth)
                data.pop('text/plain', None)
            outputs.append(o)
        is_doc = 'show_doc' in src and directives.get('echo') == 'false'
        code = '\n'.join(lines)
        if not code.strip() and not outputs: continue
        out.append({'cell_type': 'code', 'execution_count': None, 'outputs': outputs, 'source': code,
                    'metadata': {'tags': tags + (['nbdev-doc'] if is_doc else [])}})
    for i, c in enumerate(out): c['id'] = f'cell-{i}'
    meta = {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'},
            'language_info': {'name': 'python'}}
    return {'cells': out, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}

def toctree(pages:list, caption:str)->str:
    "A hidden MyST toctree: it orders the pages and fills the sidebar."
    return '\n'.join([f'```{{toctree}}', ':hidden:', ':maxdepth: 1', f':caption: {caption}', *pages, '```'])

def make_sources(root:Path=ROOT)->tuple: # (Sphinx source folder, [(notebook, page)])
    "Translate the processed notebooks in `_proc/` into `_proc/_sphinx/`, with the index holding the toctree."
    cfg = settings(root)
    proc, src = root/'_proc', root/'_proc'/SPHINX_SRC
    if src.exists(): shutil.rmtree(src)
    src.mkdir(parents=True)
    site = cfg.get('doc_host', '').rstrip('/') + '/' + cfg.get('doc_baseurl', '').strip('/') + '/'
    site = site.replace('//', '/').replace(':/', '://') if cfg.get('doc_host') else ''
    current = {p.relative_to(root/cfg.get('nbs_path', 'nbs')) for p in notebooks(root/cfg.get('nbs_path', 'nbs'))}
    pages, index = [], None
    for nb_path in sorted(p for p in proc.rglob('*.ipynb') if SPHINX_SRC not in p.parts):
        rel = nb_path.relative_to(proc)
        if rel not in current: continue  # a notebook since deleted
        try: nb = json.loads(nb_path.read_text(encoding='utf-8'))
        except ValueError as e:
            print(f'warning: skipping {rel}: {e}', file=sys.stderr); continue
        page = page_name(rel, front_matter(nb))
        translated = translate(nb, site, len(rel.parts) - 1, rel)
        if page == 'index': index = translated
        else: pages.append((rel, page, translated))
    if index is None:
        index = translate({'cells': [{'cell_type': 'markdown', 'source': f"# {cfg.get('title', 'docs')}"}]}, site, 0, Path('index'))
    chapters = [p for r, p, _ in pages if len(r.parts) == 1]
    others = sorted({r.parts[0] for r, _, _ in pages if len(r.parts) > 1})
    cells = [{'cell_type': 'markdown', 'metadata': {}, 'source': toctree(chapters, 'Chapters')}]
    cells += [{'cell_type': 'markdown', 'metadata': {},
               'source': toctree([p for r, p, _ in pages if r.parts[0] == d], d.replace('_', ' ').capitalize())}
              for d in others]
    index['cells'] += cells
    for i, c in enumerate(index['cells']): c['id'] = f'cell-{i}'
    for rel, page, nb in [(Path('index.ipynb'), 'index', index)] + pages:
        dst = src/(page + '.ipynb')
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(json.dumps(nb, indent=1), encoding='utf-8')
    # files the notebooks refer to (images beside them)
    nbs = root/cfg.get('nbs_path', 'nbs')
    for f in nbs.rglob('*'):
        if f.is_file() and f.suffix.lower() in ('.png', '.jpg', '.jpeg', '.gif', '.svg') and not any(p[0] in '_.' for p in f.relative_to(nbs).parts):
            (src/f.relative_to(nbs)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, src/f.relative_to(nbs))
    return src, [(r, p) for r, p, _ in pages]

# ---- 3. Sphinx -------------------------------------------------------------------------------------------

def run_sphinx(src:Path, out:Path, root:Path=ROOT, quiet:bool=True)->int:
    "Render the translated notebooks in `src` to HTML in `out` with `docs/conf.py`; return Sphinx's exit code."
    from sphinx.cmd.build import build_main
    args = ['-b', 'html', '-c', str(root/'docs'), '-d', str(root/'_proc'/'_doctrees'), '-E', str(src), str(out)]
    return build_main((['-q'] if quiet else []) + args)

def build_docs(root:Path=ROOT, out:Path=None, workers:int=2, force:bool=False, quiet:bool=True)->tuple:
    "Process, translate and render the docs into `out` (`_docs/` by default); return (exit code, failures)."
    out = Path(out) if out else root/settings(root).get('doc_path', '_docs')
    failures = process_notebooks(root, workers=workers, force=force)
    for nb, err in failures.items():
        print(f'warning: nbdev could not process {nb.relative_to(root)} ({err}); its page has no API docs', file=sys.stderr)
    src, pages = make_sources(root)
    if out.exists(): shutil.rmtree(out)
    rc = run_sphinx(src, out, root, quiet=quiet)
    return rc, failures

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--out', type=Path, default=None, help='output folder (default: doc_path in settings.ini, _docs)')
    p.add_argument('--workers', type=int, default=2, help='notebooks processed in parallel (default 2)')
    p.add_argument('--force', action='store_true', help='reprocess every notebook, not only those changed')
    p.add_argument('--strict', action='store_true', help='exit 1 when a notebook could not be processed')
    p.add_argument('--verbose', action='store_true', help="show Sphinx's progress, not only its warnings")
    args = p.parse_args(argv)
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')  # the stage modules import TensorFlow: keep its logs out
    t0 = time.time()
    rc, failures = build_docs(ROOT, args.out, args.workers, args.force, quiet=not args.verbose)
    out = args.out or ROOT/settings(ROOT).get('doc_path', '_docs')
    if rc: print(f'sphinx failed (exit {rc})', file=sys.stderr); return rc
    print(f'docs built in {time.time()-t0:.0f} s: {out/"index.html"}' + (f'; {len(failures)} notebook(s) without API docs' if failures else ''))
    return 1 if (failures and args.strict) else 0

if __name__ == '__main__': sys.exit(main())
