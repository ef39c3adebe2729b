#!/usr/bin/env bash
# Quick start 1: installs what is missing, builds, and starts PConv Studio.
# Until the editor lands this starts the `pconv` command-line tool (arguments
# are passed on; none shows its help).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [[ -x build/bin/pconv-studio ]]; then
  exec build/bin/pconv-studio "$@"
fi
if [[ $# -eq 0 ]]; then set -- --help; fi
exec build/bin/pconv "$@"
