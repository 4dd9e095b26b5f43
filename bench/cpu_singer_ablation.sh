#!/usr/bin/env bash
# Issue 16, on the 2-core CPU box (no GPU time left): does the speech singer teach a model more about real vocals than
# the formant singer? Two vocals/accompaniment models, each fine-tuned for the same minutes from the built-in model
# (made mono, its accompaniment output copied to `vocals`, bench/init_stems.py) on the same songs (same MIDI excerpts,
# SoundFonts, drum layers and seeds): only the singer differs. Scored with `stemsep evaluate` (BSSEval v4, with the
# REPET-SIM baseline and the oracle) on the real clip (mono Slakh layout) and on held-out songs of each singer rendered
# from a different MIDI set (tegridy_tiny_karaoke).
#   bash bench/cpu_singer_ablation.sh [WORK_DIR]        (MINUTES=20 of training each, both at once; ~1 h in all)
set -eu   # a song that fails to render is reported by synth and left out (exit 1): the rest go on
W=${1:-/tmp/singer_ablation}; MINUTES=${MINUTES:-20}; N_MIDI=${N_MIDI:-56}; N_COMP=${N_COMP:-24}; SECS=${SECS:-20}
REPO=$(cd "$(dirname "$0")/.." && pwd); DATA=$REPO/../shared/data; S="python -m stemsep"; mkdir -p $W; cd $W
for v in speech formant; do (
  [ -d tracks_$v ] || {
    $S synth sy_$v/midi --songs $N_MIDI --seconds $SECS --midi $DATA/midi/tegridy_select --vocals 1 --singer $v --drum-layers 0.7 --seed 71 --workers 1 || true
    $S synth sy_$v/comp --songs $N_COMP --seconds $SECS --vocals 1 --singer $v --drum-layers 0.7 --seed 1071 --workers 1 || true
    for src in midi comp; do $S stems sy_$v/$src --submix vocals_accompaniment --out tracks_$v/$src --workers 1; done; }
  [ -d test_$v ] || { $S synth sy_test_$v --songs 6 --seconds 20 --midi $DATA/midi/tegridy_tiny_karaoke --vocals 1 --singer $v \
                        --drum-layers 0.7 --seed 4242 --workers 1 || true
                      $S stems sy_test_$v --submix vocals_accompaniment --out test_$v --workers 1; }
  ) > log_$v.txt 2>&1 &
done; wait
[ -f init_va.npz ] || python $REPO/bench/init_stems.py $REPO/stemsep/assets/drums_accompaniment/model.npz init_va.npz --channels 1 \
  vocals=accompaniment accompaniment=accompaniment
for v in speech formant; do
  [ -f data_$v.h5 ] || $S preprocess tracks_$v --out data_$v.h5 --config init_va.json --workers 1 --allow-silent --val-fraction 0.1 >> log_$v.txt 2>&1 &
done; wait
for v in speech formant; do
  [ -f m_$v/model.weights.h5 ] || $S train data_$v.h5 --model-dir m_$v --init init_va.npz --epochs 500 --batch-size 8 --augment --data-backend memory --workers 1 \
    --patience 0 --no-resume --seed 3 --lr 0.0003 --max-minutes $MINUTES --arch spleeter --output mask --depth 6 --base-filters 16 \
    > train_$v.log 2>&1 &
done; wait
[ -d real_va ] || $S stems $DATA/real/slakh_layout_Track_real_0002 --submix vocals_accompaniment --out real_va
for v in speech formant; do
  for t in real_va test_speech test_formant; do $S evaluate $t --model m_$v -o eval_${v}_on_$t > eval_${v}_on_$t.txt 2>&1 || true; done
done
for v in speech formant; do echo "== model trained with the $v singer"; tail -3 m_$v/training_log.csv
  for t in real_va test_speech test_formant; do echo "-- on $t"; grep -E "^\| (vocals|accompaniment) " eval_${v}_on_$t.txt || tail -5 eval_${v}_on_$t.txt; done; done
