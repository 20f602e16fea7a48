#!/usr/bin/env bash
# The scheduler and replay benchmark (docs/performance.md, "Scheduler and replay").
#
#   scripts/bench.sh [DATA_DIR] [RUNS]
#
# Builds prepdeck and prepdeck-bench in release, generates the synthetic data set into DATA_DIR
# (default bench-data/, git-ignored: 20,000 questions, 1,000,000 review lines, seed 20261129) unless it is
# already there, then times: a full replay (read + parse + schedule), writing snapshot.bin, start-up with a
# fresh snapshot, start-up with 300 lines appended after it, and `prepdeck list --json` (wall time).
# Every figure is the median of RUNS runs (default 7). SCRATCH=DIR selects the build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-bench-data}
RUNS=${2:-7}
SCRATCH=${SCRATCH:-.build}
swift build -c release --scratch-path "$SCRATCH" --product prepdeck-bench
swift build -c release --scratch-path "$SCRATCH" --product prepdeck
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
if [ ! -f "$DATA/reviews.jsonl" ]; then
  "$BIN/prepdeck-bench" generate --out "$DATA"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//'), $(uname -sr)"
"$BIN/prepdeck-bench" run --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck" --legacy
