#!/usr/bin/env bash
# bench/partial_truth.py at GPU scale (issue 16): renders four-stem songs in the shipped four_stems recipe (TimGM6mb,
# GM + AVL kits, drum layers 0.7, kick-alone 0.3, formant singer in 85 % of the songs), then fine-tunes the weights
# $WEIGHTS with each run of $RUNS side by side on the one GPU, then scores each on the real clip (quick SDR) and on
# the held-out tails of the partial-truth recordings (bench/leak_real.py), and brings the float16 weights back in parts
# (cat P1.npz.part* > P1.npz). A run is PT_<NAME>: the partial_truth.py options after MODEL TRACKS --out, e.g.
#   PT_P1="--anchor 0.5 --partial gpu_carry/fullmix/admiralbob77_-_Choice_-_Drum-bass.hq.ogg,17,0.2,vocals+other"
# Carry .whl and gpu_carry (NO_SINGERS=1 bash bench/gpu_carry.sh blackpearl, then the fullmix recordings copied into
# gpu_carry/fullmix/), with the four_stems weights in place of drums_accompaniment's file and the other two emptied:
#   cp stemsep/assets/four_stems/model.npz stemsep/assets/drums_accompaniment/model.npz
#   : > stemsep/assets/drums_accompaniment_v1/model.npz; : > stemsep/assets/four_stems/model.npz  (git checkout stemsep/assets after)
#   RUNS="P1 P2" PT_P1=... PT_P2=... DEADLINE=560 bash bench/gpu_partial.sh
set -u
N_MIDI=${N_MIDI:-200}; N_COMP=${N_COMP:-80}; SECS=${SECS:-20}; DEADLINE=${DEADLINE:-560}; SEED=${SEED:-801}
WEIGHTS=${WEIGHTS:-stemsep/assets/drums_accompaniment/model.npz}; RUNS=${RUNS:-P1 P2}; TAIL_S=${TAIL_S:-60}
OUT=${OUT:-/tmp/out}; STATE=${STATE:-$PWD/.gpu_state}; mkdir -p $STATE $OUT
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt
mkdir -p $STATE/debs; for x in gpu_carry/*.sf2.xz; do [ -f "$x" ] && xz -dc $x > $STATE/debs/$(basename ${x%.xz}); done
AVL=$(ls $STATE/debs/*.sf2 2>/dev/null | tr '\n' ' '); unpack_midi $STATE
stamp "kits: GM=$GM AVL=[$AVL]; weights $WEIGHTS; runs $RUNS"
W=14; d=$STATE/songs
for src in midi comp; do
  if [ $src = midi ]; then a="--songs $N_MIDI --midi $MIDI_DIR --seed $SEED"; else a="--songs $N_COMP --seed $((SEED+1000))"; fi
  $S synth $d/synth_$src $a --seconds $SECS --soundfont $GM --workers $W --channels 2 --drum-layers 0.7 --kick-alone 0.3 \
    --drumkits $GM $AVL --vocals 0.85 --singer formant >> $d.log 2>&1
  $S stems $d/synth_$src --submix drums_bass_vocals_other --out $d/tracks/$src --workers $W >> $d.log 2>&1; rm -rf $d/synth_$src
done
stamp "songs: $(ls $d/tracks/* | grep -c Track) ($(tail -1 $d.log))"
NR=$(echo $RUNS | wc -w); export XLA_PYTHON_CLIENT_MEM_FRACTION=$(python3 -c "print(round(0.9/$NR, 2))")
MIN=$(python3 -c "print(round(($DEADLINE - $TAIL_S - $(( $(date +%s) - t0 )) - 60)/60, 2))")   # ~60 s of loading and compiling
stamp "training $RUNS for $MIN min each"
for r in $RUNS; do v=PT_$r
  python3 bench/partial_truth.py $WEIGHTS $d/tracks --out $STATE/$r.npz --minutes $MIN --batch 16 --bf16 --workers $(( 14/NR )) \
    --seed $SEED ${!v} > $STATE/train_$r.log 2>&1 &
done; wait
stamp "trained: $(for r in $RUNS; do echo -n "$r: $(grep -E '^trained|Error' $STATE/train_$r.log | tail -1); "; done)"
export XLA_PYTHON_CLIENT_MEM_FRACTION=0.3
M=$(for r in $RUNS; do [ -f $STATE/$r.npz ] && echo -n "$STATE/$r.npz "; done)
python3 bench/quick_real_sdr.py $WEIGHTS $M --real gpu_carry/real 2>&1 | grep -E "songs\)|Error" | tee -a $STAMPS
python3 bench/leak_real.py $WEIGHTS $M --audio gpu_carry/fullmix/admiralbob77_-_Choice_-_Drum-bass.hq.ogg --offset 17 2>&1 | grep absent | tee -a $STAMPS
python3 bench/leak_real.py $WEIGHTS $M --audio gpu_carry/fullmix/Kevin_MacLeod_-_Vibe_Ace.hq.ogg --absent vocals --offset 45 2>&1 | grep absent | tee -a $STAMPS
mkdir -p $OUT/small; for r in $RUNS; do cp $STATE/train_$r.log $OUT/small/; done; cp $STAMPS $d.log $OUT/small/
tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
python3 bench/export_parts.py $OUT $(for r in $RUNS; do echo -n "$r=$STATE/$r.npz "; done)
ls -la $OUT; stamp done
