package io.billingsnapshot.testing;

import io.billingsnapshot.config.EnvVars;
import java.util.HashMap;
import java.util.Map;

/**
 * The two granularities of the one write engine, chosen as a deployment chooses them, with
 * {@code WHOLE_BATCH_MIN_SIZE}: every record a set of one, or every batch one set, even of one record.
 */
public enum Granularity {
    SETS_OF_ONE("0"),
    WHOLE_BATCH("1");

    private final String wholeBatchMinSize;

    Granularity(String wholeBatchMinSize) {
        this.wholeBatchMinSize = wholeBatchMinSize;
    }

    /** {@code base} with this granularity set. */
    public Map<String, String> environment(Map<String, String> base) {
        Map<String, String> env = new HashMap<>(base);
        env.put(EnvVars.WHOLE_BATCH_MIN_SIZE, wholeBatchMinSize);
        return env;
    }
}
