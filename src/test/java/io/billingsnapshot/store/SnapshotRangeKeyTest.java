package io.billingsnapshot.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotRangeKeyTest {

    private static final UUID ID = UUID.fromString("cccccccc-0000-0000-0000-000000000002");

    @Test
    void itsTextNamesTheRowAndReadsBack() {
        SnapshotRange.Key cursor = new SnapshotRange.Key(Instant.parse("2026-11-30T10:00:00.123456Z"), ID);

        assertThat(cursor).hasToString("2026-11-30T10:00:00.123456Z/cccccccc-0000-0000-0000-000000000002");
        assertThat(SnapshotRange.Key.parse(cursor.toString())).contains(cursor);
    }

    @Test
    void itKeepsTheColumnsPrecision() {
        SnapshotRange.Key cursor = new SnapshotRange.Key(Instant.parse("2026-11-30T10:00:00.1234567Z"), ID);

        assertThat(cursor.billedAt()).isEqualTo(Instant.parse("2026-11-30T10:00:00.123456Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "2026-11-30T10:00:00Z", "cccccccc-0000-0000-0000-000000000002",
            "2026-11-30T10:00:00Z/", "2026-11-30T10:00:00Z/zzz", "2026-11-30 10:00:00Z/cccccccc-0000-0000-0000-000000000002",
            "2026-11-30T10:00:00Z/cccccccc-0-0-0-2"})
    void anythingElseIsNoKey(String text) {
        assertThat(SnapshotRange.Key.parse(text)).isEmpty();
    }
}
