package io.billingsnapshot.wire;

import java.util.Locale;
import java.util.Optional;

/**
 * An enum whose constants other systems read by name (message fields, snapshot columns, quota
 * deltas, log fields): the wire name of a constant is its name in lower case, written here once.
 * Renaming a constant renames it on the wire, so {@code WireNameTest} pins every wire name.
 */
public interface WireName {

    /** The constant's name, as {@link Enum#name()} gives it. */
    String name();

    /** How the constant is written where other systems read it. */
    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} with exactly this wire name; empty for any other text, null included. */
    static <E extends Enum<E> & WireName> Optional<E> find(Class<E> type, String wireName) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireName().equals(wireName)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
