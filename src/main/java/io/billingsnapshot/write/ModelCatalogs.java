package io.billingsnapshot.write;

import io.billingsnapshot.billing.ModelCatalog;
import io.billingsnapshot.store.PriceCatalog;
import io.billingsnapshot.time.Deadline;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The catalog a transaction prices from: the models it needs, read with one statement inside it,
 * so that every set of records and every re-rate chunk is priced from the catalog as committed
 * when it starts.
 */
public final class ModelCatalogs {

    private final PriceCatalog catalog;

    public ModelCatalogs(PriceCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * @param models the models of what the transaction prices; a null one (no model) needs no catalog
     * @return the catalog of each of them; no statement when there is none
     */
    public Map<String, ModelCatalog> read(Connection c, Stream<String> models, Deadline deadline)
            throws SQLException, Deadline.OutOfTime {
        Set<String> names = models.filter(Objects::nonNull).collect(Collectors.toCollection(TreeSet::new));
        return names.isEmpty() ? Map.of() : catalog.load(c, names, deadline.remaining());
    }
}
