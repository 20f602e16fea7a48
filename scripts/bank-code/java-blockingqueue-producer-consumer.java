// Check for java-blockingqueue-producer-consumer on Java 17: every job processed once by 4
// consumers, the bounded queue holds the producer back, per-job failures do not stop consumers,
// a failing source still shuts everything down and its error reaches the caller, interruption.
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static Iterator<Pipeline.Job> jobs(long n, AtomicLong produced, long failAt) {
        return new Iterator<>() {
            long next = 1;
            public boolean hasNext() { return next <= n; }
            public Pipeline.Job next() {
                if (next == failAt) throw new IllegalStateException("source broke at " + next);
                produced.incrementAndGet();
                long id = next++;
                return new Pipeline.Job(id, "record-" + id);
            }
        };
    }

    public static void main(String[] args) throws Exception {
        // All jobs, once each; bounded buffer.
        AtomicLong produced = new AtomicLong();
        Set<Long> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger dup = new AtomicInteger();
        AtomicLong maxAhead = new AtomicLong();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        long ok = Pipeline.run(jobs(5_000, produced, -1), job -> {
            threads.add(Thread.currentThread().getName());
            maxAhead.accumulateAndGet(produced.get() - seen.size(), Math::max);
            if (!seen.add(job.id())) dup.incrementAndGet();
            if (job.id() % 500 == 0) {
                try { Thread.sleep(5); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
        }, 4, 50);
        check(ok == 5_000 && seen.size() == 5_000 && dup.get() == 0, "each job once: " + ok + "/" + dup);
        check(threads.size() == 4, "4 consumers used: " + threads.size());
        check(maxAhead.get() <= 50 + 4 + 1, "producer ran " + maxAhead.get() + " jobs ahead of a 50-slot queue");

        // Failing jobs are logged and skipped; the others are processed.
        AtomicLong p2 = new AtomicLong();
        long ok2 = Pipeline.run(jobs(1_000, p2, -1), job -> {
            if (job.id() % 10 == 0) throw new RuntimeException("bad record");
        }, 4, 20);
        check(ok2 == 900, "900 of 1000 succeed: " + ok2);

        // The source fails midway: consumers drain and stop, the error reaches the caller, no hang.
        AtomicLong p3 = new AtomicLong();
        AtomicLong handled = new AtomicLong();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Future<Long> f = caller.submit(() -> Pipeline.run(jobs(1_000, p3, 301), j -> handled.incrementAndGet(), 4, 20));
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("a source failure must be reported");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof ExecutionException) cause = cause.getCause();
            check(cause instanceof IllegalStateException && cause.getMessage().contains("301"), "cause: " + cause);
        } catch (TimeoutException e) {
            throw new AssertionError("pipeline hung after the source failed");
        }
        check(handled.get() == 300, "jobs read before the failure are processed: " + handled.get());

        // Interrupting the caller stops consumers (shutdownNow) instead of leaking threads.
        int before = Thread.activeCount();
        CountDownLatch inside = new CountDownLatch(1);
        Future<Long> g = caller.submit(() -> Pipeline.run(jobs(1_000_000, new AtomicLong(), -1), j -> {
            inside.countDown();
            try { Thread.sleep(1_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }, 2, 10));
        inside.await();
        g.cancel(true);
        Thread.sleep(500);
        check(Thread.activeCount() <= before + 1, "threads left running: " + (Thread.activeCount() - before));
        caller.shutdownNow();
        System.out.println("java-blockingqueue-producer-consumer: ok");
    }
}
