package org.testcontainers.junit.jupiter;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.PostgreSQLContainer;

/** Like the real extension: static @Container fields start before all tests, stop after all. */
public class TestcontainersExtension implements BeforeAllCallback, AfterAllCallback {
    private final List<PostgreSQLContainer<?>> started = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        for (Field f : context.getRequiredTestClass().getDeclaredFields()) {
            if (f.isAnnotationPresent(Container.class) && Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                PostgreSQLContainer<?> c = (PostgreSQLContainer<?>) f.get(null);
                c.start();
                started.add(c);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        started.forEach(PostgreSQLContainer::stop);
        started.clear();
    }
}
