// bank-code: needs postgresql jar:postgresql jar:junit-platform-console-standalone
// Check for test-testcontainers-repository: runs the answer's JUnit 5 class with the JUnit Platform
// launcher. Docker is not available here, so the Testcontainers fake (scripts/bank-code/fakes/java)
// hands out the runner's throw-away PostgreSQL; the SQL runs on a real server. Both tests must
// pass, per-test rollback must leave no data, and the repository must behave as described.
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.sql.*;
import java.util.*;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

class Check {
    static void check(boolean ok, String what) {
        if (!ok) throw new AssertionError(what);
    }

    public static void main(String[] args) throws Exception {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(CustomerRepositoryIT.class)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        summary.printFailuresTo(new PrintWriter(System.out, true), 30);
        check(summary.getTotalFailureCount() == 0, summary.getTotalFailureCount() + " failures");
        check(summary.getTestsSucceededCount() == 2, "2 tests should pass, " + summary.getTestsSucceededCount() + " did");

        try (Connection c = DriverManager.getConnection(System.getenv("BANK_JDBC_URL"))) {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM customers")) {
                rs.next();
                check(rs.getLong(1) == 0, "per-test rollback must leave no rows, found " + rs.getLong(1));
            }
            // The repository itself, outside the test class: duplicate handling keeps the transaction usable.
            c.setAutoCommit(false);
            CustomerRepository repo = new CustomerRepository(c);
            UUID id = UUID.randomUUID();
            repo.insert(new Customer(id, "grace@example.com", "Grace"));
            try {
                repo.insert(new Customer(UUID.randomUUID(), "grace@example.com", "Other"));
                throw new AssertionError("duplicate accepted");
            } catch (DuplicateEmailException expected) { }
            check(repo.findByEmail("grace@example.com").orElseThrow().name().equals("Grace"), "original kept");
            check(repo.findByEmail("nobody@example.com").isEmpty(), "missing -> empty");
            check(repo.findByEmail("' OR '1'='1").isEmpty(), "parameters, not concatenation");
            c.commit();
            check(repo.findByEmail("grace@example.com").orElseThrow().id().equals(id), "committed");
        }
        System.out.println("test-testcontainers-repository: ok");
    }
}
