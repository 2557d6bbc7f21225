package ubaflow.flinkbench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * Runs Flink SQL scripts on a local MiniCluster, the way the SQL client would, and reports what
 * make bench needs as one JSON line on stdout:
 *
 * <pre>
 *   java -cp CP ubaflow.flinkbench.SqlRunner --script bench/flink/taobao.sql --parallelism 2 \
 *        --var KAFKA_BOOTSTRAP=127.0.0.1:9092 ... [--override TABLE:connector=...] [--timeout 600]
 * </pre>
 *
 * ${NAME} in a script takes --var NAME=... or else the environment variable NAME (secrets).
 * SET 'key' = 'value' sets the table configuration, as in the SQL client.
 * Each statement runs in order; one that starts a job (an INSERT or a statement set) is awaited
 * when the script ends. A bounded job's end is the end of the run.
 */
public final class SqlRunner {
    private static final Pattern SET = Pattern.compile("(?is)SET\\s+'([^']+)'\\s*=\\s*'([^']*)'");

    private SqlRunner() {}

    public static void main(String[] args) throws Exception {
        long mainEntered = System.currentTimeMillis();
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SqlRunner: " + e.getMessage());
            System.exit(2);
            return;
        }
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(arguments.timeoutSeconds));
                System.err.println("SqlRunner: still running after " + arguments.timeoutSeconds + " s, giving up");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException ignored) {
                // the run ended in time
            }
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        Configuration configuration = new Configuration();
        arguments.flinkConfiguration.forEach(configuration::setString);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(arguments.parallelism, configuration);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);

        List<JobClient> jobs = new ArrayList<>();
        long submitted = 0;
        for (Path script : arguments.scripts) {
            for (String raw : SqlScript.split(Files.readString(script))) {
                String statement = SqlScript.substitute(raw, arguments.variables);
                if (submitted == 0) submitted = System.currentTimeMillis();
                TableResult result;
                try {
                    Matcher set = SET.matcher(statement);
                    if (set.matches()) {
                        // A SQL client command, not SQL: the table configuration of later statements.
                        tEnv.getConfig().set(set.group(1), set.group(2));
                        System.err.println("SqlRunner: SET " + set.group(1) + " = " + set.group(2));
                        continue;
                    }
                    result = tEnv.executeSql(statement);
                } catch (RuntimeException e) {
                    System.err.println("SqlRunner: " + script + ": " + SqlScript.headline(statement) + ": "
                            + e.getMessage());
                    System.exit(1);
                    return;
                }
                Optional<JobClient> job = result.getJobClient();
                job.ifPresent(jobs::add);
                System.err.println("SqlRunner: " + SqlScript.headline(statement)
                        + (job.isPresent() ? " -> job " + job.get().getJobID() : ""));
                for (TableOverride override : arguments.overrides) {
                    if (createsTable(statement, override.table)) {
                        override.apply(tEnv);
                        System.err.println("SqlRunner: override " + override);
                    }
                }
            }
        }
        long netRuntime = 0;
        for (JobClient job : jobs) {
            try {
                JobExecutionResult result = job.getJobExecutionResult().get();
                netRuntime += result.getNetRuntime();
            } catch (ExecutionException e) {
                Throwable cause = e;
                while (cause.getCause() != null) cause = cause.getCause();
                System.err.println("SqlRunner: job " + job.getJobID() + " failed: " + cause);
                System.exit(1);
            }
        }
        long finished = System.currentTimeMillis();
        watchdog.interrupt();

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("parallelism", arguments.parallelism);
        report.put("jobs", jobs.size());
        report.put("jvm_start_ms", ManagementFactory.getRuntimeMXBean().getStartTime());
        report.put("main_entered_ms", mainEntered);
        report.put("first_statement_ms", submitted);
        report.put("finished_ms", finished);
        report.put("net_runtime_ms", netRuntime);
        report.put("cpu_ms", processCpuMillis());
        report.put("peak_rss_kib", peakResidentKib());
        System.out.println(toJson(report));
        System.out.flush();
        // The MiniCluster's non-daemon threads would keep the JVM up a while longer.
        System.exit(0);
    }

    private static boolean createsTable(String statement, String table) {
        String flat = statement.replaceAll("\\s+", " ").trim().toLowerCase(java.util.Locale.ROOT);
        return flat.startsWith("create table " + table.toLowerCase(java.util.Locale.ROOT) + " ")
                || flat.startsWith("create table " + table.toLowerCase(java.util.Locale.ROOT) + "(")
                || flat.startsWith("create table if not exists " + table.toLowerCase(java.util.Locale.ROOT) + " ");
    }

    private static long processCpuMillis() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1_000_000;
        }
        return -1;
    }

    /** VmHWM: the whole JVM's peak resident set (heap, metaspace, code, threads, direct buffers). */
    private static long peakResidentKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException ignored) {
            // not Linux: unknown
        }
        return -1;
    }

    private static String toJson(Map<String, Object> map) {
        StringBuilder out = new StringBuilder("{");
        map.forEach((key, value) -> {
            if (out.length() > 1) out.append(',');
            out.append('"').append(key).append("\":").append(value);
        });
        return out.append('}').toString();
    }

    /** The command line. */
    static final class Arguments {
        final List<Path> scripts = new ArrayList<>();
        final Map<String, String> variables = new HashMap<>(System.getenv());
        final Map<String, String> flinkConfiguration = new LinkedHashMap<>();
        final List<TableOverride> overrides = new ArrayList<>();
        int parallelism = Runtime.getRuntime().availableProcessors();
        long timeoutSeconds = 3600;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
                String value = args[++i];
                switch (flag) {
                    case "--script" -> a.scripts.add(Path.of(value));
                    case "--var" -> a.variables.put(key(value), value.substring(value.indexOf('=') + 1));
                    case "--set" -> a.flinkConfiguration.put(key(value), value.substring(value.indexOf('=') + 1));
                    case "--override" -> a.overrides.add(TableOverride.parse(value));
                    case "--parallelism" -> a.parallelism = Integer.parseInt(value);
                    case "--timeout" -> a.timeoutSeconds = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (a.scripts.isEmpty()) throw new IllegalArgumentException("no --script");
            return a;
        }

        private static String key(String pair) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("not NAME=VALUE: " + pair);
            return pair.substring(0, eq);
        }
    }
}
