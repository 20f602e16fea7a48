// Check for java-bounded-thread-pool: exactly threads + queue tasks accepted, the rest rejected
// with RejectedExecutionException; named threads; uncaught errors reported; shutdown drains queued
// work; shutdownNow interrupts stragglers; no work accepted after shutdown.
import java.io.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    public static void main(String[] args) throws Exception {
        ThreadPoolExecutor pool = Pools.bounded("report", 2, 3);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Set<String> names = ConcurrentHashMap.newKeySet();
        Runnable blocker = () -> {
            names.add(Thread.currentThread().getName());
            try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            ran.incrementAndGet();
        };
        int accepted = 0, rejected = 0;
        for (int i = 0; i < 10; i++) {
            try {
                pool.execute(blocker);
                accepted++;
            } catch (RejectedExecutionException e) {
                rejected++;
            }
        }
        check(accepted == 5 && rejected == 5, "2 running + 3 queued accepted, got " + accepted);
        check(pool.getQueue().size() == 3 && pool.getPoolSize() == 2, "never more than 2 threads");
        release.countDown();
        Pools.shutdown(pool, 5);
        check(pool.isTerminated() && ran.get() == 5, "shutdown lets queued work finish: " + ran.get());
        check(names.equals(Set.of("report-1", "report-2")), "named threads: " + names);
        try {
            pool.execute(() -> { });
            throw new AssertionError("accepted work after shutdown");
        } catch (RejectedExecutionException expected) { }

        // Uncaught exceptions from execute() reach the handler (not silently lost).
        PrintStream realErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        ThreadPoolExecutor p2 = Pools.bounded("jobs", 1, 1);
        try {
            p2.execute(() -> { throw new IllegalStateException("boom"); });
            Pools.shutdown(p2, 5);
            // the handler runs as the dying thread unwinds, just after the pool terminates
            for (int i = 0; i < 200 && !err.toString().contains("died"); i++) Thread.sleep(10);
        } finally {
            System.setErr(realErr);
        }
        check(err.toString().contains("jobs-1 died: java.lang.IllegalStateException: boom"), "logged: " + err);

        // Stragglers: a task ignoring shutdown is interrupted by shutdownNow after the grace period.
        ThreadPoolExecutor p3 = Pools.bounded("slow", 1, 5);
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        p3.execute(() -> {
            started.countDown();
            try { Thread.sleep(60_000); } catch (InterruptedException e) { interrupted.set(true); }
        });
        AtomicInteger queuedRan = new AtomicInteger();
        p3.execute(queuedRan::incrementAndGet);
        started.await();
        long t0 = System.nanoTime();
        Pools.shutdown(p3, 1);
        double secs = (System.nanoTime() - t0) / 1e9;
        check(interrupted.get() && p3.isTerminated(), "straggler interrupted");
        check(secs >= 0.9 && secs < 4, "waited the grace period, then stopped: " + secs);
        check(queuedRan.get() == 0, "shutdownNow drops tasks still queued");

        // Bad sizes are refused.
        for (int[] bad : new int[][] {{0, 1}, {2, 0}, {-1, 5}}) {
            try {
                Pools.bounded("x", bad[0], bad[1]);
                throw new AssertionError("accepted " + Arrays.toString(bad));
            } catch (IllegalArgumentException expected) { }
        }
        System.out.println("java-bounded-thread-pool: ok");
    }
}
