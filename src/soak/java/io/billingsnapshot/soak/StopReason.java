package io.billingsnapshot.soak;

/** Why the driver stopped polling. */
public enum StopReason {
    /** No visible, in-flight or delayed message was left on the source queue. */
    DRAINED,
    /** The time budget ran out first; messages may be left (see the report). */
    TIME_BUDGET
}
