#!/usr/bin/env bash
# Issues 15 and 16, after gpu_kits.sh: the built-in models on the winning drum kits, two trainings side by side on one
# GPU, both started from the shipped model ($INIT):
#  - da  : drums / accompaniment, fine-tuned on new songs (seed $SEED) with the kits $KITS and drum layers, no singer;
#  - four: drums / bass / vocals / other (preset drums_bass_vocals_other), from the shipped model widened by
#          bench/init_stems.py (body shared; the accompaniment output copied to bass, vocals and other), on songs with
#          the same kits, drum layers and the synthetic singer (--vocals $VOCALS).
# Scored here with bench/quick_real_sdr.py on the real clip and held-out rendered songs; float16 weights come back.
# Run from the folder that holds stemsep/, bench/, .whl/ and gpu_carry/ (see gpu_kits.sh).
set -u
N_MIDI=${N_MIDI:-200}; N_COMP=${N_COMP:-80}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-550}; SEED=${SEED:-92}
BATCH=${BATCH:-16}; LR=${LR:-0.0005}; N_TEST=${N_TEST:-8}; SCORE_S=${SCORE_S:-75}; VOCALS=${VOCALS:-0.7}; KITS=${KITS:-GM AVL}
INIT=${INIT-../stemsep/assets/drums_accompaniment/model.npz}
ARCH=${ARCH:---arch spleeter --output mask --depth 6 --base-filters 16}
OUT=${OUT:-/tmp/out}; STATE=${STATE:-/tmp/state}; mkdir -p $STATE $OUT
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt
mkdir -p $STATE/debs; for d in gpu_carry/*.deb; do [ -f "$d" ] && dpkg -x "$d" $STATE/debs; done
GM=${SF%% *}; AVL=$(ls $STATE/debs/usr/share/sounds/sf2/*.sf2 2>/dev/null | tr '\n' ' '); H2=gpu_carry/h2
expand(){ for w in "$@"; do case $w in GM) echo -n "$GM ";; AVL) echo -n "$AVL ";; H2) echo -n "$H2 ";; *) echo -n "$w ";; esac; done; }
K=$(expand $KITS); stamp "drum kits: $K"
unpack_midi $STATE
# render D W SUBMIX STEMS SYNTH-FLAGS...: songs, stems of SUBMIX, patches of STEMS -> D/data.h5
render(){
  local d=$1 w=$2 sub=$3 st=$4; shift 4; mkdir -p $d
  $S synth $d/synth_midi --songs $N_MIDI --seconds $SECS --midi $MIDI_DIR --soundfont $SF --workers $w --seed $SEED "$@" > $d.log 2>&1
  $S synth $d/synth_comp --songs $N_COMP --seconds $SECS --soundfont $SF --workers $w --seed $((SEED+1000)) "$@" >> $d.log 2>&1
  for src in midi comp; do $S stems $d/synth_$src --submix $sub --out $d/tracks/$src --workers $w >> $d.log 2>&1; done
  $S preprocess $d/tracks --out $d/data.h5 --workers $w --allow-silent --val-fraction 0.08 --stems $st >> $d.log 2>&1
  stamp "data $(basename $d): $(tail -1 $d.log)"
}
if [ $N_TEST -gt 0 ]; then      # the same held-out songs as gpu_kits.sh (seed 4242), and four-stem ones with a singer
  test_set $STATE/test_gm 1 --drumkits same & test_set $STATE/test_kits 1 $(expand --drumkits GM AVL H2) &
  ( d=$STATE/test_four; $S synth $d/synth --songs $N_TEST --seconds 20 --midi $MIDI_DIR --soundfont $SF --workers 2 --seed 4242 \
      --vocals 1 $(expand --drumkits GM AVL H2) > $d.log 2>&1
    $S stems $d/synth --submix drums_bass_vocals_other --out $STATE/tests4/test_four --workers 2 >> $d.log 2>&1; stamp "test set four: $(tail -1 $d.log)" ) &
fi
python3 bench/init_stems.py $INIT $STATE/init_four.npz drums=drums bass=accompaniment vocals=accompaniment other=accompaniment 2>&1 | tail -1
render $STATE/da 7 drums_accompaniment drums,accompaniment --drum-layers 0.7 --drumkits $K &
render $STATE/four 7 drums_bass_vocals_other drums,bass,vocals,other --drum-layers 0.7 --vocals $VOCALS --drumkits $K &
wait
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - SCORE_S )); MIN=$(python3 -c "print(($TRAIN_S-40)/60)")
stamp "training da and four for $TRAIN_S s each"
export XLA_PYTHON_CLIENT_MEM_FRACTION=0.45
for v in da four; do
  i=$INIT; [ $v = four ] && i=$STATE/init_four.npz
  timeout -k 20 -s INT $TRAIN_S $S train $STATE/$v/data.h5 --model-dir $STATE/models/$v --epochs 200 --batch-size $BATCH \
    --augment --data-backend memory --workers 6 --patience 0 --no-resume --seed 3 ${i:+--init $i} --lr $LR \
    --max-minutes $MIN $ARCH > $STATE/train_$v.log 2>&1 &
done; wait
stamp "trained"
mkdir -p $OUT/small
export XLA_PYTHON_CLIENT_MEM_FRACTION=0.3
T2=$(ls -d $STATE/tests/* 2>/dev/null | tr '\n' ' '); T4=$(ls -d $STATE/tests4/* 2>/dev/null | tr '\n' ' ')
python3 bench/quick_real_sdr.py $STATE/models/da/model.weights.h5 --real gpu_carry/real ${T2:+--tracks $T2} --json $OUT/small/quick_da.json > $OUT/small/quick_da.txt 2>&1 &
python3 bench/quick_real_sdr.py $STATE/models/four/model.weights.h5 --real gpu_carry/real ${T4:+--tracks $T4} --json $OUT/small/quick_four.json > $OUT/small/quick_four.txt 2>&1 &
python3 bench/quick_real_sdr.py $STATE/init_four.npz --real gpu_carry/real ${T4:+--tracks $T4} --json $OUT/small/quick_init_four.json > $OUT/small/quick_init_four.txt 2>&1 &
wait
for v in da four init_four; do grep -v Warning $OUT/small/quick_$v.txt | grep -E "songs\)|Error" | sed "s|^[^ ]*|$v|" | tee -a $STAMPS; done
for v in da four; do
  tr '\r' '\n' < $STATE/train_$v.log | grep -E "^epoch .*val_loss|Error" | tail -2 | sed "s|^|$v |" | tee -a $STAMPS
  for f in training_log.csv config.json training_curves.png; do cp $STATE/models/$v/$f $OUT/small/${v}_$f 2>/dev/null; done
  tr '\r' '\n' < $STATE/train_$v.log | grep -v "^\s*$" | tail -30 > $OUT/small/train_$v.log; tail -3 $STATE/$v.log > $OUT/small/data_$v.log
done
python3 bench/export_parts.py $OUT da=$STATE/models/da/model.weights.h5 four=$STATE/models/four/model.weights.h5
cp $STAMPS $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
