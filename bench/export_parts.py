"""Write trained models as float16 `.npz` (configuration inside) in parts of at most 15 MB, so they come back from
the GPU machine (its calls return at most 8 files of 16 MiB). Join them here with `cat NAME.npz.part* > NAME.npz`.
  python bench/export_parts.py OUT NAME=MODEL_FILE [NAME=MODEL_FILE ...]   (missing model files are reported, skipped)"""
import sys
from pathlib import Path

def main():
    if len(sys.argv) < 3 or sys.argv[1] in ('-h', '--help'): print(__doc__); sys.exit(0 if len(sys.argv) > 1 else 2)
    from stemsep.model import load_model, save_model
    out = Path(sys.argv[1])
    for arg in sys.argv[2:]:
        name, _, src = arg.partition('=')
        if not Path(src).is_file(): print(name, 'no weights'); continue
        model, cfg = load_model(src)
        p = save_model(model, cfg, out/f'{name}.npz'); data = p.read_bytes(); p.unlink(); (out/f'{name}.json').unlink(missing_ok=True)
        for i in range(0, len(data), 15_000_000): (out/f'{name}.npz.part{i//15_000_000}').write_bytes(data[i:i+15_000_000])
        print(name, f'float16 weights: {len(data)/1e6:.1f} MB in {-(-len(data)//15_000_000)} parts')

if __name__ == '__main__': main()
