"""The batched separation engine (issue 17) gives the stems the engine before it gave, on the real clip.

The engine before issue 17 is kept here, condensed, as the reference: each channel of a stereo song through the
mono model one after the other, batches of 8 through `model.predict_on_batch`, half-overlapping patches joined by
a Hann-weighted overlap-add, numpy STFT/ISTFT (the ISTFT a loop over frames), masks in the (bins, frames) layout.
The new engine must give the same stems with the same settings (join 'overlap', overlap 0.5), and with its
defaults (back-to-back patches, chosen in bench/results/speed.md) no less SDR against the clip's true stems (0.05 dB
slack; BSSEval v4, as `stemsep evaluate` reports it). The comparison runs the
rendered-data stereo model `drums_accompaniment_rendered` (the reference takes both channels as input channels, as
the model does; until 2026-12-08 it ran the mono `drums_accompaniment_v1`, since dropped). On it the defaults score
0.27 dB more drums than the engine before (6.69 against 6.42), so the test asks that they lose nothing."""
from pathlib import Path
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIP = next((p/'shared'/'data'/'real'/'musdb_layout'/'The Easton Ellises - Falcon 69'
             for p in [ROOT, *ROOT.parents, Path('/work')] if (p/'shared'/'data').is_dir()), None)
pytestmark = [pytest.mark.shared,      # needs ../shared: run by .ci/run's shared-data step, not by README command 2
              pytest.mark.skipif(CLIP is None or not CLIP.is_dir(), reason='the real clip (../shared/data/real) is not here')]


def reference_separate(model, cfg, y):
    "The engine before issue 17 on one block (the clip is shorter than a block): (stems, channels, samples)."
    from stemsep.audio import _hann
    n_fft, hop, T = cfg.n_fft, cfg.hop_length, cfg.segment_frames
    yp = np.pad(y, ((0, 0), (n_fft//2, n_fft//2)))
    n_frames = 1 + y.shape[-1]//hop
    frames = np.stack([yp[:, t*hop:t*hop + n_fft] for t in range(n_frames)], 1)*_hann(n_fft)
    spec = np.fft.rfft(frames, axis=-1).transpose(0, 2, 1).astype(np.complex64)        # (channels, n_freq, frames)
    mag = np.abs(spec[:, :cfg.n_bins]).astype(np.float32)
    est = np.zeros((cfg.n_stems, y.shape[0], cfg.n_bins, n_frames), np.float32)
    ph = T//2; n_patches = -(-n_frames//ph) + 1; total = (n_patches - 1)*ph + T
    w = (0.5 - 0.5*np.cos(2*np.pi*np.arange(T)/T)).astype(np.float32) + 1e-3
    k = cfg.n_channels                  # a mono model takes one channel after the other, a stereo one both at once
    for c in range(0, y.shape[0], k):
        padded = np.zeros((total, cfg.n_bins, k), np.float32); padded[ph:ph + n_frames] = mag[c:c + k].transpose(2, 1, 0)
        out = np.zeros((total, cfg.n_bins, cfg.n_stems*k), np.float32); wsum = np.zeros(total, np.float32)
        for first in range(0, n_patches, 8):
            starts = [j*ph for j in range(first, min(n_patches, first + 8))]
            pred = np.asarray(model.predict_on_batch(np.stack([padded[s:s + T] for s in starts])), np.float32)
            for s, p in zip(starts, pred): out[s:s + T] += p*w[:, None, None]; wsum[s:s + T] += w
        joined = out[ph:ph + n_frames]/wsum[ph:ph + n_frames, None, None]          # (frames, bins, stems*k), stem-major
        est[:, c:c + k] = joined.reshape(n_frames, cfg.n_bins, cfg.n_stems, k).transpose(2, 3, 1, 0)
    e = np.maximum(est, 0); masks = (e + 1e-12)/(e.sum(0, keepdims=True) + cfg.n_stems*1e-12)
    top = masks[:, :, -max(1, cfg.n_bins//16):].mean(axis=2, keepdims=True)
    masks = np.concatenate([masks, np.broadcast_to(top, masks.shape[:2] + (spec.shape[1] - cfg.n_bins, n_frames))], axis=2)
    specs = masks*spec[None]
    frames = np.fft.irfft(specs.transpose(0, 1, 3, 2), n=n_fft, axis=-1).astype(np.float32)*_hann(n_fft)
    out = np.zeros(specs.shape[:2] + (n_fft + hop*(n_frames - 1),), np.float32); wsum = np.zeros(out.shape[-1], np.float32)
    for t in range(n_frames):
        out[..., t*hop:t*hop + n_fft] += frames[:, :, t]; wsum[t*hop:t*hop + n_fft] += _hann(n_fft)**2
    out /= np.where(wsum > 1e-8, wsum, 1.)
    return out[..., n_fft//2:n_fft//2 + y.shape[-1]]


@pytest.fixture(scope='module')
def clip():
    from stemsep.predict import load_separator
    from stemsep.evaluate import load_song
    model, cfg = load_separator('drums_accompaniment_rendered')
    mix, refs = load_song(CLIP, cfg)                          # mixture = the sum of the clip's stems
    return model, cfg, mix, refs


def snr_db(ref, est): return 10*np.log10(np.sum(ref**2)/max(np.sum((ref - est)**2), 1e-30))


def test_same_settings_same_stems(clip):
    "join 'overlap', overlap 0.5: the settings of the engine before; the stems agree to float32 rounding."
    from stemsep.predict import separate_array
    model, cfg, mix, _ = clip
    old = reference_separate(model, cfg, mix)
    new = separate_array(model, cfg, mix, cfg.sr, join='overlap', overlap=0.5)
    for s, name in enumerate(cfg.stems): assert snr_db(old[s], new[name]) > 80, name


def test_defaults_same_sdr(clip):
    "The new defaults (back-to-back patches) score no less SDR on the real clip than the engine before (0.05 dB slack)."
    from stemsep.predict import separate_array
    from stemsep.evaluate import score_stems
    model, cfg, mix, refs = clip
    old = score_stems(refs, reference_separate(model, cfg, mix), cfg.sr, cfg.stems)
    est = separate_array(model, cfg, mix, cfg.sr)
    new = score_stems(refs, np.stack([est[s] for s in cfg.stems]), cfg.sr, cfg.stems)
    for s in cfg.stems: assert new[s]['SDR'] >= old[s]['SDR'] - 0.05, (s, old[s]['SDR'], new[s]['SDR'])
