#!/usr/bin/env bash
# Runs every speed measurement in one go and prints a markdown table:
#   the C++ PConv forward vs a plain-conv U-Net of the same shape (pconv bench),
#   the same net in PyTorch Python, plain / NVIDIA-style / popular-port-style,
#   a training step in C++ and in PyTorch Python,
#   a 12-megapixel photo with one 60 px stroke, and with one object-sized hole, through the crop strategy.
# Needs a build (scripts/build.sh) and python3-torch (installed if missing).
# Run it on an otherwise idle machine: the two cores are shared.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then apt-get install -y -q --no-install-recommends python3-torch; fi
REPS="${REPS:-7}"
THREADS="${THREADS:-$(nproc)}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
json() { /usr/bin/python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

cpp_forward="$(build/bin/pconv bench --arch paper --size 512 --reps "$REPS" --threads "$THREADS" --json)"
cpp_train="$(build/bin/pconv bench --mode train --reps 3 --threads "$THREADS" --json)"
python="$(/usr/bin/python3 bench/pytorch_unet.py --size 512 --reps "$REPS" --threads "$THREADS")"
hd="$(build/bin/pconv bench --mode hd --reps 5 --threads "$THREADS" --write-case "$work" --json)"
start=$(date +%s.%N)
build/bin/pconv inpaint --input "$work/photo12mp.jpg" --mask "$work/stroke60.png" --output "$work/out.jpg" --threads "$THREADS" >/dev/null
cli_ms=$(printf "%.0f" "$(echo "($(date +%s.%N) - $start) * 1000" | bc)")

pconv=$(json "$cpp_forward" pconv_ms); plain=$(json "$cpp_forward" plain_ms)
py_plain=$(json "$python" plain_ms); py_nvidia=$(json "$python" nvidia_ms); py_popular=$(json "$python" popular_ms)
train_cpp=$(json "$cpp_train" train_step_ms); train_py=$(json "$python" train_step_ms)
ratio() { echo "scale=3; $1 / $2" | bc; }

cat <<TABLE
Paper net (8 levels, width 64, 32.9 M parameters), 512x512, batch 1, $THREADS threads, median of $REPS.

| measurement | ms | ratio | target |
|---|---|---|---|
| C++ plain-conv U-Net forward | $plain | 1 | |
| C++ PConv U-Net forward | $pconv | $(ratio "$pconv" "$plain") x plain | <= 1.10 |
| PyTorch plain-conv U-Net forward | $py_plain | $(ratio "$py_plain" "$plain") x C++ plain | |
| PyTorch NVIDIA-style PConv forward | $py_nvidia | $(ratio "$py_nvidia" "$py_plain") x PyTorch plain | |
| PyTorch popular-port-style PConv forward | $py_popular | $(ratio "$py_popular" "$py_plain") x PyTorch plain; $(ratio "$py_popular" "$pconv") x C++ PConv | C++ >= 2x faster |
| training step, 256 px, batch 4, depth 7, width 64: PyTorch | $train_py | | |
| training step, same: C++ | $train_cpp | $(ratio "$train_py" "$train_cpp") x faster | >= 1.3x |
| 12 MP photo, one 60 px stroke, crop strategy, in memory (shipped model) | $(json "$hd" hd_crop_ms) | | |
| the same through \`pconv inpaint\`, JPEG decode and encode included | $cli_ms | | < 1000 |
| 12 MP photo, one 400x600 px object (deep-hole texture), crop strategy, in memory | $(json "$hd" hd_object_ms) | | |

Peak RSS of \`pconv bench\` (paper net at 512, both nets loaded): $(json "$cpp_forward" peak_rss_mb) MB.
TABLE
