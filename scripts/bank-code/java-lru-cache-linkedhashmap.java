// Check for java-lru-cache-linkedhashmap: LRU order (get refreshes), capacity, remove, bad input,
// and concurrent use from many threads without corrupting the access-ordered list.
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    public static void main(String[] args) throws Exception {
        LruCache<String, Integer> c = new LruCache<>(2);
        c.put("a", 1);
        c.put("b", 2);
        check(c.get("a") == 1, "get a");
        c.put("c", 3);                       // evicts b: a was used more recently
        check(c.get("b") == null, "b evicted");
        check(c.get("a") == 1 && c.get("c") == 3, "a and c kept");
        c.put("a", 10);                      // update refreshes a
        c.put("d", 4);                       // evicts c
        check(c.get("c") == null && c.get("a") == 10 && c.get("d") == 4, "update counts as use");
        check(c.size() == 2, "size bounded");
        check(c.remove("a") == 10 && c.size() == 1 && c.get("a") == null, "remove");
        check(c.remove("zzz") == null, "remove missing");

        for (int bad : new int[] {0, -1}) {
            try {
                new LruCache<String, String>(bad);
                throw new AssertionError("capacity " + bad + " accepted");
            } catch (IllegalArgumentException expected) { }
        }
        LruCache<Integer, Integer> one = new LruCache<>(1);
        one.put(1, 1);
        one.put(2, 2);
        check(one.get(1) == null && one.get(2) == 2, "capacity 1");

        // Concurrency: hammer from 8 threads; a corrupted LinkedHashMap throws or loops.
        LruCache<Integer, Integer> shared = new LruCache<>(100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int seed = t;
            fs.add(pool.submit(() -> {
                Random r = new Random(seed);
                try {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        int k = r.nextInt(300);
                        if (r.nextBoolean()) shared.put(k, k);
                        else {
                            Integer v = shared.get(k);
                            if (v != null && v != k) throw new AssertionError("wrong value");
                        }
                        if (shared.size() > 100) throw new AssertionError("over capacity");
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }));
        }
        start.countDown();
        for (Future<?> f : fs) f.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        check(error.get() == null, "concurrent use failed: " + error.get());
        check(shared.size() == 100, "full after the hammer: " + shared.size());
        System.out.println("java-lru-cache-linkedhashmap: ok");
    }
}
