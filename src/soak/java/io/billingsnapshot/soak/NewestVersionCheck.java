package io.billingsnapshot.soak;

import io.billingsnapshot.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The ordering rule (docs/design.md §5), checked at the end: whatever order the versions of
 * a request arrived in, its snapshot holds the newest one (a later-arriving older version is stale). Requests
 * with a version in the DLQ are skipped: that version may be the newest and never applied.
 */
final class NewestVersionCheck {

    private static final String SNAPSHOTS = """
            SELECT request_log_id, billed_at, completion_tokens FROM request_billing_snapshots""";

    private NewestVersionCheck() {
    }

    /** One line per request whose snapshot is not its newest version; empty when all are. */
    static List<String> violations(TestDatabase.Db db, Map<UUID, ChaosWorkload.Version> newest,
            Collection<DeadLetter> deadLetters) {
        Set<UUID> skipped = deadLetters.stream().map(d -> SentMessage.of(d.messageId(), d.body()).requestLogId())
                .filter(Objects::nonNull).collect(Collectors.toSet());
        Map<UUID, ChaosWorkload.Version> stored = stored(db);
        List<String> violations = new ArrayList<>();
        newest.forEach((requestLogId, expected) -> {
            ChaosWorkload.Version actual = stored.get(requestLogId);
            if (actual != null && !skipped.contains(requestLogId) && !actual.equals(expected)) {
                violations.add(String.format(Locale.ROOT,
                        "request %s holds the version of %s (%d completion tokens), not the newest %s (%d)",
                        requestLogId, actual.billedAt(), actual.completionTokens(), expected.billedAt(),
                                expected.completionTokens()));
            }
        });
        return violations;
    }

    private static Map<UUID, ChaosWorkload.Version> stored(TestDatabase.Db db) {
        Map<UUID, ChaosWorkload.Version> stored = new HashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SNAPSHOTS)) {
            while (rs.next()) {
                Instant billedAt = rs.getTimestamp(2).toInstant();
                stored.put(rs.getObject(1, UUID.class), new ChaosWorkload.Version(billedAt, rs.getInt(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the snapshots: " + e.getMessage(), e);
        }
        return stored;
    }
}
