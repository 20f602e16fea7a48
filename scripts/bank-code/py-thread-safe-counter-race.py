# Check for py-thread-safe-counter-race: the unsafe counter really loses updates under threads,
# the locked one never does, and hammer() surfaces worker errors.
from answer import SafeCounter, UnsafeCounter, hammer

THREADS, PER = 8, 500
lost_runs = 0
for _ in range(3):
    got = hammer(UnsafeCounter(), threads=THREADS, per_thread=PER)
    assert 0 < got <= THREADS * PER
    lost_runs += got < THREADS * PER
assert lost_runs >= 2, "the demonstration should lose updates reliably"

for _ in range(3):
    assert hammer(SafeCounter(), threads=THREADS, per_thread=PER) == THREADS * PER

single = hammer(UnsafeCounter(), threads=1, per_thread=500)
assert single == 500, "one thread cannot race"


class Exploding(SafeCounter):
    def increment(self):
        raise RuntimeError("boom")


try:
    hammer(Exploding(), threads=2, per_thread=10)
except RuntimeError:
    pass
else:
    raise AssertionError("a worker's exception must not vanish")
print("py-thread-safe-counter-race: ok")
