package ubaflow.flinkbench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.table.api.TableDescriptor;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.ObjectPath;

/**
 * Runs one script against other connectors: TABLE:connector=filesystem,path=/x,format=inherit
 * shadows the script's TABLE, right after its CREATE TABLE, with a temporary table of the same
 * schema (columns, computed columns, watermark, primary key) and these options only. format=inherit
 * copies the original's format and its format options (json.ignore-parse-errors, ...).
 */
final class TableOverride {
    final String table;
    private final Map<String, String> options = new LinkedHashMap<>();

    private TableOverride(String table) {
        this.table = table;
    }

    static TableOverride parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon <= 0) throw new IllegalArgumentException("--override wants TABLE:key=value,...: " + spec);
        TableOverride override = new TableOverride(spec.substring(0, colon));
        for (String pair : spec.substring(colon + 1).split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--override: not key=value: " + pair);
            override.options.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        if (!override.options.containsKey("connector")) {
            throw new IllegalArgumentException("--override " + override.table + ": no connector");
        }
        return override;
    }

    void apply(TableEnvironment tEnv) throws Exception {
        Catalog catalog = tEnv.getCatalog(tEnv.getCurrentCatalog()).orElseThrow();
        CatalogBaseTable original = catalog.getTable(new ObjectPath(tEnv.getCurrentDatabase(), table));
        Map<String, String> merged = new LinkedHashMap<>(options);
        if ("inherit".equals(merged.get("format"))) {
            String format = original.getOptions().get("format");
            if (format == null) throw new IllegalArgumentException(table + " has no format to inherit");
            merged.put("format", format);
            original.getOptions().forEach((key, value) -> {
                if (key.startsWith(format + ".")) merged.putIfAbsent(key, value);
            });
        }
        TableDescriptor.Builder builder =
                TableDescriptor.forConnector(merged.remove("connector")).schema(original.getUnresolvedSchema());
        merged.forEach(builder::option);
        tEnv.createTemporaryTable(table, builder.build());
    }

    @Override
    public String toString() {
        return table + " -> " + options;
    }
}
