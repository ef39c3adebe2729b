#!/usr/bin/env bash
# Quick start 2: installs what is missing, builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure --no-tests=error -j "${PCONV_JOBS:-$(nproc)}"
