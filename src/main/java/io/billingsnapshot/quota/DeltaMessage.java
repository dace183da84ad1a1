package io.billingsnapshot.quota;

import io.billingsnapshot.billing.QuotaDelta;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * One published quota-delta message, {@code {"deltas": [ … ]}} (docs/design.md §6): the deltas
 * it carries, in the order given, and its body, their JSON objects joined as they are stored.
 * Packing fills each message up to a size in UTF-8 bytes; grouping puts messages into
 * {@code SendMessageBatch} calls within SQS's limits. Pure: no I/O.
 */
final class DeltaMessage {

    /** SQS's largest message, and its largest {@code SendMessageBatch}: the sum of the entries' sizes. */
    static final int SQS_MAX_BYTES = 1_048_576;
    /** Most entries of one {@code SendMessageBatch} call. */
    static final int SQS_MAX_ENTRIES = 10;

    private static final String OPEN = "{\"deltas\":[";
    private static final String CLOSE = "]}";
    private static final int ENVELOPE_BYTES = OPEN.length() + CLOSE.length();

    private final List<QuotaDelta> deltas;
    private final List<String> parts;
    private final String body;
    private final int bytes;

    private DeltaMessage(List<QuotaDelta> deltas, List<String> parts, int bytes) {
        this.deltas = List.copyOf(deltas);
        this.parts = List.copyOf(parts);
        this.body = OPEN + String.join(",", parts) + CLOSE;
        this.bytes = bytes;
    }

    /**
     * The deltas in as few messages as fit {@code maxBytes} each, in order. A delta larger than
     * that on its own (it cannot be, at a few hundred bytes) still goes, alone.
     */
    static List<DeltaMessage> pack(List<QuotaDelta> deltas, int maxBytes) {
        List<DeltaMessage> messages = new ArrayList<>();
        List<QuotaDelta> carried = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        int bytes = ENVELOPE_BYTES;
        for (QuotaDelta delta : deltas) {
            String part = DeltaJson.write(delta);
            int partBytes = utf8Length(part) + (parts.isEmpty() ? 0 : 1); // the comma before it
            if (!parts.isEmpty() && bytes + partBytes > maxBytes) {
                messages.add(new DeltaMessage(carried, parts, bytes));
                carried.clear();
                parts.clear();
                bytes = ENVELOPE_BYTES;
                partBytes = utf8Length(part);
            }
            carried.add(delta);
            parts.add(part);
            bytes += partBytes;
        }
        if (!parts.isEmpty()) {
            messages.add(new DeltaMessage(carried, parts, bytes));
        }
        return messages;
    }

    /**
     * The messages in {@code SendMessageBatch} calls, in order: at most {@value #SQS_MAX_ENTRIES}
     * entries and {@value #SQS_MAX_BYTES} bytes of bodies per call (no message attributes are sent).
     */
    static List<List<DeltaMessage>> calls(List<DeltaMessage> messages) {
        List<List<DeltaMessage>> calls = new ArrayList<>();
        List<DeltaMessage> call = new ArrayList<>();
        long callBytes = 0;
        for (DeltaMessage message : messages) {
            if (!call.isEmpty() && (call.size() == SQS_MAX_ENTRIES || callBytes + message.bytes > SQS_MAX_BYTES)) {
                calls.add(call);
                call = new ArrayList<>();
                callBytes = 0;
            }
            call.add(message);
            callBytes += message.bytes;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    /** The message split in two, each half in order: how a refused message narrows down to its bad delta. */
    List<DeltaMessage> halves() {
        int middle = deltas.size() / 2;
        return List.of(part(0, middle), part(middle, deltas.size()));
    }

    private DeltaMessage part(int from, int to) {
        List<String> half = parts.subList(from, to);
        int halfBytes = ENVELOPE_BYTES + half.size() - 1;
        for (String part : half) {
            halfBytes += utf8Length(part);
        }
        return new DeltaMessage(deltas.subList(from, to), half, halfBytes);
    }

    /**
     * For a FIFO queue: a hash of exactly the deltaIds carried, in any order. A re-publication of
     * the same set within SQS's five-minute window is dropped as the duplicate it is; a message
     * with any other delta never is.
     */
    String deduplicationId() {
        ByteBuffer ids = ByteBuffer.allocate(16 * deltas.size());
        deltas.stream().map(QuotaDelta::deltaId).sorted().forEach(id -> ids.putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ids.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    List<QuotaDelta> deltas() {
        return deltas;
    }

    List<UUID> deltaIds() {
        return deltas.stream().map(QuotaDelta::deltaId).toList();
    }

    String body() {
        return body;
    }

    int bytes() {
        return bytes;
    }

    /** Bytes of {@code text} in UTF-8, without encoding it (a lone surrogate counted as 3, never less than sent). */
    static int utf8Length(String text) {
        int bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2; // four bytes for the pair's two chars
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
