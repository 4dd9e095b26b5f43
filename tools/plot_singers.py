"""Spectrograms of the real singer of the shared clip beside the two synthetic singers of `stemsep synth --vocals`
(the same tune for both), for the voices chapter and the model card: nbs/images/singers.png.
    python tools/plot_singers.py [--out nbs/images/singers.png]"""
import argparse
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default='nbs/images/singers.png'); a = ap.parse_args()
    import librosa, librosa.display, matplotlib, soundfile as sf
    matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from stemsep.composer import compose_song
    from stemsep.voices import melody_notes, sing, sing_speech
    sr, seconds = 44100, 6.0
    real, r = sf.read(Path(__file__).parents[1]/'../shared/data/real/musdb_layout/The Easton Ellises - Falcon 69/vocals.wav')
    real = librosa.resample(real.mean(axis=1), orig_sr=r, target_sr=sr)[:int(seconds*sr)]
    _, line = melody_notes(compose_song(20, np.random.default_rng(1))[0])
    t0 = line[0][0]; line = [(s - t0 + 0.2, e - t0 + 0.2, p) for s, e, p in line if s - t0 + 0.2 < seconds]
    speech, d1 = sing_speech(line, int(seconds*sr), sr, np.random.default_rng(3))
    formant, d2 = sing(line, int(seconds*sr), sr, np.random.default_rng(3))
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True)
    for ax, y, title in zip(axes, (real, speech, formant),
                            ('real singer (Falcon 69, MUSDB18 vocals stem)', f"speech singer: eSpeak NG + WORLD ({d1['voice']}: \"{' '.join(d1['lyrics'].split()[:6])} ...\")",
                             'formant singer (vowels, no words)')):
        S = librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft=2048, hop_length=256)), ref=np.max)
        librosa.display.specshow(S, sr=sr, hop_length=256, y_axis='log', x_axis='s', ax=ax, vmin=-70, cmap='magma')
        ax.set_title(title, fontsize=10); ax.set_ylim(50, 16000)
    fig.tight_layout(); fig.savefig(a.out, dpi=60); print(a.out)

if __name__ == '__main__': main()
