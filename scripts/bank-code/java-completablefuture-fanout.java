// Check for java-completablefuture-fanout: order and recommendations in parallel, customer after
// the order, timeouts (order 400 ms, customer 300 ms) fail the view, recommendations fall back to
// an empty list on timeout or error, failures carry their cause, calls run on the given pool.
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static void sleep(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    static Set<String> threads = ConcurrentHashMap.newKeySet();

    static OrderViewService service(long orderMs, long customerMs, long recoMs, RuntimeException orderErr,
                                    RuntimeException customerErr, RuntimeException recoErr, ExecutorService io,
                                    AtomicReference<String> customerAsked) {
        OrderClient o = id -> { threads.add(Thread.currentThread().getName()); sleep(orderMs);
            if (orderErr != null) throw orderErr; return new Order(id, "c-" + id); };
        CustomerClient c = id -> { threads.add(Thread.currentThread().getName()); customerAsked.set(id); sleep(customerMs);
            if (customerErr != null) throw customerErr; return new Customer(id, "Ada"); };
        RecoClient r = id -> { threads.add(Thread.currentThread().getName()); sleep(recoMs);
            if (recoErr != null) throw recoErr; return List.of(new Product("sku-1")); };
        return new OrderViewService(o, c, r, io);
    }

    static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the view to fail");
    }

    public static void main(String[] args) throws Exception {
        ThreadFactory tf = r -> { Thread t = new Thread(r, "io-" + UUID.randomUUID()); t.setDaemon(true); return t; };
        ExecutorService io = Executors.newFixedThreadPool(8, tf);
        AtomicReference<String> asked = new AtomicReference<>();

        // Happy path; order and recommendations overlap, customer follows the order.
        long t0 = System.nanoTime();
        OrderView v = service(150, 100, 200, null, null, null, io, asked).load("o1").get(5, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        check(v.order().id().equals("o1") && v.customer().name().equals("Ada"), "view: " + v);
        check(asked.get().equals("c-o1"), "customer looked up by the order's customer id");
        check(v.recommendations().equals(List.of(new Product("sku-1"))), "recommendations");
        check(ms >= 240 && ms < 400, "order+customer (250 ms) in parallel with recs (200 ms), took " + ms);
        check(threads.stream().allMatch(n -> n.startsWith("io-")), "calls run on the I/O pool: " + threads);

        // Optional recommendations: slow -> empty list after 250 ms, error -> empty list.
        v = service(10, 10, 2_000, null, null, null, io, asked).load("o2").get(5, TimeUnit.SECONDS);
        check(v.recommendations().isEmpty(), "slow recs fall back");
        v = service(10, 10, 10, null, null, new IllegalStateException("recs down"), io, asked).load("o3").get(5, TimeUnit.SECONDS);
        check(v.recommendations().isEmpty(), "failed recs fall back");

        // Required calls: timeouts and errors fail the view with the cause.
        t0 = System.nanoTime();
        Throwable e = failure(service(2_000, 10, 10, null, null, null, io, asked).load("o4"));
        ms = (System.nanoTime() - t0) / 1_000_000;
        check(e instanceof TimeoutException, "order timeout: " + e);
        check(ms >= 380 && ms < 800, "order timeout after ~400 ms, took " + ms);
        t0 = System.nanoTime();
        e = failure(service(50, 2_000, 10, null, null, null, io, asked).load("o5"));
        ms = (System.nanoTime() - t0) / 1_000_000;
        check(e instanceof TimeoutException, "customer timeout: " + e);
        check(ms >= 330 && ms < 800, "customer timeout after order + ~300 ms, took " + ms);
        e = failure(service(10, 10, 10, new NoSuchElementException("no order o6"), null, null, io, asked).load("o6"));
        check(e instanceof NoSuchElementException, "order error cause: " + e);
        asked.set(null);
        failure(service(10, 10, 10, new NoSuchElementException("x"), null, null, io, asked).load("o7"));
        check(asked.get() == null, "customer not called when the order failed");
        e = failure(service(10, 10, 10, null, new IllegalArgumentException("customer gone"), null, io, asked).load("o8"));
        check(e instanceof IllegalArgumentException, "customer error cause: " + e);

        // Several concurrent views on the bounded pool complete.
        OrderViewService svc = service(20, 20, 20, null, null, null, io, asked);
        List<CompletableFuture<OrderView>> many = new ArrayList<>();
        for (int i = 0; i < 10; i++) many.add(svc.load("m" + i));
        for (var f : many) check(f.get(10, TimeUnit.SECONDS).customer() != null, "bulk");
        // A saturated pool: time queued counts against the timeout, so views fail fast, never hang.
        many.clear();
        t0 = System.nanoTime();
        for (int i = 0; i < 300; i++) many.add(svc.load("s" + i));
        int timedOut = 0;
        for (var f : many) {
            try { f.get(10, TimeUnit.SECONDS); } catch (ExecutionException x) {
                check(x.getCause() instanceof TimeoutException, "saturation shows up as timeouts: " + x.getCause());
                timedOut++;
            }
        }
        check(timedOut > 0, "900 calls of 20 ms on 8 threads cannot all meet a 400 ms budget");
        io.shutdownNow();
        System.out.println("java-completablefuture-fanout: ok");
    }
}
