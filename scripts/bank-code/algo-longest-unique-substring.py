import random
import time

from answer import longest_unique_substring


def brute(s):
    best = ""
    for i in range(len(s)):
        for j in range(i + 1, len(s) + 1):
            sub = s[i:j]
            if len(set(sub)) == len(sub) and len(sub) > len(best):
                best = sub
    return best


assert longest_unique_substring("") == ""
assert longest_unique_substring("aaaa") == "a"
assert longest_unique_substring("abba") == "ab", "start must never move backwards"
assert longest_unique_substring("abcabcbb") == "abc"
assert longest_unique_substring("pwwkew") == "wke"
assert longest_unique_substring("abcdef") == "abcdef"
assert longest_unique_substring("héllo wörld") == "o wörld"

rng = random.Random(4)
for trial in range(5000):
    s = "".join(rng.choice("abc") for _ in range(rng.randint(0, 12)))
    assert longest_unique_substring(s) == brute(s), s
for trial in range(500):
    s = "".join(rng.choice("abcdefghij") for _ in range(rng.randint(0, 25)))
    assert longest_unique_substring(s) == brute(s), s

big = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(100_000))
t = time.perf_counter()
res = longest_unique_substring(big)
elapsed = time.perf_counter() - t
assert len(set(res)) == len(res) and res in big
assert elapsed < 1.0, f"too slow: {elapsed:.2f}s"
uniq = "".join(chr(0x4E00 + i) for i in range(20_000))
assert longest_unique_substring(uniq * 3) == uniq
print("longest unique substring checks passed")
