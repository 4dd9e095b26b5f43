"""Training throughput: patches/s with the HDF5 input (Keras PyDataset, and tf.data on TensorFlow) versus
the same model fed from memory (numpy arrays), then optionally a real training run with its validation curve.

Run by hand on the GPU machine (Keras on JAX there, no TensorFlow), never as a test:

    KERAS_BACKEND=jax python bench/train_gpu.py DATA.h5 [--steps 100] [--warmup 20] [--workers 1 4]
                      [--batch-size 8] [--base-filters 32] [--depth 4] [--arch paper]
                      [--train-epochs 20 --model-dir runs/gpu] [--out bench/results/train_gpu.json]

Every input mode trains the same freshly built model for `--warmup` steps (compilation, first reads),
synchronises, then times `--steps` steps; patches/s = steps x batch / seconds. If the HDF5 figure is close to
the memory figure, the input pipeline does not starve the accelerator. With `--train-epochs`, it then runs
`stemsep.train.train` on the file (HDF5 PyDataset) and prints the loss per epoch; the curves PNG and the
CSV log land in `--model-dir`.
"""
from __future__ import annotations
import argparse, json, os, platform, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed_fit(model, fit_kwargs:dict, batch_size:int, warmup:int, steps:int)->dict:
    "Train `warmup + steps` steps; patches/s over the last `steps` (synchronised at both ends)."
    import keras

    class Timer(keras.callbacks.Callback):
        def __init__(self): super().__init__(); self.t0 = self.t1 = None; self.n = 0
        def on_train_batch_end(self, batch, logs=None):
            self.n += 1
            if self.n == warmup:
                float((logs or {}).get('loss', 0.0))      # wait for the device before starting the clock
                self.t0 = time.perf_counter()
            elif self.n == warmup + steps:
                float((logs or {}).get('loss', 0.0))
                self.t1 = time.perf_counter()
                self.model.stop_training = True

    timer = Timer()
    epochs = 1000   # stop_training ends it; several epochs if the split is shorter than warmup + steps
    model.fit(**fit_kwargs, epochs=epochs, callbacks=[timer], verbose=0)
    if timer.t1 is None: raise SystemExit(f"the data gave only {timer.n} steps; lower --warmup/--steps")
    seconds = timer.t1 - timer.t0
    return dict(steps=steps, seconds=round(seconds, 3), patches_per_s=round(steps*batch_size/seconds, 1),
                ms_per_step=round(1000*seconds/steps, 2))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument('data', help='HDF5 patch file from `stemsep preprocess`')
    p.add_argument('--steps', type=int, default=100, help='timed steps per input mode')
    p.add_argument('--warmup', type=int, default=20, help='untimed steps first (compilation, first reads)')
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--base-filters', type=int, help='default: the data file\'s configuration')
    p.add_argument('--depth', type=int)
    p.add_argument('--arch', choices=('paper', 'spleeter'))
    p.add_argument('--output', choices=('direct', 'mask'))
    p.add_argument('--workers', type=int, nargs='+', default=[1, 4], help='PyDataset reader processes to try')
    p.add_argument('--memory-rows', type=int, default=4000, help='training rows loaded into RAM for the memory baseline')
    p.add_argument('--no-mixed', action='store_true', help='float32 even on a GPU')
    p.add_argument('--train-epochs', type=int, default=0, help='then train this many epochs with stemsep.train.train')
    p.add_argument('--model-dir', default='runs/train_gpu', help='model folder of that training')
    p.add_argument('--out', help='write the figures as JSON here')
    args = p.parse_args(argv)

    import dataclasses, h5py, numpy as np, keras
    from stemsep.preprocess import read_h5_config
    from stemsep.dataset import HDF5PatchDataset, split_rows, read_rows
    from stemsep.model import build_model, make_loss
    from stemsep.train import gpu_count, measure_loss_weights, train

    cfg = read_h5_config(args.data)
    over = {k: v for k, v in dict(base_filters=args.base_filters, depth=args.depth, arch=args.arch,
                                   output=args.output, batch_size=args.batch_size).items() if v is not None}
    cfg = dataclasses.replace(cfg, **over)
    if cfg.loss == 'balanced_l1' and cfg.loss_weights is None:
        cfg = dataclasses.replace(cfg, loss_weights=measure_loss_weights(args.data, cfg))
    n_gpus = gpu_count()
    mixed = n_gpus > 0 and not args.no_mixed
    rows = split_rows(args.data, 'train')
    info = dict(backend=keras.backend.backend(), gpus=n_gpus, mixed_precision=mixed, python=platform.python_version(),
                keras=keras.__version__, data=str(args.data), train_rows=int(len(rows)), patch=list(cfg.input_shape),
                stems=list(cfg.stems), arch=cfg.arch, output=cfg.output, base_filters=cfg.base_filters,
                depth=cfg.depth, batch_size=cfg.batch_size, steps=args.steps, warmup=args.warmup)
    if keras.backend.backend() == 'jax':
        import jax
        info['devices'] = [str(d) for d in jax.devices()]
    print(json.dumps(info))

    def fresh_model():
        keras.utils.set_random_seed(cfg.seed)
        model = build_model(cfg, dtype='mixed_bfloat16' if mixed else None)
        model.compile(keras.optimizers.Adam(cfg.learning_rate), loss=make_loss(cfg),
                      jit_compile='auto' if n_gpus else False)
        print(f"model: {model.count_params():,} parameters")
        return model

    results = {}
    t = time.perf_counter()
    memory_rows = rows[:args.memory_rows]
    with h5py.File(args.data, 'r') as f: mixture, targets = read_rows(f, memory_rows)
    print(f"memory baseline: {len(memory_rows)} rows loaded in {time.perf_counter() - t:.1f} s "
          f"({(mixture.nbytes + targets.nbytes)/2**30:.2f} GiB float32)")
    results['memory'] = timed_fit(fresh_model(), dict(x=mixture, y=targets, batch_size=cfg.batch_size, shuffle=True),
                                  cfg.batch_size, args.warmup, args.steps)
    print('memory', results['memory'])
    del mixture, targets
    for w in args.workers:
        kw = dict(workers=w, use_multiprocessing=True, max_queue_size=max(10, 4*w)) if w > 1 else {}
        ds = HDF5PatchDataset(args.data, 'train', cfg.batch_size, shuffle=True, seed=cfg.seed, **kw)
        key = f'hdf5_pydataset_workers{w}'
        results[key] = timed_fit(fresh_model(), dict(x=ds), cfg.batch_size, args.warmup, args.steps)
        print(key, results[key])
    if keras.backend.backend() == 'tensorflow':
        from stemsep.dataset import make_tf_dataset
        results['hdf5_tf_data'] = timed_fit(fresh_model(), dict(x=make_tf_dataset(args.data, 'train', cfg.batch_size, seed=cfg.seed)),
                                            cfg.batch_size, args.warmup, args.steps)
        print('hdf5_tf_data', results['hdf5_tf_data'])
    best_hdf5 = max(v['patches_per_s'] for k, v in results.items() if k.startswith('hdf5'))
    print(f"HDF5 input reaches {100*best_hdf5/results['memory']['patches_per_s']:.0f}% of the in-memory rate")

    curve = None
    if args.train_epochs:
        t = time.perf_counter()
        hist = train(args.data, args.model_dir, epochs=args.train_epochs, batch_size=cfg.batch_size, resume=False,
                     backend_data='pydataset', workers=max(args.workers), **{k: v for k, v in over.items() if k != 'batch_size'})
        curve = {k: [round(float(x), 5) for x in v] for k, v in hist.history.items()}
        curve['seconds'] = round(time.perf_counter() - t, 1)
        print('training:', json.dumps(curve))
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(dict(info=info, throughput=results, training=curve), indent=2))
        print('wrote', args.out)


if __name__ == '__main__':
    main()
