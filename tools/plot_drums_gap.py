"""The figure of the model card: the real drums of the demo clip beside the drums that the first built-in model and
the current one find in the mix (log-frequency spectrograms), with the energy each holds below 150 Hz (the kick).
  python tools/plot_drums_gap.py REAL_STEMS_DIR FIRST_MODEL.npz [OUT.png]
REAL_STEMS_DIR holds drums/bass/other/vocals .wav or .flac (e.g. shared/data/real/musdb_layout/The Easton Ellises - Falcon 69)."""
import sys
from pathlib import Path
import numpy as np

def main():
    if len(sys.argv) < 3: print(__doc__); sys.exit(2)
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from stemsep.audio import load_audio, stft
    from stemsep.config import StemsepConfig
    from stemsep.predict import separate_array, default_model_path
    real_dir, first = Path(sys.argv[1]), sys.argv[2]
    out = Path(sys.argv[3] if len(sys.argv) > 3 else 'nbs/images/drums_real_gap.png')
    stems = {p.stem: load_audio(p) for p in sorted(real_dir.iterdir()) if p.stem in ('drums', 'bass', 'other', 'vocals')}
    sr = stems['drums'][1]; real = {k: y.mean(0, keepdims=True) for k, (y, _) in stems.items()}
    mix = sum(real.values())
    panels = [('real drums', real['drums'])]
    for label, m in (('first built-in model (SoundFont drums only)', first), ('built-in model (with drum layers)', default_model_path())):
        panels.append((label, separate_array(str(m), None, mix, sr)['drums']))
    cfg = StemsepConfig(n_fft=2048, hop_length=512)
    f = np.fft.rfftfreq(2048, 1/sr); t = np.arange(1 + mix.shape[-1]//512)*512/sr
    ref_low = None
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 7.5), sharex=True)
    for ax, (label, y) in zip(axes, panels):
        S = np.abs(stft(y, cfg)[0])
        low = 10*np.log10(np.sum(S[f < 150]**2) + 1e-12); ref_low = low if ref_low is None else ref_low
        ax.pcolormesh(t, f[1:], 20*np.log10(S[1:] + 1e-6), vmin=-40, vmax=40, shading='auto', cmap='magma')
        ax.set_yscale('log'); ax.set_ylim(30, 16000); ax.set_ylabel('Hz')
        ax.axhline(150, color='w', lw=0.6, ls='--')
        ax.set_title(f"{label}: below 150 Hz {low - ref_low:+.1f} dB against the real drums", fontsize=10)
    axes[-1].set_xlabel('seconds')
    fig.suptitle('"Falcon 69" (The Easton Ellises, CC BY-NC-SA 3.0): drums found in the mix', fontsize=11)
    fig.tight_layout(); out.parent.mkdir(parents=True, exist_ok=True); fig.savefig(out, dpi=80); print('wrote', out)

if __name__ == '__main__': main()
