package io.billingsnapshot.metrics;

/** The counters this function emits (docs/design.md §11), by their CloudWatch names. */
public enum Metric {
    MESSAGES_PROCESSED("MessagesProcessed"),
    SNAPSHOTS_WRITTEN("SnapshotsWritten"),
    INVALID_MESSAGES("InvalidMessages"),
    BATCH_ITEM_FAILURES("BatchItemFailures"),
    STALE_MESSAGES("StaleMessages"),
    DELTAS_PUBLISHED("DeltasPublished"),
    DELTA_PUBLISH_FAILURES("DeltaPublishFailures"),
    SET_SPLITS("SetSplits");

    /** The FK-retry counter, emitted with dimension {@value #COLUMN_DIMENSION}. */
    public static final String FK_RETRIES = "FkRetries";
    public static final String COLUMN_DIMENSION = "Column";
    /** Unbilled rows written, emitted with dimension {@value #REASON_DIMENSION} (the unbillable reason). */
    public static final String UNBILLED_REQUESTS = "UnbilledRequests";
    public static final String REASON_DIMENSION = "Reason";
    public static final String BATCH_DURATION = "BatchDuration";

    private final String metricName;

    Metric(String metricName) {
        this.metricName = metricName;
    }

    public String metricName() {
        return metricName;
    }
}
