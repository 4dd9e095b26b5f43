"""Training throughput (patches per second) with the HDF5 input (`stemsep.dataset`) and from memory.

Run by hand, never as a timed test:

    python bench/bench_train.py [--steps 4] [--base-filters 32 8] [--threads 2]              # CPU, TensorFlow
    KERAS_BACKEND=jax python bench/bench_train.py --steps 30 --out bench/results/train_gpu.md  # GPU machine

Writes bench/results/train.md. The data: `make_toy_tracks` songs at the default configuration (44.1 kHz mono,
n_fft 2048, hop 512, patches 256 frames x 1024 bins, drums/accompaniment), through `stemsep.preprocess.preprocess`
into one HDF5 patch file. For each model width and each reader, a freshly built and compiled model (Adam, balanced
L1, as `stemsep train` builds it) is fitted for `--steps` steps of `--batch-size` patches; the first step (tracing,
compilation) is left out of the rate. Readers: `HDF5PatchDataset` (keras PyDataset over the HDF5 file),
`make_tf_dataset` (tf.data, TensorFlow backend only) and the whole split read into numpy arrays first.
"""
from __future__ import annotations
import argparse, os, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_speed import ROOT, machine, command_line, md_table, write_report


def make_data(work:Path, n_songs:int, seconds:float)->Path:
    "Toy songs -> HDF5 patch file at the default configuration."
    from stemsep.config import StemsepConfig
    from stemsep.preprocess import preprocess
    from stemsep.testing import make_toy_tracks
    cfg = StemsepConfig()
    make_toy_tracks(work/'songs', n_songs=n_songs, seconds=seconds, cfg=cfg, seed=0)
    preprocess(work/'songs', work/'patches.h5', cfg, workers=min(2, os.cpu_count() or 1), progress=False, log=lambda *a: None)
    return work/'patches.h5'


class StepTimes:
    "A keras callback holding the wall-clock time at the end of every training step."
    def __new__(cls):
        import keras
        class _StepTimes(keras.callbacks.Callback):
            def on_train_begin(self, logs=None): self.ends = [time.perf_counter()]
            def on_train_batch_end(self, batch, logs=None): self.ends.append(time.perf_counter())
        return _StepTimes()


def measure(h5:Path, reader:str, base_filters:int, batch_size:int, steps:int)->dict:
    "Fit a fresh model for `steps` steps from `reader`; patches/s over the steps after the first."
    import keras, h5py, numpy as np, dataclasses
    from stemsep.preprocess import read_h5_config
    from stemsep.dataset import HDF5PatchDataset, make_tf_dataset, split_rows, read_rows
    from stemsep.model import build_model, make_loss
    from stemsep.train import measure_loss_weights
    cfg = dataclasses.replace(read_h5_config(h5), base_filters=base_filters, batch_size=batch_size)
    cfg = dataclasses.replace(cfg, loss_weights=measure_loss_weights(h5, cfg))
    keras.utils.set_random_seed(0)
    model = build_model(cfg)
    model.compile(optimizer=keras.optimizers.Adam(cfg.learning_rate, weight_decay=1e-6), loss=make_loss(cfg))
    timer = StepTimes()
    t0 = time.perf_counter()
    if reader == 'memory':
        with h5py.File(h5, 'r') as f: mixture, targets = read_rows(f, split_rows(h5, 'train')[:steps*batch_size])
        load_s = time.perf_counter() - t0
        model.fit(mixture, targets, batch_size=batch_size, epochs=1, shuffle=True, callbacks=[timer], verbose=0)
    else:
        data = (HDF5PatchDataset(h5, 'train', batch_size, shuffle=True, drop_remainder=True) if reader == 'hdf5'
                else make_tf_dataset(h5, 'train', batch_size, shuffle=True, drop_remainder=True).repeat())
        load_s = time.perf_counter() - t0
        model.fit(data, epochs=1, steps_per_epoch=steps, callbacks=[timer], verbose=0)
    ends = timer.ends
    n_steps = len(ends) - 1
    rate = batch_size*(n_steps - 1)/(ends[-1] - ends[1]) if n_steps > 1 else float('nan')
    return dict(steps=n_steps, first_step_s=ends[1] - ends[0], rate=rate, load_s=load_s,
                params=model.count_params())


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--steps', type=int, default=4, help='training steps per measurement (the first is not timed)')
    p.add_argument('--batch-size', type=int, default=8, help='patches per step (the configuration default is 8)')
    p.add_argument('--base-filters', type=int, nargs='+', default=[32, 8], help='model widths to measure (32: the default model)')
    p.add_argument('--readers', nargs='+', default=None, choices=('hdf5', 'tf', 'memory'),
                   help="default: hdf5 and memory, plus tf on the TensorFlow backend")
    p.add_argument('--songs', type=int, default=12, help='toy songs in the data set')
    p.add_argument('--song-seconds', type=float, default=12., help='length of each toy song')
    p.add_argument('--threads', type=int, default=2, help='CPU threads (TensorFlow intra- and inter-op)')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'train.md'), help='results file')
    args = p.parse_args()
    for k in ('OMP_NUM_THREADS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS'): os.environ.setdefault(k, str(args.threads))
    os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
    import keras
    backend = keras.backend.backend()
    readers = args.readers or (['hdf5', 'tf', 'memory'] if backend == 'tensorflow' else ['hdf5', 'memory'])
    started, where = time.strftime('%Y-%m-%d %H:%M'), machine()
    if backend == 'jax':
        import jax; where += f"; JAX devices: {', '.join(sorted({str(d.device_kind) for d in jax.devices()}))}"
    work = Path(tempfile.mkdtemp(prefix='stemsep_train_'))
    t0 = time.perf_counter()
    h5 = make_data(work, args.songs, args.song_seconds)
    from stemsep.dataset import split_rows
    n_train = len(split_rows(h5, 'train'))
    print(f"data: {h5} ({n_train} training patches) in {time.perf_counter() - t0:.0f} s", flush=True)
    if n_train < args.steps*args.batch_size:
        raise SystemExit(f"{n_train} training patches < steps x batch size; pass more --songs or fewer --steps")
    rows = []
    names = {'hdf5': 'HDF5PatchDataset (PyDataset)', 'tf': 'make_tf_dataset (tf.data)', 'memory': 'numpy arrays in memory'}
    for bf in args.base_filters:
        for reader in readers:
            r = measure(h5, reader, bf, args.batch_size, args.steps)
            print(f"filters {bf:3d} {reader:7s}: {r['rate']:.3f} patches/s, first step {r['first_step_s']:.1f} s", flush=True)
            rows.append([f"{bf}{' (default)' if bf == 32 else ''}", f"{r['params']/1e6:.2f} M", names[reader],
                         f"{r['rate']:.3f}", f"{args.batch_size/r['rate']:.2f}" if r['rate'] == r['rate'] else '–',
                         f"{r['first_step_s']:.1f}", f"{r['load_s']:.1f}"])
    table = md_table(['base filters', 'parameters', 'input', 'patches/s', 's per step', 'first step (s)',
                      'input set-up (s)'], rows)
    text = (f"# Training throughput\n\n"
            f"Machine: {where}; keras {keras.__version__}, {backend} backend"
            f"{f', {args.threads} CPU threads' if backend == 'tensorflow' else ''}.\n"
            f"Data: {args.songs} toy songs of {args.song_seconds:.0f} s (`make_toy_tracks`) -> `preprocess` -> "
            f"{n_train} training patches of 256 frames x 1024 bins (the default patch size), batch {args.batch_size}. "
            f"Each row: a fresh paper U-Net (depth 4), Adam + balanced L1, {args.steps} steps, rate over the steps "
            f"after the first (the first includes tracing). 'input set-up' = building the reader (for memory: reading "
            f"the patches into arrays).\n"
            f"Run: `{'KERAS_BACKEND=' + backend + ' ' if backend != 'tensorflow' else ''}{command_line()}` on {started}.\n\n{table}\n")
    write_report(text, args.out, work)


if __name__ == '__main__': main()
