#!/usr/bin/env bash
# Build what the bench/gpu_*.sh scripts carry to the GPU machine (which reaches no registry), in git-excluded folders
# of the repository root: .whl/ (Keras and the renderer's wheels for its Python 3.12; what its image already has
# is left out, and pedalboard too: only `synth --effects` needs it, WHEELS=pedalboard adds it) and gpu_carry/ (drum kits, MIDI, the real clip). The call's limit is 64 MiB with the tracked files.
# The speech singer of `synth --singer speech` comes too: pyworld-prebuilt in .whl/, eSpeak NG as gpu_carry/espeakng_loader.tar.xz.
#   bash bench/gpu_carry.sh [deb|blackpearl|none]   deb: the AVL kits' .deb (24.7 MB, both kits);
#                                                   blackpearl: one AVL kit as .sf2.xz (10.9 MB)
set -eu
top=$(git rev-parse --show-toplevel); cd "$top"
for p in /.whl/ /gpu_carry/; do grep -qx "$p" .git/info/exclude 2>/dev/null || echo "$p" >> .git/info/exclude; done
rm -rf .whl gpu_carry; mkdir -p .whl gpu_carry/real
python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl \
  keras namex optree symusic==0.5.9 soundfile ${WHEELS:-} pretty_midi mido cffi pycparser pySmartDL platformdirs importlib_resources \
  pyworld-prebuilt
case ${1:-deb} in
  deb) (cd gpu_carry && apt-get download -q avldrums.lv2-soundfont >/dev/null);;
  blackpearl) d=$(mktemp -d); (cd $d && apt-get download -q avldrums.lv2-soundfont >/dev/null && dpkg -x *.deb x)
              xz -9 -T0 -c $d/x/usr/share/sounds/sf2/Black_Pearl_4_LV2.sf2 > gpu_carry/Black_Pearl_4_LV2.sf2.xz; rm -rf $d;;
esac
tar cJf gpu_carry/midi.tar.xz -C ../shared/data midi
# the speech singer's eSpeak NG (the espeakng-loader wheel, 10 MB) with its English data only (~1 MB as .tar.xz);
# gpu_lib.sh unpacks it beside the wheels
d=$(mktemp -d); python3 -m pip download -q --no-deps --only-binary=:all: -d $d espeakng-loader
(cd $d && python3 -m zipfile -e espeakng_loader-*.whl x && cd x/espeakng_loader/espeak-ng-data &&
 find . -maxdepth 1 -name '*_dict' ! -name en_dict -delete && rm -f ../libespeak-ng.so.1 ../libespeak-ng.so.1.*)
tar cJf gpu_carry/espeakng_loader.tar.xz -C $d/x espeakng_loader; rm -rf $d
python3 -c "
import soundfile as sf
for n in ('drums', 'bass', 'other', 'vocals'):     # the real clip's stems as 16-bit FLAC (lossless: they are 16-bit WAVs)
    y, sr = sf.read(f'../shared/data/real/musdb_layout/The Easton Ellises - Falcon 69/{n}.wav', dtype='int16')
    sf.write(f'gpu_carry/real/{n}.flac', y, sr, subtype='PCM_16')"
echo "tracked $(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1) B, .whl $(du -sb .whl | cut -f1) B, gpu_carry $(du -sb gpu_carry | cut -f1) B (limit 67108864)"
