#!/usr/bin/env bash
# Issue 15: what sampled drum kits buy. Trainings side by side on one GPU, all fine-tuned from the shipped model ($INIT)
# for the same time on songs rendered with the same seeds, drum layers on (--drum-layers 0.7, today's recipe); the
# instrument stems are the same in every variant (the kits draw from their own random stream), only the drums differ.
# VARIANTS is a list of NAME:SYNTH-FLAGS, the flags joined by ':' too; words GM, AVL, H2, SFS in them become the kits and
# SoundFonts at hand:
#   GM  the drum banks of TimGM6mb (pretty_midi's)      AVL  the AVL kits, from gpu_carry/*.deb unpacked here
#   H2  the Hydrogen kits in gpu_carry/h2/               SFS  the melodic SoundFonts (TimGM6mb + gpu_carry/sf/* + .debs')
# Call 1 (default): gm (today's recipe) vs +AVL vs +Hydrogen vs all kits, melodic stems on TimGM6mb alone.
# Scored here with bench/quick_real_sdr.py on the real clip (gpu_carry/real: drums/bass/other/vocals) and on held-out
# rendered songs (GM kits, and all kits); the float16 weights of the BRING best (on the real clip) come back in $OUT.
# Run from the folder that holds stemsep/, bench/, .whl/ and gpu_carry/ (a copy of the worktree): it travels as one
# carried folder; INIT defaults to the shipped model of the repository it sits in.
set -u
N_MIDI=${N_MIDI:-150}; N_COMP=${N_COMP:-60}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-545}; SEED=${SEED:-91}
BATCH=${BATCH:-16}; LR=${LR:-0.0005}; BRING=${BRING:-3}; N_TEST=${N_TEST:-8}; SCORE_S=${SCORE_S:-80}
INIT=${INIT-../stemsep/assets/drums_accompaniment/model.npz}
ARCH=${ARCH:---arch spleeter --output mask --depth 6 --base-filters 16}
VARIANTS=${VARIANTS:-"gm:--drumkits:same avl:--drumkits:GM:AVL h2:--drumkits:GM:H2 all:--drumkits:GM:AVL:H2"}
OUT=${OUT:-/tmp/out}; STATE=${STATE:-/tmp/state}; mkdir -p $STATE $OUT
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt
mkdir -p $STATE/debs; for d in gpu_carry/*.deb; do [ -f "$d" ] && dpkg -x "$d" $STATE/debs; done
GM=${SF%% *}; AVL=$(ls $STATE/debs/usr/share/sounds/sf2/*.sf2 2>/dev/null | tr '\n' ' '); H2=gpu_carry/h2
SFS="$SF $(ls $STATE/debs/usr/share/sounds/sf3/*.sf3 $STATE/debs/usr/share/fluidr3mono-gm-soundfont/*.sf3 2>/dev/null | sort -u | tr '\n' ' ')"
expand(){ for w in "$@"; do case $w in GM) echo -n "$GM ";; AVL) echo -n "$AVL ";; H2) echo -n "$H2 ";; SFS) echo -n "$SFS ";; *) echo -n "$w ";; esac; done; }
stamp "kits: AVL=[$AVL] H2=[$(ls $H2 2>/dev/null | tr '\n' ' ')] melodic=[$SF]"
unpack_midi $STATE
NAMES=""; NV=0; for v in $VARIANTS; do NAMES="$NAMES ${v%%:*}"; NV=$((NV+1)); done
W=$(( $(nproc)/NV )); [ $W -lt 1 ] && W=1
if [ $N_TEST -gt 0 ]; then
  test_set $STATE/test_gm 2 --drumkits same &
  test_set $STATE/test_kits 2 $(expand --drumkits GM AVL H2) &
fi
for v in $VARIANTS; do render_data $STATE/${v%%:*} $W --drum-layers 0.7 $(expand $(echo ${v#*:} | tr ':' ' ')) & done; wait
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - SCORE_S ))
stamp "training $NAMES for $TRAIN_S s each, from $INIT"
export XLA_PYTHON_CLIENT_MEM_FRACTION=$(python3 -c "print(round(0.9/$NV, 2))")
for v in $NAMES; do
  timeout -k 20 -s INT $TRAIN_S $S train $STATE/$v/data.h5 --model-dir $STATE/models/$v --epochs 200 --batch-size $BATCH \
    --augment --data-backend memory --workers 3 --patience 0 --no-resume --seed 3 ${INIT:+--init $INIT} --lr $LR \
    --max-minutes $(python3 -c "print(($TRAIN_S-40)/60)") $ARCH > $STATE/train_$v.log 2>&1 &
done; wait
stamp "trained"
mkdir -p $OUT/small
TESTS=$(ls -d $STATE/tests/* 2>/dev/null | tr '\n' ' ')
for v in $NAMES init; do
  m=$STATE/models/$v/model.weights.h5; [ $v = init ] && m=$INIT
  [ -f $m ] && python3 bench/quick_real_sdr.py $m --real gpu_carry/real ${TESTS:+--tracks $TESTS} --json $OUT/small/quick_$v.json \
    > $OUT/small/quick_$v.txt 2>&1 &
done; wait
for v in $NAMES init; do grep -v Warning $OUT/small/quick_$v.txt | sed "s|^[^ ]*|$v|" | tee -a $STAMPS; done
for v in $NAMES; do
  tr '\r' '\n' < $STATE/train_$v.log | grep -E "^epoch .*val_loss|Error" | tail -2 | sed "s|^|$v |" | tee -a $STAMPS
  cp $STATE/models/$v/training_log.csv $OUT/small/log_$v.csv 2>/dev/null; cp $STATE/models/$v/config.json $OUT/small/config_$v.json 2>/dev/null
  tr '\r' '\n' < $STATE/train_$v.log | grep -v "^\s*$" | tail -30 > $OUT/small/train_$v.log
  tail -3 $STATE/$v.log > $OUT/small/data_$v.log
done
BEST=$(python3 -c "
import json, sys
s = {v: json.load(open(f'$OUT/small/quick_{v}.json')) for v in sys.argv[1:] if __import__('os').path.exists(f'$OUT/small/quick_{v}.json')}
real = {v: sum(next(iter(d.values())).get('real', {}).values()) for v, d in s.items()}
print(' '.join(sorted(real, key=real.get, reverse=True)[:$BRING]))" $NAMES)
stamp "bringing back: $BEST"
python3 bench/export_parts.py $OUT $(for v in $BEST; do echo $v=$STATE/models/$v/model.weights.h5; done)
cp $STAMPS $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
