#!/usr/bin/env bash
# Kills `pconv train` with SIGKILL at random moments ROUNDS times (default 20),
# resuming each time, and checks that every checkpoint loads and that the step
# never goes back by more than one checkpoint interval. Uses a tiny network on
# a few generated photos, so it takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-20}"
INTERVAL=5
PCONV=build/bin/pconv
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PCONV" masks --count 4 --min-units 3 --max-units 6 --size 96 --out-masks "$work/photos" --seed 1 >/dev/null  # any images will do
args=(train --data "$work/photos" --out "$work/run" --size 32 --depth 3 --width 8 --batch 2 --steps 100000000
      --checkpoint-every "$INTERVAL" --validate-every 0 --log-every 1 --threads 1)
best=0
for round in $(seq "$ROUNDS"); do
  resume=(--force)  # no checkpoint yet: start over, over a killed run's log
  [[ -f "$work/run/checkpoint.pt" ]] && resume=(--resume "$work/run/checkpoint.pt")
  "$PCONV" "${args[@]}" "${resume[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 1 + (r % 300) / 100 }')"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ ! -f "$work/run/checkpoint.pt" ]]; then echo "round $round: no checkpoint yet"; continue; fi
  step="$("$PCONV" info --model "$work/run/checkpoint.pt" | awk '/^Step:/ { print $2 }')"
  if [[ -z "$step" ]]; then echo "FAIL round $round: the checkpoint does not load"; exit 1; fi
  if (( step + INTERVAL < best )); then echo "FAIL round $round: step went back from $best to $step"; exit 1; fi
  (( step > best )) && best=$step
  echo "round $round: killed; checkpoint at step $step loads"
done
echo "$ROUNDS passed, 0 failed"
