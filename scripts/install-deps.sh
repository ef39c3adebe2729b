#!/usr/bin/env bash
# Installs the Debian 12 packages PConv Studio needs to build, test and run.
# Idempotent: skips apt entirely when every package is already installed.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev                 # LibTorch 1.13.1 (CPU, oneDNN)
  libgloo-dev                  # headers for c10d's ProcessGroupGloo (data-parallel training)
  python3-torch                # the same LibTorch from Python: benchmarks and interop tests
  libopenblas0-pthread         # 35x faster sgemm than the reference BLAS
  libopencv-dev                # image I/O, drawing, cv::inpaint
  libjpeg-dev                  # libjpeg, to find damaged JPEG data that OpenCV decodes silently
  qt6-base-dev qt6-charts-dev  # Widgets, Test, Charts
  libqt6opengl6-dev            # Qt6Charts' CMake config needs Qt6OpenGL
  libgl1-mesa-dev              # Qt6Gui's CMake config wants OpenGL headers
  xvfb xauth                   # headless runs of the editor
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
