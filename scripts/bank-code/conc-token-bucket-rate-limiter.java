// Check for conc-token-bucket-rate-limiter with a fake monotonic clock: burst = capacity, continuous
// refill at the rate, wait hints, bad input, no over-admission under 16 threads, per-client
// isolation, Retry-After rounding and idle eviction.
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static final AtomicLong NOW = new AtomicLong(1_000_000_000L);

    public static void main(String[] args) throws Exception {
        TokenBucket b = new TokenBucket(5, 2, NOW::get);   // burst 5, 2 per second
        for (int i = 0; i < 5; i++) check(b.tryAcquire(1) == 0, "burst " + i);
        long wait = b.tryAcquire(1);
        check(wait == 500_000_000L, "one token in 0.5 s, got " + wait);
        NOW.addAndGet(250_000_000L);
        check(b.tryAcquire(1) == 250_000_000L, "half refilled");
        NOW.addAndGet(250_000_000L);
        check(b.tryAcquire(1) == 0, "refilled after 0.5 s");
        NOW.addAndGet(60_000_000_000L);                    // a minute idle: capped at capacity
        for (int i = 0; i < 5; i++) check(b.tryAcquire(1) == 0, "capped burst " + i);
        check(b.tryAcquire(1) > 0, "no more than capacity after idling");
        check(b.tryAcquire(6) == Long.MAX_VALUE, "more than capacity can never succeed");
        TokenBucket frac = new TokenBucket(3, 1, NOW::get);
        check(frac.tryAcquire(2.5) == 0 && frac.tryAcquire(1) > 0, "fractional cost");
        check(frac.tryAcquire(0.5) == 0, "0.5 left");

        for (double[] bad : new double[][] {{0, 1}, {0.5, 1}, {5, 0}, {5, -1}, {Double.NaN, 1}, {5, Double.NaN}}) {
            try {
                new TokenBucket(bad[0], bad[1], NOW::get);
                throw new AssertionError("accepted " + Arrays.toString(bad));
            } catch (IllegalArgumentException expected) { }
        }
        for (double p : new double[] {0, -1, Double.NaN}) {
            try {
                b.tryAcquire(p);
                throw new AssertionError("permits " + p + " accepted");
            } catch (IllegalArgumentException expected) { }
        }

        // 16 threads race for a bucket of 100 with the clock frozen: exactly 100 admitted.
        TokenBucket shared = new TokenBucket(100, 1, NOW::get);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        AtomicInteger admitted = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 1000; i++) if (shared.tryAcquire(1) == 0) admitted.incrementAndGet();
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) f.get(20, TimeUnit.SECONDS);
        check(admitted.get() == 100, "admitted " + admitted.get() + " of a 100-token bucket");
        // With the real clock too: never more than capacity + rate * elapsed.
        TokenBucket real = new TokenBucket(50, 1000);
        AtomicInteger ok = new AtomicInteger();
        long t0 = System.nanoTime();
        fs.clear();
        for (int t = 0; t < 8; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 20_000; i++) if (real.tryAcquire(1) == 0) ok.incrementAndGet();
                return null;
            }));
        }
        for (Future<?> f : fs) f.get(20, TimeUnit.SECONDS);
        double secs = (System.nanoTime() - t0) / 1e9;
        check(ok.get() <= 50 + 1000 * secs + 1, "over-admitted: " + ok.get() + " in " + secs + " s");
        pool.shutdown();

        // Per client: isolation, Retry-After rounded up to whole seconds, idle eviction.
        ClientRateLimiter lim = new ClientRateLimiter(2, 0.5, NOW::get);   // one token per 2 s
        check(lim.check("a").allowed() && lim.check("a").allowed(), "burst of 2");
        Decision d = lim.check("a");
        check(!d.allowed() && d.retryAfterSeconds() == 2, "retry after 2 s, got " + d);
        check(lim.check("b").allowed(), "other clients unaffected");
        NOW.addAndGet(100_000_000L);
        check(lim.check("a").retryAfterSeconds() == 2, "1.9 s rounds up to 2");
        NOW.addAndGet(1_850_000_000L);
        check(lim.check("a").retryAfterSeconds() == 1, "0.05 s rounds up to 1, never 0");
        ClientRateLimiter never = new ClientRateLimiter(1, 1e-12, NOW::get);
        never.check("x");
        check(never.check("x").retryAfterSeconds() > 1_000_000, "huge waits do not overflow");
        for (int i = 0; i < 10_000; i++) lim.check("scanner-" + i);
        check(lim.trackedClients() == 10_002, "tracked " + lim.trackedClients());
        lim.evictIdle();
        check(lim.trackedClients() == 10_002, "busy buckets are kept");
        NOW.addAndGet(10_000_000_000L);
        lim.evictIdle();
        check(lim.trackedClients() == 0, "idle (full) buckets are forgotten: " + lim.trackedClients());
        check(lim.check("a").allowed() && lim.check("a").allowed() && !lim.check("a").allowed(),
              "an evicted client starts with a full bucket, no more");
        System.out.println("conc-token-bucket-rate-limiter: ok");
    }
}
