package org.polyspan;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of the shared gold data sets, read where they are ({@code ../shared/data} from the project root, or the system
 * property {@code polyspan.shared.data}); they are never copied into the project. A test that needs a missing file is
 * skipped with a message naming it, as on a user's machine without the data. Where the data must be there (CI, and
 * {@code integ-test/run-tests.sh}, which sets {@value #REQUIRE_ENV}), the test fails instead, so it can never be
 * skipped silently.
 */
public final class GoldData {
    public static final String PROPERTY = "polyspan.shared.data";
    public static final String REQUIRE_ENV = "POLYSPAN_REQUIRE_GOLD_DATA";

    private GoldData() {}

    /** The root of the shared data sets. */
    public static Path root() {
        return Path.of(System.getProperty(PROPERTY, "../shared/data"));
    }

    /** Whether a missing file fails the test: {@value #REQUIRE_ENV} is set, or {@code CI=true}. */
    public static boolean required() {
        return System.getenv(REQUIRE_ENV) != null || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** {@code relative} under {@link #root()}; skips the calling test (or fails it, see {@link #required()}) when it is missing. */
    public static Path file(String relative) {
        return file(root(), relative, required());
    }

    static Path file(Path root, String relative, boolean required) {
        Path file = root.resolve(relative);
        if (Files.isRegularFile(file)) {
            return file;
        }
        String message = "gold data file " + file.toAbsolutePath().normalize() + " is missing: the shared data sets are read from "
                + "../shared/data (or -D" + PROPERTY + "=DIR), see README, section Tests and the gold data";
        if (required) {
            Assertions.fail(message + " [" + REQUIRE_ENV + " or CI=true: the data is required here]");
        }
        Assumptions.assumeTrue(false, message);
        return file; // not reached: the assumption aborts the test
    }
}
