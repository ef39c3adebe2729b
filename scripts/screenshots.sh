#!/usr/bin/env bash
# Takes the README's screenshots of the real editor window under Xvfb:
#   docs/images/editor.png    original | mask | result after Inpaint
#   docs/images/training.png  the Training panel during a short run
# Usage: scripts/screenshots.sh [PHOTO MASK]   (defaults: docs/images/demo-*)
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for tool in Xvfb:xvfb xdotool:xdotool import:imagemagick; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool##*:}")
done
if ((${#need[@]})); then apt-get install -y -q --no-install-recommends "${need[@]}"; fi

photo="$(realpath "${1:-docs/images/demo-photo.jpg}")"
mask="$(realpath "${2:-docs/images/demo-mask.png}")"
work="$(mktemp -d)"
export DISPLAY=:87 XDG_CONFIG_HOME="$work/config" PCONV_NO_DIALOGS=1
Xvfb "$DISPLAY" -screen 0 1600x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 1

start_editor() {
  build/bin/pconv-studio "$photo" --mask "$mask" >/dev/null 2>&1 &
  editor=$!
  for _ in $(seq 50); do
    window="$(xdotool search --name 'PConv Studio' 2>/dev/null | head -1 || true)"
    [[ -n "$window" ]] && break
    sleep 0.2
  done
  xdotool windowsize "$window" 1600 900 windowmove "$window" 0 0
  sleep 1
  # Focus the window without painting: a click on the result pane.
  xdotool mousemove 1500 850 click 1
}

start_editor
xdotool key ctrl+Return
sleep 8
import -window root docs/images/editor.png
kill $editor; wait $editor 2>/dev/null || true

# The Training panel: a short run on the held-out photos folder (or the demo photo).
mkdir -p "$XDG_CONFIG_HOME/PConv Studio" "$work/photos"
cp "$photo" "$work/photos/"
[[ -d data/photos ]] && cp data/photos/*.jpg "$work/photos/" 2>/dev/null || true
cat > "$XDG_CONFIG_HOME/PConv Studio/PConv Studio.conf" <<CONF
[train]
data=$work/photos
out=$work/run
size=128
batch=4
steps=100000
depth=5
width=16
lr=0.0005
CONF
start_editor
xdotool key ctrl+t
sleep 1
xdotool key ctrl+Return   # inpaint too, so all three panes show something
sleep 6
xdotool key ctrl+shift+t  # Tools > Start Training
sleep 90
import -window root docs/images/training.png
kill $editor; wait $editor 2>/dev/null || true
echo "Wrote docs/images/editor.png and docs/images/training.png"
