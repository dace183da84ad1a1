package io.billingsnapshot.priming;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The classes a real run of the function loads from its jar and the JDK, as the build listed them
 * ({@value #RESOURCE}, made by {@code ./mvnw -q -DskipTests package exec:exec@class-list}): what
 * the synthetic batch does not reach, chiefly the database driver's connection and protocol
 * classes, the SDK's credentials chain and HTTP response handling. Loaded before the snapshot, not
 * initialised: loading has no side effect, and a static initialiser runs where the code first
 * needs it, as without priming.
 */
final class ClassList {

    static final String RESOURCE = "classes.txt";

    /** What loading the list found: an entry that is missing (another JDK, a changed dependency) is skipped. */
    record Loaded(int loaded, int missing) {
    }

    private ClassList() {
    }

    static Loaded load(ClassLoader loader) {
        int loaded = 0;
        int missing = 0;
        try (InputStream in = ClassList.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String name = line.strip();
                if (name.isEmpty() || name.startsWith("#")) {
                    continue;
                }
                try {
                    Class.forName(name, false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    missing++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Loaded(loaded, missing);
    }
}
