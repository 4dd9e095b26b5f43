"""Fine-tune a four-stem model with real audio whose stems are only partly known ("partial truth").

Real recordings with stems are out of reach here, but a real recording that lacks some stems still teaches something:
`../shared/data/fullmix/admiralbob77_-_Choice_-_Drum-bass` (25 s) is real drums and bass only. Mixed with the vocals
and other stems of rendered songs, it makes training examples where the vocals and other targets are exact and only the
drums/bass split is unknown: the loss then scores the sum of the drums and bass estimates against the real recording
(one group), and vocals and other on their own. Each `--partial FILE,UNTIL_S,SHARE,ABSENT` is such a recording, used
in a share SHARE of the examples; the rest are rendered songs (every stem known), remixed across songs with random
gains as `stemsep train --augment` does. `--anchor W` also pulls each member of a group towards the frozen starting
model's split of the recording heard alone. An ABSENT of `none` makes a real full mix one group of all four stems:
its sum is the mixture, so only the anchor scores it (self-distillation on real music). On a GPU, `--workers N` makes
the examples in N forked processes and `--bf16` trains in mixed precision (`bench/gpu_partial.sh`).

Only the first UNTIL_S seconds of a recording are trained on, so `bench/leak_real.py --offset` can measure on the rest
(how much of real drums+bass a model puts in vocals+other).

  python bench/partial_truth.py MODEL TRACKS_DIR --out OUT.npz [--partial FILE,UNTIL_S,SHARE,ABSENT ...]
         [--minutes 30 | --steps N] [--lr 5e-5] [--decay 0.4] [--batch 8] [--seed 1] [--threads 1] [--anchor 0]
         [--workers N] [--bf16]

TRACKS_DIR holds four-stem songs as `stemsep stems --submix drums_bass_vocals_other` writes them; MODEL is a model
file or built-in name of those stems; OUT is written with `save_model` (a model file `stemsep separate -m` takes).
A target of -(h+1) marks a stem whose estimate is summed into stem h, its group's first stem, which holds the group's
target: the loss is `PartialL1`, balanced L1 over the groups."""
import argparse, collections, itertools, os, time
from pathlib import Path
import numpy as np

DEFAULT_PARTIAL = '../shared/data/fullmix/admiralbob77_-_Choice_-_Drum-bass.hq.ogg,17,0.25,vocals+other'

def group_l1(alphas, n_channels, anchor=0.):
    import keras
    from keras import ops
    class PartialL1(keras.losses.Loss):
        """Balanced L1 over groups of stems: a stem whose target is -(h+1) is summed into stem h, which holds the group's
        target. With `anchor` > 0, y_true carries a second block of targets, the frozen teacher's split of the group's
        recording, and each member of a group of several stems is pulled towards it with that weight."""
        def __init__(self, name='partial_l1', **kw):
            super().__init__(name=name, **kw)
        def call(self, y_true, y_pred):
            n_s, f, k = len(alphas), y_true.shape[1], y_true.shape[2]
            if anchor: y_true, y_anchor = y_true[..., :n_s*n_channels], y_true[..., n_s*n_channels:]
            t = ops.reshape(ops.cast(y_true, 'float32'), (-1, f, k, n_s, n_channels))
            p = ops.reshape(ops.cast(y_pred, 'float32'), (-1, f, k, n_s, n_channels))
            t0 = t[:, 0, 0, :, 0]                                              # (batch, stems): < 0 marks a member
            head = ops.where(t0 >= 0, ops.arange(n_s, dtype='float32')[None], -t0 - 1)
            member = ops.one_hot(ops.cast(head, 'int32'), n_s)                 # (batch, stem, its group's head)
            est = ops.einsum('bfksc,bsh->bfkhc', p, member)                    # each head: its group's estimate
            err = ops.mean(ops.abs(est - t), axis=(1, 2, 4))                   # (batch, stems)
            al = ops.convert_to_tensor(alphas, 'float32')[None]
            total = ops.sum(ops.cast(t0 >= 0, 'float32')*al*err, axis=-1)
            if not anchor: return total
            size = ops.einsum('bsh,bh->bs', member, ops.sum(member, axis=1))   # members in each stem's group
            in_group = ops.cast(size > 1, 'float32')
            q = ops.reshape(ops.cast(y_anchor, 'float32'), (-1, f, k, n_s, n_channels))
            return total + anchor*ops.sum(in_group*al*ops.mean(ops.abs(p - q), axis=(1, 2, 4)), axis=-1)
    return PartialL1()

# the example maker's state, set by main() before the worker processes fork (they inherit it)
G = {}

def make_example(rng):
    "One training example: (mixture magnitudes, targets with group marks, the head stem of a real recording or None)."
    songs, partial, cfg, n, want = G['songs'], G['partial'], G['cfg'], G['n'], G['want']
    from stemsep.preprocess import magnitudes
    gain = lambda: np.float32(10**(rng.uniform(-6, 6)/20))
    def crop(y):
        o = rng.integers(0, y.shape[-1] - n + 1); return y[..., o:o + n].astype(np.float32)
    u, acc = rng.random(), 0.
    for y, share, head, present, absent in partial:
        acc += share
        if u < acc: break
    else: y = None
    if y is not None:                          # the real recording as one group, the absent stems rendered
        real = crop(y)*gain(); st = [None]*len(want)
        for s in absent: st[s] = crop(songs[rng.integers(len(songs))][s])*gain()
        tracks = np.stack([real + sum(st[s] for s in absent)] + [real if s == head else st[s] if s in absent
                                                                  else np.zeros_like(real) for s in range(len(want))])
    else:
        i = rng.integers(len(songs)); remix = rng.random() < 0.5
        st = [crop(songs[rng.integers(len(songs)) if remix else i][s])*(gain() if remix else 1) for s in range(len(want))]
        tracks = np.stack([sum(st)] + st)
    if rng.random() < 0.5: tracks = tracks[:, ::-1]                 # swap the channels
    mag = magnitudes(np.ascontiguousarray(tracks)[None], cfg)[0]     # (frames, bins, 5*channels)
    x, t = mag[..., :cfg.n_channels], mag[..., cfg.n_channels:].copy()
    if y is not None:
        for s in present:
            if s != head: t[..., s*cfg.n_channels:(s + 1)*cfg.n_channels] = -(head + 1.)   # joins head's group
    return x, t, (head if y is not None else None)

def make_batch(key):
    "A batch from its own random stream (seed, batch number): the same batches whichever worker makes them."
    rng = np.random.default_rng(key)
    xs, ts, heads = zip(*(make_example(rng) for _ in range(G['batch'])))
    return np.stack(xs).astype(np.float16), np.stack(ts).astype(np.float16), heads

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model'); ap.add_argument('tracks')
    ap.add_argument('--out', required=True)
    ap.add_argument('--partial', action='append', metavar='FILE,UNTIL_S,SHARE,ABSENT',
                    help="a real recording lacking the stems ABSENT ('+'-joined; 'none': a full mix, all four stems one group, "
                         "which only --anchor scores), its first UNTIL_S seconds, in a share SHARE of the examples; repeat for "
                         "more; default: " + DEFAULT_PARTIAL + "; SHARE 0: the control")
    ap.add_argument('--minutes', type=float, default=30.)
    ap.add_argument('--lr', type=float, default=5e-5, help='learning rate; a tenth of it for the last --decay share of the time')
    ap.add_argument('--decay', type=float, default=0.4)
    ap.add_argument('--steps', type=int, default=0, help='stop after this many steps instead (the decay then counts steps)')
    ap.add_argument('--batch', type=int, default=8); ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--workers', type=int, default=0, help='processes making the examples (0: the training process, '
                    '~30 ms an example); use on a GPU, where one Python thread cannot feed it')
    ap.add_argument('--bf16', action='store_true', help='mixed bfloat16 precision (a GPU); the model is saved in float32')
    ap.add_argument('--anchor', type=float, default=0., help="weight of the starting model's own split of a real recording "
                    "among its group's stems (self-distillation); 0: that split is free")
    a = ap.parse_args()
    os.environ.setdefault('TF_NUM_INTRAOP_THREADS', str(a.threads)); os.environ.setdefault('TF_NUM_INTEROP_THREADS', '1')
    import keras
    from stemsep.predict import load_separator, resolve_model
    from stemsep.model import save_model, read_model_info, build_model
    from stemsep.preprocess import find_songs, load_song
    from stemsep.audio import load_audio
    cfg, _ = read_model_info(resolve_model(a.model))     # no model built yet: the workers fork before the GPU is touched
    want = ('drums', 'bass', 'vocals', 'other')
    if tuple(cfg.stems) != want: raise SystemExit(f"{a.model}: stems {cfg.stems}, expected {want}")
    n = cfg.segment_frames*cfg.hop_length
    songs = [y.astype(np.float16) for s in find_songs(a.tracks, cfg)          # (stems, ch, n) each; float16 halves RAM
             for y in [load_song(s, cfg, allow_silent=True)[1]] if y.shape[-1] >= n]
    partial = []                                   # (audio, share, head stem, present stems, absent stems)
    for spec in a.partial or [DEFAULT_PARTIAL]:
        path, until, share, absent = spec.split(',')
        absent = [] if absent == 'none' else [cfg.stems.index(x) for x in absent.split('+')]
        present = [i for i in range(len(cfg.stems)) if i not in absent]
        y = load_audio(path, sr=cfg.sr, n_channels=cfg.n_channels)[0][:, :int(float(until)*cfg.sr)]
        partial.append((y, float(share), present[0], present, absent))
        print(f"{Path(path).name}: first {y.shape[-1]/cfg.sr:.1f} s in {float(share):.0%} of the examples; its stems "
              f"{'+'.join(cfg.stems[i] for i in present)} as one group, {'+'.join(cfg.stems[i] for i in absent) or 'none'} rendered", flush=True)
    print(f"{len(songs)} rendered songs", flush=True)
    G.update(songs=songs, partial=partial, cfg=cfg, n=n, want=want, batch=a.batch)
    pool = None
    if a.workers:
        import multiprocessing as mp
        pool = mp.get_context('fork').Pool(a.workers)
    model = load_separator(a.model)[0]
    if a.bf16:                                     # the same weights in a mixed-precision copy
        mixed = build_model(cfg, dtype='mixed_bfloat16'); mixed.set_weights(model.get_weights()); model = mixed
    teacher = load_separator(a.model)[0] if a.anchor else None    # the starting weights, frozen
    C = cfg.n_channels
    def raw_batches():
        if pool is None:
            for i in itertools.count(): yield make_batch((a.seed, i))
        ahead = collections.deque(pool.apply_async(make_batch, ((a.seed, i),)) for i in range(2*a.workers))
        for i in itertools.count(2*a.workers):     # a bounded queue: at most 2 batches per worker ahead
            try: r = ahead.popleft().get(); ahead.append(pool.apply_async(make_batch, ((a.seed, i),)))
            except ValueError: return              # the pool was closed after training: a prefetch ends quietly
            yield r
    def batches():
        for x, t, heads in raw_batches():
            x, t = x.astype(np.float32), t.astype(np.float32)
            if teacher is not None:                # its split of each real recording heard alone (the head's target)
                q = np.zeros_like(t); idx = [i for i, h in enumerate(heads) if h is not None]
                if idx:                            # one batch shape, so a compiled call is reused
                    alone = np.stack([t[i, ..., (h or 0)*C:((h or 0) + 1)*C] if h is not None else x[i] for i, h in enumerate(heads)])
                    out = np.asarray(teacher.predict_on_batch(alone))
                    q[idx] = out[idx]
                t = np.concatenate([t, q], -1)
            yield x, t
    model.compile(optimizer=keras.optimizers.Adam(a.lr), loss=group_l1(tuple(cfg.loss_weights), cfg.n_channels, a.anchor))
    t0, steps = time.perf_counter(), 0
    class Budget(keras.callbacks.Callback):
        decayed = False
        def on_train_batch_end(self, batch, logs=None):
            nonlocal steps
            steps += 1; t = time.perf_counter() - t0
            done = steps/a.steps if a.steps else t/(a.minutes*60)          # share of the run behind us
            if done >= 1: self.model.stop_training = True
            elif done > 1 - a.decay and not self.decayed:
                self.model.optimizer.learning_rate.assign(a.lr/10); self.decayed = True
        def on_epoch_end(self, epoch, logs=None):
            print(f"epoch {epoch + 1}: loss {logs['loss']:.5f}, {time.perf_counter() - t0:.0f} s", flush=True)
    model.fit(batches(), steps_per_epoch=25, epochs=10_000, verbose=0, callbacks=[Budget()])
    print(f"trained {steps} steps ({steps*a.batch} examples) in {time.perf_counter() - t0:.0f} s", flush=True)
    if pool is not None: pool.terminate()
    save_model(model, cfg, a.out, extra={'partial_truth': dict(partial=a.partial or [DEFAULT_PARTIAL], lr=a.lr, bf16=a.bf16, anchor=a.anchor, decay=a.decay, minutes=a.minutes, steps=steps, batch=a.batch, seed=a.seed, tracks=str(a.tracks))})
    print(f"wrote {a.out}")

if __name__ == '__main__': main()
