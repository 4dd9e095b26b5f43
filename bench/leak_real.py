"""Where a model puts the sound of a real recording that lacks some of its stems: the share of the mixture's energy
that each output track takes, in dB (10*log10 of the track's energy over the sum of all tracks' energies). The shared
data's `admiralbob77_-_Choice_-_Drum-bass` (25 s, real drums and bass only) has no vocals and no other instruments, so
for a four-stem model every dB that its vocals and other tracks take is interference, measured on real audio (the
shared real clip with stems is 6 s long; this is a second real check, of interference only).
  python bench/leak_real.py MODEL [MODEL ...] [--audio FILE] [--absent vocals,other] [--offset S]"""
import argparse
from pathlib import Path
import numpy as np

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('models', nargs='+')
    ap.add_argument('--audio', default='../shared/data/fullmix/admiralbob77_-_Choice_-_Drum-bass.hq.ogg')
    ap.add_argument('--absent', default='vocals,other', help='the stems the recording lacks (their summed share is printed)')
    ap.add_argument('--offset', type=float, default=0., help='start this many seconds in (bench/partial_truth.py trains on the first 17 s)')
    a = ap.parse_args()
    from stemsep.audio import load_audio
    from stemsep.predict import separate_array, load_separator
    absent = a.absent.split(',')
    decoded = {}                                   # one decode per sample rate and channel count
    for m in a.models:
        model, cfg = load_separator(m)
        if (cfg.sr, cfg.n_channels) not in decoded:
            decoded[cfg.sr, cfg.n_channels] = load_audio(a.audio, sr=cfg.sr, n_channels=cfg.n_channels, offset_s=a.offset)[0]
        y = decoded[cfg.sr, cfg.n_channels]
        est = separate_array(model, cfg, y, cfg.sr)
        e = {s: float(np.sum(np.asarray(est[s], np.float64)**2)) for s in cfg.stems}
        tot = sum(e.values()) + 1e-12
        gone = [s for s in absent if s in e]
        share = '  '.join(f"{s} {10*np.log10(v/tot + 1e-12):6.2f}" for s, v in e.items())
        lost = 10*np.log10(sum(e[s] for s in gone)/tot + 1e-12) if gone else float('nan')
        print(f"{m}: {share}  | absent ({'+'.join(gone) or '-'}): {lost:.2f} dB", flush=True)

if __name__ == '__main__': main()
