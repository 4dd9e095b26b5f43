#!/usr/bin/env bash
# How much a model depends on the melodic SoundFont it heard in training: the same held-out songs (seed 4242, the same
# MIDI excerpts, GM drum kits, drum layers and formant singer) rendered twice, once with TimGM6mb's instruments (what
# the built-in models were trained on) and once with FluidR3 Mono's (Debian fluidr3mono-gm-soundfont, fetched here with
# apt-get download), then every model scored on both with `stemsep evaluate` (BSSEval v4). CPU, ~9 minutes for two
# models on 16 songs x 20 s.
#   bash bench/timbre_gap.sh [MODEL ...]      (default: drums_accompaniment four_stems; SONGS=16; WORK=/tmp/timbre_gap)
set -eu
top=$(git rev-parse --show-toplevel); cd "$top"
WORK=${WORK:-/tmp/timbre_gap}; SONGS=${SONGS:-16}; MODELS=${*:-drums_accompaniment four_stems}
mkdir -p $WORK
TIM=$(python3 -c 'import importlib.util,os;print(os.path.join(os.path.dirname(importlib.util.find_spec("pretty_midi").origin),"TimGM6mb.sf2"))')
FL=$WORK/x/usr/share/fluidr3mono-gm-soundfont/FluidR3Mono_GM.sf3
[ -f $FL ] || (cd $WORK && apt-get download -q fluidr3mono-gm-soundfont >/dev/null && dpkg -x fluidr3mono*.deb x)
for v in tim fl; do
  f=$([ $v = tim ] && echo $TIM || echo $FL)
  stemsep synth $WORK/$v/synth --songs $SONGS --seconds 20 --midi ../shared/data/midi/tegridy_select --soundfont $f \
    --drumkits $TIM --workers 2 --seed 4242 --vocals 1 --singer formant --drum-layers 0.7 | tail -1
  stemsep stems $WORK/$v/synth --submix drums_bass_vocals_other --out $WORK/$v/four | tail -1
  stemsep stems $WORK/$v/synth --submix drums_accompaniment --out $WORK/$v/da | tail -1
done
for m in $MODELS; do for v in tim fl; do
  d=$(python3 -c "from stemsep.predict import load_separator; print('four' if len(load_separator('$m')[1].stems) == 4 else 'da')" 2>/dev/null)
  echo "== $m on songs with $([ $v = tim ] && echo TimGM6mb || echo 'FluidR3 Mono') instruments"
  stemsep evaluate $WORK/$v/$d -m $m --max-seconds 20 -o $WORK/ev_$(basename $m .npz)_$v --force 2>/dev/null | sed -n '/^| track | method/,/^$/p'
done; done
