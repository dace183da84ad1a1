package io.billingsnapshot.benchmark;

import io.billingsnapshot.db.DatabaseConnections;
import io.billingsnapshot.db.DatabaseSettings;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The function's connection, timing every statement it executes and every commit or rollback,
 * as the client sees them, grouped by transaction. A statement is named by what it does, from
 * its text: the checks are the SQL of {@code SnapshotRange}, {@code PriceCatalog} and the write step.
 */
final class TimedConnections extends DatabaseConnections {

    /** One statement (or the commit or rollback that ends a transaction) and how long it took. */
    record Timed(String kind, long nanos) {
    }

    static final String CHECK = "check";
    static final String PICK = "pick";
    static final String LOCK = "lock";
    static final String CATALOG = "catalog";
    static final String WRITE = "write";
    static final String END = "commit";

    private static final Set<String> EXECUTE = Set.of("execute", "executeQuery", "executeUpdate", "executeBatch",
            "executeLargeUpdate");

    private final List<List<Timed>> transactions = new ArrayList<>();
    private List<Timed> open = new ArrayList<>();

    TimedConnections(DatabaseSettings settings) {
        super(settings);
    }

    @Override
    public synchronized Connection get() throws SQLException {
        Connection real = super.get();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args.length == 1) {
                        return timed((PreparedStatement) call(real, method, args), (String) args[0]);
                    }
                    if ((method.getName().equals("commit") || method.getName().equals("rollback")) && args == null) {
                        long start = System.nanoTime();
                        try {
                            return call(real, method, args);
                        } finally {
                            end(System.nanoTime() - start);
                        }
                    }
                    return call(real, method, args);
                });
    }

    /** The transactions ended since the last call, each its statements in order, the last one its end. */
    synchronized List<List<Timed>> take() {
        List<List<Timed>> taken = List.copyOf(transactions);
        transactions.clear();
        open = new ArrayList<>();
        return taken;
    }

    private PreparedStatement timed(PreparedStatement real, String sql) {
        String kind = kind(sql);
        InvocationHandler handler = (proxy, method, args) -> {
            if (!EXECUTE.contains(method.getName()) || args != null) {
                return call(real, method, args);
            }
            long start = System.nanoTime();
            try {
                return call(real, method, args);
            } finally {
                statement(kind, System.nanoTime() - start);
            }
        };
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, handler);
    }

    private static String kind(String sql) {
        if (sql.contains("pg_relation_size")) {
            return CHECK;
        }
        if (sql.contains("ORDER BY billed_at, request_log_id")) {
            return PICK;
        }
        if (sql.contains("FOR UPDATE OF s")) {
            return LOCK;
        }
        return sql.contains("billing_tier_rules") ? CATALOG : WRITE;
    }

    private synchronized void statement(String kind, long nanos) {
        open.add(new Timed(kind, nanos));
    }

    private synchronized void end(long nanos) {
        open.add(new Timed(END, nanos));
        transactions.add(open);
        open = new ArrayList<>();
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
