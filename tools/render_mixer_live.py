"""Render the stemsep StemMixer as live ipywidgets in a browser, offline: the widget state is embedded in a page
that loads the local `@jupyter-widgets/html-manager` bundle (from the npm registry) instead of a CDN.

    mkdir -p scratch/mixer && (cd scratch/mixer && npm init -y && npm install @jupyter-widgets/html-manager@1.0.15)
    python tools/render_mixer_live.py scratch/mixer ../shared/data/fullmix spleeter_audio_example.mp3
    (cd scratch/mixer && python -m http.server 8765 --bind 127.0.0.1 &)
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir=$(mktemp -d) --virtual-time-budget=10000 \
      --screenshot=scratch/mixer/mixer_live.png --window-size=800,470 http://127.0.0.1:8765/mixer_live.html
"""
import sys
from pathlib import Path
from ipywidgets.embed import embed_minimal_html
from stemsep.widgets import StemMixer

out, folder, song = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
m = StemMixer(folder, results=out/'mixer_results', max_seconds=10.)
m.picker.value = song
m.separate_button.click()                     # the built-in model separates the first 10 s
m.sliders['accompaniment'].value = -9.        # a state worth showing: accompaniment 9 dB down
m.overwrite.value = True
m.save_button.click()
print(m.status.value)
# embed.js is the bundle with every core widget built in: no require.js needed, nothing fetched from a CDN
embed_minimal_html(out/'mixer_live.html', views=[m.widget], title='stemsep mixer (live widgets)',
                   requirejs=False, embed_url='node_modules/@jupyter-widgets/html-manager/dist/embed.js')
print('wrote', out/'mixer_live.html')
