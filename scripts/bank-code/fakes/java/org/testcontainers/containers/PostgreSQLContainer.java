package org.testcontainers.containers;

/** Fake: the runner's throw-away PostgreSQL cluster instead of a Docker container. */
public class PostgreSQLContainer<SELF extends PostgreSQLContainer<SELF>> implements AutoCloseable {
    private final String image;
    private boolean running;

    public PostgreSQLContainer(String dockerImageName) {
        if (dockerImageName == null || !dockerImageName.contains(":")) {
            throw new IllegalArgumentException("pin an image tag, e.g. postgres:16-alpine");
        }
        this.image = dockerImageName;
    }

    public String getDockerImageName() { return image; }

    public void start() {
        if (System.getenv("PGPORT") == null) throw new IllegalStateException("no PostgreSQL from the runner");
        running = true;
    }

    public void stop() { running = false; }

    public boolean isRunning() { return running; }

    @Override
    public void close() { stop(); }

    private void requireRunning() {
        if (!running) throw new IllegalStateException("Mapped port can only be obtained after the container is started");
    }

    public String getJdbcUrl() {
        requireRunning();
        return "jdbc:postgresql://127.0.0.1:" + System.getenv("PGPORT") + "/" + System.getenv("PGDATABASE");
    }

    public String getUsername() { return System.getenv("PGUSER"); }

    public String getPassword() { return ""; }

    public String getDatabaseName() { return System.getenv("PGDATABASE"); }
}
