#!/usr/bin/env bash
# Quick start 1: installs what is missing, builds, and starts PConv Studio
# (arguments are passed on to the editor: a photo, --mask FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/bin/pconv-studio "$@"
