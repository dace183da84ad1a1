package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.billingsnapshot.testing.OutboxBacklog;
import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox's statements on a real PostgreSQL: what they count, what they claim, how long they may wait. */
class OutboxTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration LEASE = Duration.ofMinutes(16);
    private static final Duration PLENTY = Duration.ofSeconds(30);

    private final TestDatabase.Db db = TestDatabase.server().createDatabase();
    private final Outbox outbox = new Outbox();
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = db.connect();
        c.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @Test
    void pendingIsCountedExactlyUpToTheCapAndNeverReportedBelowItBeyond() throws SQLException {
        OutboxBacklog.add(db, 1, Outbox.COUNTED_UP_TO, NOW.minusSeconds(600));
        assertThat(outbox.stats(c, PLENTY).pending()).isEqualTo(Outbox.COUNTED_UP_TO);

        OutboxBacklog.add(db, Outbox.COUNTED_UP_TO + 1, Outbox.COUNTED_UP_TO + 500, NOW.minusSeconds(300));

        Outbox.Stats stats = outbox.stats(c, PLENTY);
        assertThat(stats.pending()).as("an estimate past the cap").isGreaterThan(Outbox.COUNTED_UP_TO);
        assertThat(stats.oldestCreatedAt()).contains(NOW.minusSeconds(600).plusNanos(1_000));
        assertThat(stats.quarantined()).isZero();
    }

    @Test
    void aSetAsideDeltaLeavesTheClaimsRangeAndIsCountedApart() throws SQLException {
        OutboxBacklog.add(db, 1, 3, NOW.minusSeconds(600));
        outbox.quarantine(c, Set.of(OutboxBacklog.deltaId(1)), Outbox.QuarantineReason.REFUSED_BY_SQS, NOW, PLENTY);
        c.commit();

        Outbox.Claim claim = outbox.claimPending(c, List.of(), NOW, LEASE, 10, PLENTY);
        c.commit();

        assertThat(claim.deltas()).extracting(d -> d.deltaId())
                .containsExactlyInAnyOrder(OutboxBacklog.deltaId(2), OutboxBacklog.deltaId(3));
        assertThat(claim.before().pending()).isEqualTo(2);
        assertThat(claim.before().quarantined()).isEqualTo(1);
        assertThat(claim.before().oldestCreatedAt()).as("of the rows not claimed: none")
                .isEmpty();
        assertThat(outbox.stats(c, PLENTY).oldestCreatedAt()).as("the set-aside delta is not the oldest pending")
                .contains(NOW.minusSeconds(600).plusNanos(2_000));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // without the bound it would wait forever
    void aStatementWaitingOnALockedRowIsCancelledWhenItsTimeIsUp() throws SQLException {
        OutboxBacklog.add(db, 1, 1, NOW.minusSeconds(600));
        try (Connection holder = db.connect(); PreparedStatement lock = holder.prepareStatement(
                "SELECT 1 FROM billing_quota_delta_outbox FOR UPDATE")) {
            holder.setAutoCommit(false);
            lock.executeQuery().close(); // an operator's transaction holding the row

            assertThatThrownBy(() -> outbox.delete(c, Set.of(OutboxBacklog.deltaId(1)), Duration.ofMillis(300)))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            holder.rollback();
        }
    }
}
