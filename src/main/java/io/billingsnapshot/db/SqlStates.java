package io.billingsnapshot.db;

/** The SQLStates that mean the connection is gone, as PostgreSQL and pgjdbc report them. */
final class SqlStates {

    /** Class 08, connection exception (pgjdbc's I/O errors are 08006, refused connects 08001). */
    static final String CONNECTION_EXCEPTION_CLASS = "08";
    /** FATAL: terminating connection due to administrator command (pg_terminate_backend, shutdown). */
    static final String ADMIN_SHUTDOWN = "57P01";
    static final String CRASH_SHUTDOWN = "57P02";
    static final String CANNOT_CONNECT_NOW = "57P03";

    private SqlStates() {
    }

    static boolean isConnectionFailure(String sqlState) {
        return sqlState != null && (sqlState.startsWith(CONNECTION_EXCEPTION_CLASS)
                || sqlState.equals(ADMIN_SHUTDOWN)
                || sqlState.equals(CRASH_SHUTDOWN)
                || sqlState.equals(CANNOT_CONNECT_NOW));
    }
}
