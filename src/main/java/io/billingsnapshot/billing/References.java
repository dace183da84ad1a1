package io.billingsnapshot.billing;

import java.util.UUID;

/** The snapshot's references to the gateway's parent rows; each may be null. */
public record References(UUID apiKeyId, UUID upstreamId, UUID userId) {

    public static final References NONE = new References(null, null, null);

    public References withNull(ReferenceColumn column) {
        return switch (column) {
            case API_KEY -> new References(null, upstreamId, userId);
            case UPSTREAM -> new References(apiKeyId, null, userId);
            case USER -> new References(apiKeyId, upstreamId, null);
        };
    }
}
