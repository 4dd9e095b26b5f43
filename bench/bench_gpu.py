"""stemsep separation on the GPU (JAX backend): real-time factor per batch size and the share of time outside the model.

Run by hand on the GPU machine (KERAS_BACKEND=jax; no TensorFlow, librosa or torch needed there):

    KERAS_BACKEND=jax python bench/bench_gpu.py --out bench/results/gpu.md
    KERAS_BACKEND=jax python bench/bench_gpu.py --model path/to/model_folder --seconds 300 --out gpu.md

It times the real `separate_file` path (file in -> float WAVs out) at each batch size, and the time spent inside
`model.predict_on_batch`; the rest (decode, STFT, patching, masks, ISTFT, writing) is "outside the model". Without
`--model` it builds stemsep's default-configuration model with random weights: speed does not depend on the values
of the weights. Without `--input` it uses ../shared/data/fullmix/Kevin_MacLeod_-_Vibe_Ace.hq.ogg when that exists
(tiled to `--seconds`), else a synthetic stereo signal of that length (speed does not depend on the content).

Imports only numpy, keras, jax, soundfile, tqdm, stemsep.config/audio/model/predict and bench_speed (standard library at import).
"""
from __future__ import annotations
import os
os.environ.setdefault('KERAS_BACKEND', 'jax')
import argparse, shlex, statistics, sys, tempfile, time
from pathlib import Path
import numpy as np

from bench_speed import ROOT, SONG, cpu_name, write_report, make_input as song_input


class TimedModel:
    "Wraps a Keras model; adds up the wall time and the patches of its `predict_on_batch` calls."
    def __init__(self, model):
        self.model, self.seconds, self.patches, self.calls = model, 0., 0, 0
    def predict_on_batch(self, batch):        # (batch, frames, bins, channels) -> numpy, so the time is synchronous
        t0 = time.perf_counter()
        out = np.asarray(self.model.predict_on_batch(batch))
        self.seconds += time.perf_counter() - t0
        self.patches += len(batch); self.calls += 1
        return out


def machine()->str:
    "CPU model and cores, the accelerator(s) JAX sees, and versions, in one line."
    import jax, keras
    cpu = cpu_name()
    devs = jax.devices()
    kinds = ', '.join(sorted({f"{d.platform}:{getattr(d, 'device_kind', '?')}" for d in devs}))
    return (f"{cpu}, {os.cpu_count()} cores; JAX devices: {len(devs)} x {kinds}; keras {keras.__version__} "
            f"({keras.backend.backend()} backend), jax {jax.__version__}")


def make_input(path:Path, seconds:float, song:Path|None)->tuple:
    "Write the test input (float WAV): `song` tiled/cropped to `seconds`, or a synthetic stereo signal. (path, source)"
    if song is not None and Path(song).is_file():
        return song_input(path, seconds, song), f"`{Path(song).name}` tiled/cropped to {seconds:.0f} s"
    import soundfile as sf
    sr, rng = 44100, np.random.default_rng(0)
    t = np.arange(int(round(seconds*sr)))/sr
    tones = sum(np.sin(2*np.pi*f*t)*0.1 for f in (110, 220, 330.5, 440))
    hits = (rng.standard_normal(len(t))*np.exp(-(t % 0.5)*30)*0.3)
    sf.write(str(path), np.stack([tones + hits, tones*0.8 + hits*1.1], axis=1).astype(np.float32), sr, subtype='FLOAT')
    return path, f"a synthetic stereo signal of {seconds:.0f} s (tones + noise bursts; song not found)"


def load_or_build(model_path, work:Path, overrides:dict)->tuple:
    "(keras model, cfg, description): a trained model, or the default configuration with random weights."
    from stemsep.config import StemsepConfig
    from stemsep.model import build_model, save_model
    from stemsep.predict import load_separator
    if model_path: 
        model, cfg = load_separator(model_path)
        return model, cfg, f"trained model `{model_path}`"
    cfg = StemsepConfig(**overrides)
    folder = work/'model'; folder.mkdir(parents=True, exist_ok=True)
    save_model(build_model(cfg), cfg, folder/'model.weights.h5')        # the same save/load path a user's model takes
    model, cfg = load_separator(folder)
    what = 'default configuration' if not overrides else f"configuration {overrides}"
    return model, cfg, f"stemsep {what} (arch {cfg.arch}, {cfg.base_filters} filters, depth {cfg.depth}, patches {cfg.segment_frames}x{cfg.n_bins}) with random weights"


def time_batch_size(model, cfg, src:Path, out:Path, batch_size:int, repeats:int, block_s:float)->dict:
    "Warm up (compiles every batch shape), then time `separate_file` `repeats` times; medians."
    from stemsep.predict import separate_file
    kw = dict(force=True, progress=False, batch_size=batch_size, block_s=block_s)
    separate_file(model, cfg, src, out, **kw)                            # warm-up: jit of full and last batches
    walls, inside, patches, calls = [], [], 0, 0
    for _ in range(repeats):
        timed = TimedModel(model)
        t0 = time.perf_counter()
        separate_file(timed, cfg, src, out, **kw)
        walls.append(time.perf_counter() - t0); inside.append(timed.seconds)
        patches, calls = timed.patches, timed.calls
    wall, model_s = statistics.median(walls), statistics.median(inside)
    return dict(batch_size=batch_size, wall_s=wall, model_s=model_s, outside_share=1 - model_s/wall,
                patches=patches, calls=calls, walls=walls)


def peak_device_mb()->str:
    "Peak memory JAX has used on the first device, MiB (where the backend reports it)."
    import jax
    try: stats = jax.devices()[0].memory_stats() or {}
    except Exception: stats = {}
    peak = stats.get('peak_bytes_in_use')
    return f"{peak/2**20:.0f}" if peak else 'n/a'


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', help='trained model (folder or model.weights.h5); default: default configuration, random weights')
    p.add_argument('--input', help='audio file to separate (tiled/cropped to --seconds); default: Vibe Ace or synthetic')
    p.add_argument('--seconds', type=float, default=120., help='length of the test input, seconds')
    p.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 2, 4, 8, 16, 32, 64], help='patches per model call')
    p.add_argument('--repeats', type=int, default=3, help='timed runs per batch size after one warm-up run; medians')
    p.add_argument('--block-seconds', type=float, default=0., help='separate in blocks of this length; 0: the whole input as one block')
    p.add_argument('--base-filters', type=int, help='override (only without --model; for smoke tests on a CPU)')
    p.add_argument('--depth', type=int, help='override (only without --model; for smoke tests on a CPU)')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'gpu.md'), help='where the markdown table goes')
    args = p.parse_args()
    import keras
    from stemsep.config import StemsepConfig
    started = time.strftime('%Y-%m-%d %H:%M')
    work = Path(tempfile.mkdtemp(prefix='stemsep_gpu_'))
    overrides = {k: v for k, v in (('base_filters', args.base_filters), ('depth', args.depth)) if v is not None}
    model, cfg, model_what = load_or_build(args.model, work, overrides)
    src, source = make_input(work/'song.wav', args.seconds, Path(args.input) if args.input else SONG)
    block_s = args.block_seconds or args.seconds + 1.
    rows, results = [], []
    for bs in args.batch_sizes:
        r = time_batch_size(model, cfg, src, work/'out', bs, args.repeats, block_s)
        results.append(r)
        rtf = r['wall_s']/args.seconds
        rows.append([bs, f"{r['wall_s']:.2f}", f"{rtf:.4f}", f"{1/rtf:.1f}", f"{r['model_s']:.2f}",
                     f"{r['patches']/r['model_s']:.1f}", f"{100*r['outside_share']:.0f}%", r['calls']])
        print(f"batch {bs:3d}: wall {r['wall_s']:.2f} s, model {r['model_s']:.2f} s, outside {100*r['outside_share']:.0f}%", flush=True)
    header = ['batch size', 'wall (s)', 'real-time factor (wall / audio)', 'x real time', 'in model (s)',
              'patches/s in model', 'share outside the model', 'model calls']
    table = '\n'.join(['| ' + ' | '.join(header) + ' |', '|' + '---|'*len(header)] +
                      ['| ' + ' | '.join(str(c) for c in row) + ' |' for row in rows])
    bad = [m for m in ('tensorflow', 'librosa', 'torch') if m in sys.modules]
    cmd = 'python ' + ' '.join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], ROOT), *sys.argv[1:]])
    text = (f"# stemsep separation on the GPU\n\n"
            f"Machine: {machine()}.\n"
            f"Run: `KERAS_BACKEND={keras.backend.backend()} {cmd}` on {started}.\n"
            f"Model: {model_what}. Input: {source}, 44.1 kHz stereo float WAV -> {cfg.n_stems} float WAVs "
            f"(`separate_file`, join 'overlap', soft masks, no Wiener; blocks of {block_s:.0f} s; stereo input through a "
            f"{cfg.n_channels}-channel model = {2 if cfg.n_channels == 1 else 1} pass(es)). Each batch size: one warm-up run "
            f"(JIT compilation), then the median of {args.repeats} runs. 'In model' is the time inside "
            f"`model.predict_on_batch` (input transfer, forward pass, output transfer); everything else (decode, STFT, "
            f"patching, masks, ISTFT, writing) is outside the model. Peak device memory: {peak_device_mb()} MiB.\n\n"
            f"{table}\n\n"
            f"Modules loaded: {'none of tensorflow/librosa/torch' if not bad else 'ALSO ' + ', '.join(bad)}.\n")
    write_report(text, args.out, work, data=dict(results=results, seconds=args.seconds, model=model_what))


if __name__ == '__main__': main()
