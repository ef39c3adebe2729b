#!/usr/bin/env bash
# Configures (once) and builds PConv Studio in build/ (Release). Quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TYPE="${PCONV_BUILD_TYPE:-Release}"
JOBS="${PCONV_JOBS:-$(nproc)}"
if [[ ! -f build/CMakeCache.txt ]] || ! grep -q "CMAKE_BUILD_TYPE:STRING=${BUILD_TYPE}" build/CMakeCache.txt; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE}"
fi
cmake --build build -j "${JOBS}"
