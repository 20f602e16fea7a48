# Check for py-process-pool-cpu-bound: parallel counts equal a sequential count, per-file failures
# are reported with partial results, bad bytes do not crash, and a killed worker (BrokenProcessPool)
# is reported instead of crashing the caller.
import multiprocessing as mp
import os
import tempfile
from collections import Counter
from concurrent.futures.process import BrokenProcessPool

import answer
from answer import count_folder, count_words


ORIGINAL = count_words


def dying(path, top=1000):  # module level, so it pickles by reference
    if path.endswith("a.log"):
        os._exit(9)
    return ORIGINAL(path, top)


def main():
    with tempfile.TemporaryDirectory() as d:
        texts = {
            "a.log": "Error error WARN can't stop\nerror\n",
            "b.log": "warn WARN info\n" * 50,
            "c.log": "Ünïcode wörds and 123 numbers",
        }
        for name, text in texts.items():
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(text)
        with open(os.path.join(d, "bin.log"), "wb") as f:
            f.write(b"ok \xff\xfe broken\n")      # invalid UTF-8: replaced, not fatal
        os.mkdir(os.path.join(d, "dir.log"))       # cannot be opened: a per-file failure
        with open(os.path.join(d, "skip.txt"), "w") as f:
            f.write("error " * 100)                # not *.log

        total, failed = count_folder(d, workers=2)
        expected = Counter()
        for name in ("a.log", "b.log", "c.log", "bin.log"):
            expected.update(count_words(os.path.join(d, name)))
        assert total == expected, (total, expected)
        assert total["error"] == 3 and total["warn"] == 101 and total["can't"] == 1
        assert total["broken"] == 1 and total["ok"] == 1
        assert [os.path.basename(p) for p, _ in failed] == ["dir.log"], failed
        assert isinstance(failed[0][1], IsADirectoryError), failed

        # The top-N bound per file keeps results small.
        big = os.path.join(d, "big.log")
        with open(big, "w") as f:
            f.write(" ".join(f"w{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(676)))
        assert len(count_words(big, top=10)) == 10

        # A worker that dies mid-task: futures fail with BrokenProcessPool, which is reported.
        if mp.get_start_method() == "fork":
            original = answer.count_words
            answer.count_words = dying  # forked workers inherit the patched module
            try:
                total, failed = count_folder(d, workers=2)
            finally:
                answer.count_words = original
            kinds = {type(e) for _, e in failed}
            assert BrokenProcessPool in kinds, failed
            assert all(isinstance(e, (BrokenProcessPool, IsADirectoryError)) for _, e in failed), failed
    print("py-process-pool-cpu-bound: ok")


if __name__ == "__main__":
    main()
