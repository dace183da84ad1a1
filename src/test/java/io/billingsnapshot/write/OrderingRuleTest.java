package io.billingsnapshot.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OrderingRuleTest {

    @Test
    void withoutAStoredRowTheFirstMessageIsWrittenAndOlderOnesAfterANewerOneAreStale() {
        var resolution = OrderingRule.resolve(messages("11:00", "11:30", "11:10", "11:45"), Optional.empty());

        assertThat(resolution.stale()).containsExactly(false, false, true, false);
        assertThat(resolution.winner()).contains(3);
    }

    @Test
    void anEqualBilledAtOverwritesSoTheLastOfTheNewestWins() {
        var resolution = OrderingRule.resolve(messages("11:30", "11:00", "11:30", "11:30"), Optional.empty());

        assertThat(resolution.stale()).containsExactly(false, true, false, false);
        assertThat(resolution.winner()).contains(3);
    }

    @Test
    void messagesOlderThanTheStoredRowAreStale() {
        var resolution = OrderingRule.resolve(messages("10:00", "10:30", "10:30", "09:00"), Optional.of(at("11:00")));

        assertThat(resolution.stale()).containsOnly(true);
        assertThat(resolution.winner()).isEmpty();
    }

    @Test
    void aMessageAsOldAsTheStoredRowOverwritesIt() {
        var resolution = OrderingRule.resolve(messages("11:00"), Optional.of(at("11:00")));

        assertThat(resolution.stale()).containsExactly(false);
        assertThat(resolution.winner()).contains(0);
    }

    private static List<Instant> messages(String... times) {
        return Stream.of(times).map(OrderingRuleTest::at).toList();
    }

    private static Instant at(String time) {
        return Instant.parse("2026-11-30T" + time + ":00Z");
    }
}
