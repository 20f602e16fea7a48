#!/usr/bin/env bash
# The benchmarks of docs/performance.md: "Scheduler and replay", then "TUI".
#
#   scripts/bench.sh [DATA_DIR] [RUNS]
#   ONLY=tui scripts/bench.sh          # just the TUI part (ONLY=replay: just the first part)
#
# Builds prepdeck and prepdeck-bench in release, generates the synthetic data set into DATA_DIR
# (default bench-data/, git-ignored: 20,000 questions, 1,000,000 review lines, seed 20261129) unless it is
# already there, then times: a full replay (read + parse + schedule), writing snapshot.bin, start-up with a
# fresh snapshot, start-up with 300 lines appended after it, and `prepdeck list --json` (wall time); then the
# full-screen app: the first frame (in a new process each run) and every key (update + view), headless
# (`prepdeck-bench tui`), and the real binary in a pseudo-terminal (`prepdeck-bench tui-real`).
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
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//'), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${ONLY:-}" != tui ]; then
  "$BIN/prepdeck-bench" run --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck" --legacy
fi
if [ "${ONLY:-}" != replay ]; then
  "$BIN/prepdeck-bench" tui --data "$DATA" --runs "$RUNS"
  "$BIN/prepdeck-bench" tui-real --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck"
fi
