#!/usr/bin/env bash
# Issues 15, 16 and 17: the model's shape (STFT and channels) decided with quality and speed side by side. Four
# trainings share one GPU, all fine-tuned from the shipped model ($INIT, mono, STFT 2048/512) on the same stereo songs
# (GM + AVL kits, drum layers; the recipe that won gpu_kits.sh), each through bench/init_stems.py:
#   C  mono, STFT 2048/512 (today's shape: the control; the songs downmixed; RUNS="C A B F" adds it; the default leaves
#      it out for memory and GPU time: last session's two runs of this recipe in this shape are its control)
#   A  stereo input channels, STFT 2048/1024 (4x less model work per second of stereo audio)
#   B  stereo input channels, STFT 4096/1024 (Spleeter's; 4x less work, finer frequencies, 1024 bins = 0-11 kHz)
#   D  stereo, STFT 2048/1024, 512 bins (0-11 kHz): all three levers, 5.8x less CPU than C (bench/results/speed.md);
#      for a run that has the GPU to itself: RUNS=D TW=14
#   F  four stems (drums / bass / vocals / other) in shape $FOUR_SHAPE, on songs with the synthetic singer
# Scored here with bench/quick_real_sdr.py (real clip; held-out rendered songs); the float16 weights of $BRING come back.
# A call made while the machine is still warm (within its 30 s idle release) finds $STATE: it reuses the songs, the
# data sets and the test sets there, and each run continues from its last weights (the best by validation loss), with
# LR as its starting rate and seed 3+K (K: how many calls this run has had); its earlier training logs are kept as
# K_training_log.csv. On a fresh machine a carried weights file can stand in: WEIGHTS_D=path (per run).
# (Seen 2026-12-04: a call made 20 s after the last, on the same warm machine, found no $STATE at all, so carry the
# weights to continue from, in place of the tracked model file, and give every call the time to render its songs.)
# Run from the repo root with .whl/ and gpu_carry/ (the AVL .deb, midi.tar.xz, real/) carried: see bench/gpu_carry.sh.
# Melodic SoundFonts of the training songs: TimGM6mb and whatever gpu_carry/sf/ holds (FONTS=gm: TimGM6mb alone). The
# held-out sets test_gm and test_kits play TimGM6mb's instruments, as before; test_fl (when gpu_carry/sf/ is carried)
# the carried ones' with GM kits, to see how a model copes with instruments it has not heard.
set -u
N_MIDI=${N_MIDI:-170}; N_COMP=${N_COMP:-70}; SECS=${SECS:-30}; DEADLINE=${DEADLINE:-555}; SEED=${SEED:-93}
BATCH=${BATCH:-16}; LR=${LR:-0.0005}; N_TEST=${N_TEST:-8}; SCORE_S=${SCORE_S:-70}; VOCALS=${VOCALS:-0.7}
KICK_ALONE=${KICK_ALONE:-0.3}   # training songs: share of layered drum tracks whose kick is synthetic alone (synth --kick-alone)
INIT=${INIT:-stemsep/assets/drums_accompaniment/model.npz}; FOUR_SHAPE=${FOUR_SHAPE:-B}
RUNS=${RUNS:-A B F}; BRING=${BRING:-$RUNS}
ARCH="--arch spleeter --output mask --depth 6 --base-filters 16"
OUT=${OUT:-/tmp/out}; STATE=${STATE:-$PWD/.gpu_state}; mkdir -p $STATE $OUT   # not /tmp: it may be memory
. bench/gpu_lib.sh
nvidia-smi -L 2>/dev/null | tee -a $OUT/stamps.txt
(df -h /tmp $STATE; free -g) 2>&1 | tee -a $OUT/stamps.txt
mkdir -p $STATE/debs; for d in gpu_carry/*.deb; do [ -f "$d" ] && dpkg -x "$d" $STATE/debs; done
for x in gpu_carry/*.sf2.xz; do [ -f "$x" ] && xz -dc $x > $STATE/debs/$(basename ${x%.xz}); done
AVL=$(ls $STATE/debs/usr/share/sounds/sf2/*.sf2 $STATE/debs/*.sf2 2>/dev/null | tr '\n' ' ')
TRAIN_SF=$(fonts ${FONTS:-all})
stamp "kits: GM=$GM AVL=[$AVL]; melodic SoundFonts of the training songs: $TRAIN_SF"
unpack_midi $STATE
shape(){ case $1 in C) echo "--channels 1";; A) echo "--channels 2 --hop 1024";; B) echo "--channels 2 --n-fft 4096 --hop 1024";;
  D) echo "--channels 2 --hop 1024 --bins 512";; esac; }
# inits and the preprocess configurations (the init's config.json, which carries the shape)
has_f(){ case " $RUNS " in *" F "*) return 0;; *) return 1;; esac; }
W_DA=14; has_f && W_DA=7
for r in $RUNS; do [ $r = F ] && continue; [ -f $STATE/init_$r.json ] || python3 bench/init_stems.py $INIT $STATE/init_$r.npz $(shape $r) drums=drums accompaniment=accompaniment 2>&1 | tail -1 & done
has_f && [ ! -f $STATE/init_F.json ] && python3 bench/init_stems.py $INIT $STATE/init_F.npz $(shape $FOUR_SHAPE) drums=drums bass=accompaniment vocals=accompaniment other=accompaniment 2>&1 | tail -1 &
wait    # save_model writes each init's configuration beside it (init_R.json): preprocess takes the shape from there
stamp "inits and configs made"
declare -A START K
for r in $RUNS; do
  m=$STATE/models/$r; w=WEIGHTS_$r; K[$r]=$(ls $m/*_training_log.csv 2>/dev/null | wc -l)
  if [ -f $m/model.weights.h5 ]; then
    K[$r]=$(( K[$r] + 1 )); cp $m/training_log.csv $m/${K[$r]}_training_log.csv; cp $m/model.weights.h5 $STATE/cont_$r.weights.h5
    START[$r]=$STATE/cont_$r.weights.h5
  elif [ -n "${!w:-}" ]; then START[$r]=${!w}
  else START[$r]=$STATE/init_$r.npz; fi
  stamp "run $r starts from ${START[$r]} (earlier calls: ${K[$r]})"
done
render(){   # D W SUBMIX SYNTH-FLAGS...: stereo songs and their stems in D/tracks
  local d=$1 w=$2 sub=$3; shift 3; mkdir -p $d
  $S synth $d/synth_midi --songs $N_MIDI --seconds $SECS --midi $MIDI_DIR --soundfont $TRAIN_SF --workers $w --seed $SEED --channels 2 "$@" > $d.log 2>&1
  $S synth $d/synth_comp --songs $N_COMP --seconds $SECS --soundfont $TRAIN_SF --workers $w --seed $((SEED+1000)) --channels 2 "$@" >> $d.log 2>&1
  for src in midi comp; do $S stems $d/synth_$src --submix $sub --out $d/tracks/$src --workers $w >> $d.log 2>&1; rm -rf $d/synth_$src; done
  stamp "songs $(basename $d): $(tail -1 $d.log)"
}
prep(){ $S preprocess $1/tracks --out $1/data_$2.h5 --config $STATE/init_$2.json --cache-dir $1/cache_$2 --workers $3 --allow-silent --val-fraction 0.08 > $1/prep_$2.log 2>&1; rm -rf $1/cache_$2; stamp "data $2: $(tail -1 $1/prep_$2.log) $(du -sh $1/data_$2.h5 | cut -f1)"; }
if [ $N_TEST -gt 0 ] && [ ! -d $STATE/tests ]; then      # held-out songs (seed 4242, mono, as in gpu_kits.sh), and four-stem ones with a singer
  TEST_SF=$GM test_set $STATE/test_gm 1 --drumkits same & TEST_SF=$GM test_set $STATE/test_kits 1 --drumkits $GM $AVL &
  [ -n "$FL" ] && TEST_SF="$FL" test_set $STATE/test_fl 1 --drumkits $GM &
  has_f && ( d=$STATE/test_four; $S synth $d/synth --songs $N_TEST --seconds 20 --midi $MIDI_DIR --soundfont $SF --workers 1 --seed 4242 \
      --vocals 1 --drumkits $GM $AVL > $d.log 2>&1
    $S stems $d/synth --submix drums_bass_vocals_other --out $STATE/tests4/test_four --workers 1 >> $d.log 2>&1; stamp "test set four: $(tail -1 $d.log)" ) &
fi
HAVE=1; for r in $RUNS; do [ $r = F ] || [ -f $STATE/da/data_$r.h5 ] || HAVE=0; done
[ $HAVE = 1 ] && stamp "songs and data sets of $RUNS are here from the last call" || ( render $STATE/da $W_DA drums_accompaniment --drum-layers 0.7 --kick-alone $KICK_ALONE --drumkits $GM $AVL
  for r in $RUNS; do [ $r != F ] && prep $STATE/da $r $(( 12/$(echo $RUNS | wc -w) )) & done; wait; rm -rf $STATE/da/tracks ) &
has_f && [ ! -f $STATE/four/data_F.h5 ] && ( render $STATE/four 6 drums_bass_vocals_other --drum-layers 0.7 --kick-alone $KICK_ALONE --vocals $VOCALS --drumkits $GM $AVL; prep $STATE/four F 6; rm -rf $STATE/four/tracks ) &
wait
(df -h $STATE; free -g) 2>&1 | tee -a $OUT/stamps.txt
TRAIN_S=$(( DEADLINE - ($(date +%s) - t0) - SCORE_S )); MIN=$(python3 -c "print(($TRAIN_S-45)/60)")
stamp "training $RUNS for $TRAIN_S s each"
NR=$(echo $RUNS | wc -w); export XLA_PYTHON_CLIENT_MEM_FRACTION=$(python3 -c "print(round(0.9/$NR, 2))")
for r in $RUNS; do
  d=$STATE/da; [ $r = F ] && d=$STATE/four
  timeout -k 20 -s INT $TRAIN_S $S train $d/data_$r.h5 --model-dir $STATE/models/$r --epochs 200 --batch-size $BATCH \
    --augment --data-backend memory --workers ${TW:-4} --patience 0 --no-resume --seed $((3 + K[$r])) --init ${START[$r]} --lr $LR \
    --max-minutes $MIN $ARCH > $STATE/train_$r.log 2>&1 &
done; wait
stamp "trained"
mkdir -p $OUT/small
export XLA_PYTHON_CLIENT_MEM_FRACTION=0.15
T2=$(ls -d $STATE/tests/* 2>/dev/null | tr '\n' ' '); T4=$(ls -d $STATE/tests4/* 2>/dev/null | tr '\n' ' ')
for r in $RUNS; do
  T=$T2; [ $r = F ] && T=$T4
  python3 bench/quick_real_sdr.py $STATE/models/$r/model.weights.h5 --real gpu_carry/real ${T:+--tracks $T} --json $OUT/small/quick_$r.json > $OUT/small/quick_$r.txt 2>&1 &
done
python3 bench/quick_real_sdr.py $(for r in $RUNS; do echo -n "${START[$r]} "; done) --real gpu_carry/real --json $OUT/small/quick_inits.json > $OUT/small/quick_inits.txt 2>&1 &
wait
for r in $RUNS inits; do grep -v Warning $OUT/small/quick_$r.txt | grep -E "songs\)|Error" | sed "s|^[^ ]*|$r|" | tee -a $STAMPS; done
for r in $RUNS; do
  tr '\r' '\n' < $STATE/train_$r.log | grep -E "^epoch .*val_loss|Error" | tail -2 | sed "s|^|$r |" | tee -a $STAMPS
  for f in training_log.csv config.json training_curves.png; do cp $STATE/models/$r/$f $OUT/small/${r}_$f 2>/dev/null; done
  for f in $STATE/models/$r/*_training_log.csv; do [ -f $f ] && cp $f $OUT/small/${r}_$(basename $f); done
  tr '\r' '\n' < $STATE/train_$r.log | grep -v "^\s*$" | tail -30 > $OUT/small/train_$r.log
done
for d in da four; do [ -f $STATE/$d.log ] && tail -2 $STATE/$d.log > $OUT/small/songs_$d.log; cp $STATE/$d/prep_*.log $OUT/small/ 2>/dev/null; done
python3 bench/export_parts.py $OUT $(for r in $BRING; do echo -n "$r=$STATE/models/$r/model.weights.h5 "; done)
cp $STAMPS $OUT/small/; tar czf $OUT/small.tgz -C $OUT small && rm -rf $OUT/small
ls -la $OUT; stamp done
