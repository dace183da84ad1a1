package io.billingsnapshot.billing;

/** The nullable foreign-key columns of a snapshot, which a concurrent delete may set NULL. */
public enum ReferenceColumn {
    API_KEY("api_key_id"),
    UPSTREAM("upstream_id"),
    USER("user_id");

    private final String columnName;

    ReferenceColumn(String columnName) {
        this.columnName = columnName;
    }

    public String columnName() {
        return columnName;
    }
}
