package io.billingsnapshot.testing;

import io.billingsnapshot.store.SnapshotRange;

/**
 * The optional index re-rating walks along at production size, created from the very file an
 * operator runs (docs/operations.md, "The re-rating index"); no migration creates it.
 */
public final class BilledAtIndex {

    public static final String FILE = "/db/optional/" + SnapshotRange.INDEX + ".sql";

    private BilledAtIndex() {
    }

    /** The file's text: comments and the one CREATE INDEX CONCURRENTLY statement. */
    public static String file() {
        return TestDatabase.resource(FILE);
    }

    /** Runs the file as psql does: one statement in autocommit, outside a transaction block. */
    public static void create(TestDatabase.Db db) {
        db.execute(file());
    }
}
