#!/usr/bin/env bash
# The benchmarks of docs/performance.md.
#
#   scripts/bench.sh [DATA_DIR] [RUNS]          # everything
#   ONLY=scale scripts/bench.sh                 # the rows of issue 10 only (whole processes, time + peak memory)
#   ONLY=tui scripts/bench.sh                   # the full-screen app only
#   ONLY=replay scripts/bench.sh                # the scheduler/replay figures only
#
# Builds prepdeck and prepdeck-bench in release, generates the synthetic data set into DATA_DIR (default
# bench-data/, git-ignored: 20,000 questions with 250–400-word answers (a 67 MB bank file), 1,000,000
# review lines, half of them practice, seed 20261129) unless it is already there, then prints:
#
#   scale   each command in a new process, RUNS times: median wall time (spawn → exit) and median peak
#           resident memory (the child's ru_maxrss), against issue 10's targets: `list --due`,
#           `stats --json` with warm caches, `list --json`, a read-only command without a snapshot
#           (full replay), …; then the real TUI in a pseudo-terminal: the first full frame at 120×40
#           (spawn → last row written), its peak memory (VmHWM), every key, and opening the Stats tab.
#   tui     the app headless (update + view per key, the 1 MB paste into the editor) and in a pty.
#   replay  replay / snapshot figures of the scheduler.
#
# Every figure is the median of RUNS runs (default 7). SCRATCH=DIR selects the build directory.
#
# The scale check of docs/performance.md (100,000 questions, 10,000,000 reviews; 1.7 GB, not kept):
#   prepdeck-bench generate --out DIR --questions 100000 --lines 10000000
#   prepdeck-bench rows --data DIR --runs 5 --no-replay --prepdeck PREPDECK   (the full replay: by hand)
#   prepdeck-bench tui-real --data DIR --runs 5 --first-frame-only --prepdeck PREPDECK
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
echo "data: $DATA: bank.json $(( $(stat -c %s "$DATA/bank.json") / 1000000 )) MB, reviews.jsonl $(wc -l < "$DATA/reviews.jsonl") lines ($(( $(stat -c %s "$DATA/reviews.jsonl") / 1000000 )) MB)"
case "${ONLY:-all}" in
  all|scale)
    echo "== Scale (issue 10): whole processes =="
    "$BIN/prepdeck-bench" rows --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck"
    echo "== Scale (issue 10): the full-screen app in a pseudo-terminal, 120×40 =="
    "$BIN/prepdeck-bench" tui-real --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck"
    ;;
esac
case "${ONLY:-all}" in
  all|tui)
    echo "== TUI headless (update + view) =="
    "$BIN/prepdeck-bench" tui --data "$DATA" --runs "$RUNS"
    [ "${ONLY:-all}" = tui ] && "$BIN/prepdeck-bench" tui-real --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck"
    ;;
esac
case "${ONLY:-all}" in
  all|replay)
    echo "== Scheduler and replay =="
    "$BIN/prepdeck-bench" run --data "$DATA" --runs "$RUNS" --prepdeck "$BIN/prepdeck" --legacy
    ;;
esac
