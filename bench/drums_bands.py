"""Where a model's drums go wrong on the real clip, by frequency band.

    python bench/drums_bands.py MODEL [MODEL ...]     # built-in names or model files

For each band: the share of the true drums' energy in it, the plain SNR of the drums estimate there, and the energy
of the estimate over that of the truth (below 1: the model gives that band's drums to the other stems)."""
import sys
from pathlib import Path
import numpy as np
from stemsep.audio import load_audio
from stemsep.predict import separate_array

CLIP = Path(__file__).resolve().parents[2]/'shared'/'data'/'real'/'musdb_layout'/'The Easton Ellises - Falcon 69'
BANDS = [(0, 150), (150, 500), (500, 2000), (2000, 5000), (5000, 11000), (11000, 22050)]

stems = {k: load_audio(CLIP/f'{k}.wav', sr=44100)[0] for k in ('drums', 'bass', 'other', 'vocals')}
mix, ref = sum(stems.values()), stems['drums']
freqs = np.fft.rfftfreq(mix.shape[-1], 1/44100)
R = np.fft.rfft(ref, axis=-1)
for name in sys.argv[1:]:
    est = separate_array(name, None, mix, 44100)['drums']
    E = np.fft.rfft(est, axis=-1)
    print(f"{name}: drums SNR {10*np.log10((ref**2).sum()/((ref - est)**2).sum()):.2f} dB")
    for lo, hi in BANDS:
        m = (freqs >= lo) & (freqs < hi); r, e = R[:, m], E[:, m]
        share = (np.abs(r)**2).sum()/(np.abs(R)**2).sum()
        snr = 10*np.log10((np.abs(r)**2).sum()/(np.abs(r - e)**2).sum())
        print(f"  {lo:5d}-{hi:5d} Hz: {100*share:5.1f} % of the drums, SNR {snr:6.2f} dB, estimate/true energy {(np.abs(e)**2).sum()/(np.abs(r)**2).sum():5.2f}")
