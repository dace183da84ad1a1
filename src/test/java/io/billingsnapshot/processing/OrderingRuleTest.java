package io.billingsnapshot.processing;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.BillingStatus;
import io.billingsnapshot.billing.References;
import io.billingsnapshot.billing.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OrderingRuleTest {

    private static final UUID REQUEST = UUID.randomUUID();

    @Test
    void withoutAStoredRowTheFirstMessageIsWrittenAndOlderOnesAfterANewerOneAreStale() {
        var resolution = OrderingRule.resolve(messages("11:00", "11:30", "11:10", "11:45"), Optional.empty());

        assertThat(resolution.stale()).containsExactly(false, false, true, false);
        assertThat(resolution.winner()).contains(3);
        assertThat(resolution.row().promptTokens()).isEqualTo(3);
    }

    @Test
    void anEqualBilledAtOverwritesSoTheLastOfTheNewestWins() {
        var resolution = OrderingRule.resolve(messages("11:30", "11:00", "11:30", "11:30"), Optional.empty());

        assertThat(resolution.stale()).containsExactly(false, true, false, false);
        assertThat(resolution.winner()).contains(3);
    }

    @Test
    void messagesOlderThanTheStoredRowAreStaleAndTheNewestOneIsStillSentForTheUpsertToFilter() {
        var resolution = OrderingRule.resolve(messages("10:00", "10:30", "10:30", "09:00"), Optional.of(at("11:00")));

        assertThat(resolution.stale()).containsOnly(true);
        assertThat(resolution.winner()).isEmpty();
        assertThat(resolution.row().promptTokens()).as("the last of the newest").isEqualTo(2);
    }

    @Test
    void aMessageAsOldAsTheStoredRowOverwritesIt() {
        var resolution = OrderingRule.resolve(messages("11:00"), Optional.of(at("11:00")));

        assertThat(resolution.stale()).containsExactly(false);
        assertThat(resolution.winner()).contains(0);
    }

    @Test
    void timesAreComparedWithWhatTheColumnStoresMicrosecondsRoundedHalfUp() {
        // Stored one by one, .0000006 becomes .000001, and .0000008 is then older than that.
        Instant first = at("11:00").plusNanos(600);
        Instant second = at("11:00").plusNanos(800);

        var resolution = OrderingRule.resolve(List.of(snapshot(first, 0), snapshot(second, 1)), Optional.empty());

        assertThat(resolution.stale()).containsExactly(false, true);
        assertThat(resolution.winner()).contains(0);
    }

    private static List<Snapshot> messages(String... times) {
        Snapshot[] snapshots = new Snapshot[times.length];
        for (int i = 0; i < times.length; i++) {
            snapshots[i] = snapshot(at(times[i]), i);
        }
        return List.of(snapshots);
    }

    private static Instant at(String time) {
        return Instant.parse("2026-11-30T" + time + ":00Z");
    }

    /** A row told apart by its prompt tokens (the message's index). */
    private static Snapshot snapshot(Instant billedAt, int index) {
        return new Snapshot(REQUEST, References.NONE, "gpt-4o", null, "unknown", BillingStatus.UNBILLED, "usage_missing",
                null, null, null, null, null, null, null, null, null, null, null, null,
                index, 0, 0, 0, 0, null, null, null, Snapshot.CURRENCY, billedAt);
    }
}
