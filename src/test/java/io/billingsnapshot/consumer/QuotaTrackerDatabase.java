package io.billingsnapshot.consumer;

import io.billingsnapshot.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The quota tracker's own database for the reference consumer: a fresh database of the tests'
 * PostgreSQL with {@code consumer/quota-tracker.sql} applied, apart from the function's.
 */
public final class QuotaTrackerDatabase {

    public final TestDatabase.Db db;
    public final DataSource dataSource;

    private QuotaTrackerDatabase(TestDatabase.Db db) {
        this.db = db;
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(db.url());
        source.setUser(db.user());
        source.setPassword(db.password());
        this.dataSource = source;
    }

    public static QuotaTrackerDatabase create() {
        QuotaTrackerDatabase tracker = new QuotaTrackerDatabase(TestDatabase.server().createDatabase());
        try (Connection connection = tracker.dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(TestDatabase.resource("/consumer/quota-tracker.sql"));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the quota tracker's tables: " + e.getMessage(), e);
        }
        return tracker;
    }

    /** Used quota per API key or upstream and currency, as committed now. */
    public Map<QuotaLedger.Key, BigDecimal> usage() {
        try (Connection connection = dataSource.getConnection()) {
            return QuotaLedger.usage(connection);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many deltas were applied. */
    public long appliedDeltas() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM applied_quota_deltas")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
