#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build-fuzz/ (ASan + libFuzzer) and runs
# each for RUNS executions (default 2000) starting from the seed corpus in fuzz/corpus/.
# A crash leaves crash-* files in build-fuzz/ and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-2000}"
command -v clang++ >/dev/null || apt-get install -y -q --no-install-recommends clang libclang-rt-14-dev
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DPCONV_BUILD_FUZZERS=ON -DPCONV_BUILD_TESTS=OFF -DPCONV_BUILD_UI=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,fuzzer-no-link -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address" >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_model_file fuzz_checkpoint fuzz_image_mask
for target in fuzz_model_file fuzz_checkpoint fuzz_image_mask; do
  work="$(mktemp -d)"
  cp fuzz/corpus/"$target"/* "$work"/
  echo "== $target: $RUNS runs"
  (cd build-fuzz && ASAN_OPTIONS=detect_leaks=0 ./bin/"$target" -runs="$RUNS" -max_len=200000 -rss_limit_mb=4096 "$work")
  rm -rf "$work"
done
echo "fuzzing: 3 passed, 0 failed"
