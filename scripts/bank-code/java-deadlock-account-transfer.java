// Check for java-deadlock-account-transfer: the broken version really deadlocks and the watchdog
// finds it; the ordered and tryLock versions never deadlock under contention, conserve money, and
// reject bad amounts and overdrafts.
import java.lang.management.ThreadInfo;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.ReentrantLock;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public static void main(String[] args) throws Exception {
        // 1. Broken: opposite lock orders deadlock; ThreadMXBean sees the cycle.
        Account a = new Account(1, 1_000_000_000L), b = new Account(2, 1_000_000_000L);
        daemon(() -> { while (true) BrokenTransfers.transfer(a, b, 1); });
        daemon(() -> { while (true) BrokenTransfers.transfer(b, a, 1); });
        List<ThreadInfo> found = List.of();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (found.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
            found = DeadlockWatchdog.findDeadlocks();
        }
        check(found.size() == 2, "expected the broken transfer to deadlock two threads, found " + found.size());
        for (ThreadInfo info : found) {
            check(info.getLockName() != null && info.getLockOwnerName() != null, "lock info present");
        }

        // 2. Ordered locking: heavy random cross transfers finish, money is conserved.
        int n = 10;
        Account[] acc = new Account[n];
        for (int i = 0; i < n; i++) acc[i] = new Account(100 + i, 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicInteger refused = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int seed = t;
            fs.add(pool.submit(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < 50_000; i++) {
                    Account from = acc[r.nextInt(n)], to = acc[r.nextInt(n)];
                    try {
                        OrderedTransfers.transfer(from, to, 1 + r.nextInt(500));
                    } catch (IllegalStateException e) {
                        refused.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);   // a deadlock would time out here
        long total = 0;
        for (Account x : acc) {
            synchronized (x) {
                check(x.balance() >= 0, "overdrawn: " + x.balance());
                total += x.balance();
            }
        }
        check(total == 10L * 10_000, "money not conserved: " + total);
        check(DeadlockWatchdog.findDeadlocks().size() == 2, "only the broken pair is deadlocked");

        Account c = new Account(7, 100), d = new Account(8, 0);
        for (long bad : new long[] {0, -5}) {
            try {
                OrderedTransfers.transfer(c, d, bad);
                throw new AssertionError("amount " + bad + " accepted");
            } catch (IllegalArgumentException expected) { }
        }
        try {
            OrderedTransfers.transfer(c, d, 101);
            throw new AssertionError("overdraft accepted");
        } catch (IllegalStateException expected) { }
        OrderedTransfers.transfer(c, c, 50);
        check(c.balance() == 100, "self transfer is a no-op");
        OrderedTransfers.transfer(d.id() > c.id() ? c : d, d.id() > c.id() ? d : c, 30);
        check(c.balance() + d.balance() == 100, "conserved");

        // 3. tryLock with backoff: opposite orders, no deadlock, every call returns, money conserved.
        Account e = new Account(20, 1_000_000), f = new Account(21, 1_000_000);
        ReentrantLock le = new ReentrantLock(), lf = new ReentrantLock();
        AtomicInteger done = new AtomicInteger(), gaveUp = new AtomicInteger();
        List<Future<?>> gs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            final boolean forward = t % 2 == 0;
            gs.add(pool.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    boolean ok = forward ? TryLockTransfers.transfer(e, f, 3, le, lf)
                                         : TryLockTransfers.transfer(f, e, 3, lf, le);
                    (ok ? done : gaveUp).incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> g : gs) g.get(60, TimeUnit.SECONDS);
        check(done.get() + gaveUp.get() == 8_000 && done.get() > 0, "all calls returned: " + done + "/" + gaveUp);
        check(e.balance() + f.balance() == 2_000_000, "tryLock transfers conserve money");
        check(!le.isLocked() && !lf.isLocked(), "locks released");
        Account g = new Account(30, 5), h = new Account(31, 0);
        try {
            TryLockTransfers.transfer(g, h, 6, new ReentrantLock(), new ReentrantLock());
            throw new AssertionError("overdraft accepted");
        } catch (IllegalStateException expected) { }
        // Held by someone else for longer than the 1 s budget: gives up, returns false.
        ReentrantLock held = new ReentrantLock();
        CountDownLatch locked = new CountDownLatch(1), release = new CountDownLatch(1);
        daemon(() -> { held.lock(); locked.countDown(); try { release.await(); } catch (InterruptedException x) { } held.unlock(); });
        locked.await();
        long t0 = System.nanoTime();
        check(!TryLockTransfers.transfer(g, h, 1, new ReentrantLock(), held), "gives up");
        double secs = (System.nanoTime() - t0) / 1e9;
        check(secs >= 0.9 && secs < 3, "gave up after about 1 s: " + secs);
        release.countDown();
        check(g.balance() == 5 && h.balance() == 0, "nothing moved when giving up");
        pool.shutdown();
        System.out.println("java-deadlock-account-transfer: ok");
        System.exit(0);   // the deliberately deadlocked daemon threads stay stuck
    }
}
