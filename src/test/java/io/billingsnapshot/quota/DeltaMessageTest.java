package io.billingsnapshot.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.billingsnapshot.billing.Adjustment;
import io.billingsnapshot.billing.QuotaDelta;
import io.billingsnapshot.testing.PublishedMessage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeltaMessageTest {

    @Test
    void packsDeltasInOrderIntoMessagesOfAtMostTheLimitInUtf8Bytes() {
        List<QuotaDelta> deltas = deltas(50, "€uro"); // three bytes a euro sign: bytes, not chars, count
        int oneDelta = utf8(DeltaJson.write(deltas.get(0)));
        int limit = 13 + 4 * oneDelta + 3; // exactly four deltas a message

        List<DeltaMessage> messages = DeltaMessage.pack(deltas, limit);

        assertThat(messages).hasSize(13);
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.bytes()).isEqualTo(utf8(m.body())).isLessThanOrEqualTo(limit);
            // No currency but USD is ever written, so a consumer's schema refuses this one: the
            // body is checked as the envelope around the deltas' own JSON, in order.
            assertThat(m.body()).isEqualTo(envelope(m.deltas()));
        });
        assertThat(messages.get(0).bytes()).isEqualTo(limit);
        assertThat(messages.stream().flatMap(m -> m.deltas().stream()).toList()).isEqualTo(deltas);
    }

    @Test
    void groupsMessagesIntoCallsOfAtMostTenEntriesAndOneMebibyte() {
        List<DeltaMessage> small = DeltaMessage.pack(deltas(25, "USD"), 300); // one delta a message
        assertThat(DeltaMessage.calls(small)).extracting(List::size).containsExactly(10, 10, 5);

        List<DeltaMessage> large = DeltaMessage.pack(deltas(9_000, "USD"), 262_144);
        assertThat(large).hasSize(9);
        assertThat(DeltaMessage.calls(large)).extracting(List::size).containsExactly(4, 4, 1);
        assertThat(DeltaMessage.calls(large)).allSatisfy(call ->
                assertThat(call.stream().mapToLong(DeltaMessage::bytes).sum()).isLessThanOrEqualTo(1_048_576));
    }

    private static String envelope(List<QuotaDelta> deltas) {
        return "{\"deltas\":[" + String.join(",", deltas.stream().map(DeltaJson::write).toList()) + "]}";
    }

    @Test
    void halvesKeepTheOrderAndTheBodiesOfTheirDeltas() {
        DeltaMessage message = DeltaMessage.pack(deltas(5, "USD"), 262_144).get(0);

        List<DeltaMessage> halves = message.halves();

        assertThat(halves).extracting(m -> m.deltas().size()).containsExactly(2, 3);
        assertThat(halves).allSatisfy(m -> {
            assertThat(m.bytes()).isEqualTo(utf8(m.body()));
            assertThat(PublishedMessage.deltas(m.body())).isEqualTo(m.deltas());
        });
        assertThat(halves.get(0).bytes() + halves.get(1).bytes()).isEqualTo(message.bytes() + 13 - 1);
    }

    @Test
    void theDeduplicationIdDependsOnExactlyTheSetOfDeltaIds() {
        List<QuotaDelta> deltas = deltas(3, "USD");
        List<QuotaDelta> reversed = new ArrayList<>(deltas);
        Collections.reverse(reversed);
        String id = DeltaMessage.pack(deltas, 262_144).get(0).deduplicationId();

        assertThat(DeltaMessage.pack(reversed, 262_144).get(0).deduplicationId()).isEqualTo(id);
        assertThat(DeltaMessage.pack(deltas.subList(0, 2), 262_144).get(0).deduplicationId()).isNotEqualTo(id);
        assertThat(id).matches("[0-9a-f]{64}"); // within SQS's 128 characters
    }

    private static List<QuotaDelta> deltas(int count, String currency) {
        List<QuotaDelta> deltas = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            deltas.add(new QuotaDelta(UUID.randomUUID(), UUID.randomUUID(), Instant.parse("2026-11-30T11:00:00Z"), currency,
                    List.of(new Adjustment(Adjustment.Scope.API_KEY, UUID.randomUUID(), new BigDecimal("1.2500000000")))));
        }
        return deltas;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
