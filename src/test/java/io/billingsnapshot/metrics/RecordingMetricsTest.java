package io.billingsnapshot.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.ReferenceColumn;
import io.billingsnapshot.testing.RecordingMetrics;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordingMetricsTest {

    @Test
    void recordsCountsRetriesDurationAndFlushesOfEachInvocation() {
        RecordingMetrics.Factory factory = RecordingMetrics.factory();
        Metrics first = factory.newInvocation();
        first.count(Metric.MESSAGES_PROCESSED, 3);
        first.increment(Metric.MESSAGES_PROCESSED);
        first.fkRetry(ReferenceColumn.UPSTREAM);
        first.batchDuration(Duration.ofMillis(7));
        first.flush();
        factory.newInvocation().flush();

        RecordingMetrics recorded = factory.created().get(0);
        assertThat(recorded.counted(Metric.MESSAGES_PROCESSED)).isEqualTo(4);
        assertThat(recorded.counted(Metric.SNAPSHOTS_WRITTEN)).isZero();
        assertThat(recorded.fkRetries(ReferenceColumn.UPSTREAM)).isEqualTo(1);
        assertThat(recorded.fkRetriesTotal()).isEqualTo(1);
        assertThat(recorded.batchDuration()).contains(Duration.ofMillis(7));
        assertThat(recorded.flushes()).isEqualTo(1);
        assertThat(recorded.recordedAfterFlush()).isFalse();
        assertThat(factory.created()).hasSize(2);
        assertThat(factory.last().counted(Metric.MESSAGES_PROCESSED)).isZero();
    }

    @Test
    void tellsWhenSomethingWasCountedAfterTheFlushThatProductionWouldDrop() {
        RecordingMetrics metrics = (RecordingMetrics) RecordingMetrics.factory().newInvocation();
        metrics.flush();

        metrics.increment(Metric.DELTAS_PUBLISHED);

        assertThat(metrics.recordedAfterFlush()).isTrue();
    }
}
