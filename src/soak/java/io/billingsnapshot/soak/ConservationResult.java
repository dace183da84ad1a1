package io.billingsnapshot.soak;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome of a {@link ConservationCheck}: the figures, and every violation found (none
 * means it passed). {@link #report()} is what the soak prints.
 */
public record ConservationResult(
        int apiKeysChecked,
        int upstreamsChecked,
        long outboxRows,
        int messagesSent,
        int snapshotted,
        int deadLettered,
        List<String> vanishedMessageIds,
        Map<String, Long> deadLettersByReason,
        String deltas,
        List<SumMismatch> sumMismatches,
        List<String> violations) {

    /**
     * An API key or upstream whose published adjustments do not add up to its billed
     * snapshots: {@link #missing()} is the money the quota tracker never heard of (negative:
     * counted twice, or a correction that never arrived).
     */
    public record SumMismatch(AdjustmentTarget target, BigDecimal billed, BigDecimal published) {

        public BigDecimal missing() {
            return billed.subtract(published);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "%s: published adjustments sum to %s but billed snapshots to %s (off by %s)", target,
                    published.toPlainString(), billed.toPlainString(),
                    published.subtract(billed).stripTrailingZeros().toPlainString());
        }
    }

    private static final int VIOLATIONS_SHOWN = 20;

    public ConservationResult {
        vanishedMessageIds = List.copyOf(vanishedMessageIds);
        deadLettersByReason = Map.copyOf(deadLettersByReason);
        sumMismatches = List.copyOf(sumMismatches);
        violations = List.copyOf(violations);
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    public String report() {
        StringBuilder report = new StringBuilder()
                .append("Conservation check: ").append(passed() ? "PASSED" : "FAILED").append('\n')
                .append(String.format(Locale.ROOT,
                        "  quota sums   : %d API keys and %d upstreams checked against their billed snapshots%n",
                        apiKeysChecked, upstreamsChecked))
                .append(String.format(Locale.ROOT, "  outbox       : %d rows left%n", outboxRows))
                .append(String.format(Locale.ROOT, "  messages     : %d sent, %d snapshotted, %d dead-lettered, %d vanished%n",
                        messagesSent, snapshotted, deadLettered, vanishedMessageIds.size()))
                .append("  dead letters : ").append(byReason()).append('\n')
                .append("  deltas       : ").append(deltas).append('\n');
        if (!passed()) {
            report.append("  violations   : ").append(violations.size()).append('\n');
            violations.stream().limit(VIOLATIONS_SHOWN).forEach(v -> report.append("    - ").append(v).append('\n'));
            if (violations.size() > VIOLATIONS_SHOWN) {
                report.append("    ... and ").append(violations.size() - VIOLATIONS_SHOWN).append(" more\n");
            }
        }
        return report.toString();
    }

    private String byReason() {
        if (deadLettersByReason.isEmpty()) {
            return "none";
        }
        return deadLettersByReason.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }
}
