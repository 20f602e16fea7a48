// bank-code: needs postgresql jar:postgresql
// Check for model-order-state-machine-java against real PostgreSQL (JDBC): the transition table,
// illegal moves rejected before I/O, a cancel/ship race with exactly one winner, history and outbox
// rows committed atomically with the status, rollback when a later insert fails, the CHECK guard.
import java.nio.file.*;
import java.sql.*;
import java.util.*;
import java.util.concurrent.*;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getenv("BANK_JDBC_URL"));
    }

    static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String status(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT status FROM orders WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) { rs.next(); return rs.getString(1); }
        }
    }

    public static void main(String[] args) throws Exception {
        OrderStatus C = OrderStatus.CREATED, P = OrderStatus.PAID, S = OrderStatus.SHIPPED,
                    D = OrderStatus.DELIVERED, X = OrderStatus.CANCELLED;
        // The table, exhaustively.
        Set<String> allowed = Set.of("CREATED>PAID", "CREATED>CANCELLED", "PAID>SHIPPED", "PAID>CANCELLED", "SHIPPED>DELIVERED");
        for (OrderStatus a : OrderStatus.values())
            for (OrderStatus b : OrderStatus.values())
                check(a.canMoveTo(b) == allowed.contains(a + ">" + b), a + " -> " + b);
        check(D.isTerminal() && X.isTerminal() && !C.isTerminal() && !S.isTerminal(), "terminal states");

        Connection admin = connect();
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, updated_at timestamptz)");
            st.execute("CREATE TABLE order_status_history (id bigserial PRIMARY KEY, order_id bigint NOT NULL REFERENCES orders, "
                + "from_status text NOT NULL, to_status text NOT NULL, actor text NOT NULL, reason text, at timestamptz DEFAULT now())");
            st.execute("CREATE TABLE outbox (id bigserial PRIMARY KEY, aggregate_id bigint NOT NULL, event_type text NOT NULL, "
                + "payload jsonb NOT NULL CHECK (payload->>'orderId' <> '666'))");   // lets the check force a late failure
            st.execute(Files.readString(Path.of("answer.sql")));
            st.execute("INSERT INTO orders SELECT g, 'CREATED' FROM generate_series(1, 300) g");
            st.execute("INSERT INTO orders VALUES (666, 'CREATED')");
        }
        OrderTransitions tx = new OrderTransitions();

        // Happy path and audit trail.
        Connection c = connect();
        tx.transition(c, 1, C, P, "alice", "card captured");
        tx.transition(c, 1, P, S, "warehouse", null);
        check(status(c, 1).equals("SHIPPED"), "status");
        check(count(c, "SELECT count(*) FROM order_status_history WHERE order_id = 1") == 2, "history rows");
        check(count(c, "SELECT count(*) FROM outbox WHERE aggregate_id = 1 AND payload->>'to' = 'SHIPPED' "
            + "AND payload->>'from' = 'PAID' AND event_type = 'OrderStatusChanged'") == 1, "outbox event");
        check(c.getAutoCommit(), "auto-commit restored");

        // Illegal transition: rejected before touching the database.
        long before = count(c, "SELECT count(*) FROM order_status_history");
        try {
            tx.transition(c, 1, S, C, "mallory", "rewind");
            throw new AssertionError("illegal transition accepted");
        } catch (IllegalStateException expected) { }
        try {
            tx.transition(null, 1, D, X, "x", "y");   // no connection needed to say no
            throw new AssertionError("illegal transition accepted");
        } catch (IllegalStateException expected) { }
        check(count(c, "SELECT count(*) FROM order_status_history") == before, "nothing written");

        // Stale expectation: the caller thinks the order is still CREATED.
        try {
            tx.transition(c, 1, C, P, "bob", "retry");
            throw new AssertionError("stale transition accepted");
        } catch (ConcurrentTransitionException expected) { }
        check(status(c, 1).equals("SHIPPED") && count(c, "SELECT count(*) FROM order_status_history") == before, "unchanged");

        // A later insert fails: the status change rolls back with it.
        try {
            tx.transition(c, 666, C, P, "alice", null);
            throw new AssertionError("outbox failure ignored");
        } catch (SQLException expected) { }
        check(status(c, 666).equals("CREATED"), "status rolled back with the failed outbox insert");
        check(count(c, "SELECT count(*) FROM order_status_history WHERE order_id = 666") == 0, "history rolled back");
        check(c.getAutoCommit(), "auto-commit restored after failure");

        // Race: cancel and ship the same PAID order from two connections; exactly one wins.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        int shipped = 0, cancelled = 0;
        for (long id = 100; id < 160; id++) {
            tx.transition(c, id, C, P, "setup", null);
            final long oid = id;
            CyclicBarrier go = new CyclicBarrier(2);
            Callable<Boolean> ship = () -> { try (Connection k = connect()) { go.await(); tx.transition(k, oid, P, S, "w", null); return true; }
                catch (ConcurrentTransitionException e) { return false; } };
            Callable<Boolean> cancel = () -> { try (Connection k = connect()) { go.await(); tx.transition(k, oid, P, X, "u", null); return true; }
                catch (ConcurrentTransitionException e) { return false; } };
            Future<Boolean> a = pool.submit(ship), b = pool.submit(cancel);
            boolean sa = a.get(10, TimeUnit.SECONDS), sb = b.get(10, TimeUnit.SECONDS);
            check(sa ^ sb, "order " + id + ": exactly one of ship/cancel must win (" + sa + ", " + sb + ")");
            String st = status(c, id);
            check(st.equals(sa ? "SHIPPED" : "CANCELLED"), "final status matches the winner: " + st);
            if (sa) shipped++; else cancelled++;
            check(count(c, "SELECT count(*) FROM order_status_history WHERE order_id = " + id) == 2, "one history row per real transition");
            check(count(c, "SELECT count(*) FROM outbox WHERE aggregate_id = " + id) == 2, "one event per real transition");
        }
        pool.shutdown();
        check(shipped + cancelled == 60, "60 races");

        // The CHECK constraint guards against writers that bypass the enum.
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE orders SET status = 'LOST' WHERE id = 2");
            throw new AssertionError("CHECK constraint missing");
        } catch (SQLException e) {
            check("23514".equals(e.getSQLState()), "check_violation, got " + e.getSQLState());
        }
        System.out.println("model-order-state-machine-java: ok (" + shipped + " shipped, " + cancelled + " cancelled wins)");
    }
}
