package ubaflow.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Starts one real server per JVM on loopback for ubaflow's integration tests, so that a test can
 * kill -9 the process:
 *
 * <pre>
 *   java -Xmx512m -cp CP ubaflow.testservers.Launcher kafka --dir D --port P --controller-port C
 *        [--node-id N --voters 1@127.0.0.1:C1,2@127.0.0.1:C2,3@127.0.0.1:C3]
 *        [--cluster-id ID] [--sasl-scram user:password] [--set key=value ...] [--timeout SECONDS]
 *   java -Xmx512m -cp CP ubaflow.testservers.Launcher es --dir D --http-port P
 *        [--transport-port T] [--set key=value ...] [--timeout SECONDS]
 * </pre>
 *
 * The server logs to D/server.log; stdout gets exactly one line, "READY kafka 127.0.0.1:P" or
 * "READY es http://127.0.0.1:P", once the server serves. On failure or time-out the log's tail goes
 * to stderr and the process exits with status 1. SIGTERM shuts the server down cleanly.
 */
public final class Launcher {
    /** Fixed so that the brokers of one test cluster agree without passing it around. */
    static final String DEFAULT_CLUSTER_ID = "dWJhZmxvdy10ZXN0cy0wMQ";

    private Launcher() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) usage("missing subcommand");
        Map<String, List<String>> opts = parse(Arrays.copyOfRange(argv, 1, argv.length));
        switch (argv[0]) {
            case "kafka": Kafka.run(opts); break;
            case "es": Es.run(opts); break;
            default: usage("unknown subcommand " + argv[0]);
        }
    }

    // ------------------------------------------------------------------ option parsing

    static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) usage("unexpected argument " + a);
            String key = a.substring(2), value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) usage("missing value for " + a);
                value = args[++i];
            }
            m.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return m;
    }

    static String opt(Map<String, List<String>> m, String key, String dflt) {
        List<String> v = m.get(key);
        if (v == null) {
            if (dflt == null) usage("missing --" + key);
            return dflt;
        }
        return v.get(v.size() - 1);
    }

    static void checkKnown(Map<String, List<String>> m, String... known) {
        for (String k : m.keySet()) {
            if (!Arrays.asList(known).contains(k)) usage("unknown option --" + k);
        }
    }

    static void usage(String why) {
        System.err.println("launcher: " + why);
        System.err.println("usage: Launcher kafka --dir D --port P --controller-port C [--node-id N]"
                + " [--voters ID@HOST:PORT,...] [--cluster-id ID] [--sasl-scram USER:PASSWORD [--tls CERT,KEY,CA]]"
                + " [--set KEY=VALUE]... [--timeout SECONDS]");
        System.err.println("       Launcher es --dir D --http-port P [--transport-port T] [--set KEY=VALUE]... [--timeout SECONDS]");
        System.exit(2);
    }

    // ------------------------------------------------------------------ shared helpers

    /** Routes log4j 2 (ES directly, Kafka through SLF4J) to dir/server.log; call before any server class loads. */
    static Path setUpLogging(Path dir, String... quietLoggers) throws IOException {
        Path log = dir.resolve("server.log");
        // -Dlog4j2.configurationFile=... on the command line wins (e.g. for DEBUG logging).
        if (System.getProperty("log4j2.configurationFile") != null) return log;
        StringBuilder cfg = new StringBuilder()
                .append("status = error\n")
                .append("appender.f.type = File\nappender.f.name = f\n")
                .append("appender.f.fileName = ").append(log.toString().replace("\\", "/")).append('\n')
                .append("appender.f.append = true\n")
                .append("appender.f.layout.type = PatternLayout\n")
                .append("appender.f.layout.pattern = [%d{ISO8601}] %-5p [%t] %c{1.} %m%n\n")
                .append("rootLogger.level = info\nrootLogger.appenderRef.f.ref = f\n");
        int i = 0;
        for (String q : quietLoggers) {
            cfg.append("logger.q").append(i).append(".name = ").append(q).append('\n')
               .append("logger.q").append(i).append(".level = warn\n");
            i++;
        }
        Path file = dir.resolve("log4j2.properties");
        Files.writeString(file, cfg.toString());
        System.setProperty("log4j2.configurationFile", file.toUri().toString());
        System.setProperty("log4j2.disable.jmx", "true");
        // Keep logging alive until our own shutdown hook has stopped the server.
        System.setProperty("log4j.shutdownHookEnabled", "false");
        return log;
    }

    /** Prints the tail of the log to stderr and exits 1 (halt: server threads may hang exit). */
    static void fail(String what, Path log, Throwable t) {
        System.out.flush();
        PrintStream err = System.err;
        err.println("launcher: " + what + (t == null ? "" : ": " + t));
        if (t != null) t.printStackTrace(err);
        try {
            if (log != null && Files.exists(log)) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                int from = Math.max(0, lines.size() - 150);
                err.println("---- last " + (lines.size() - from) + " lines of " + log + " ----");
                for (String l : lines.subList(from, lines.size())) err.println(l);
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
        err.flush();
        Runtime.getRuntime().halt(1);
    }

    /** Fails the process if it is not ready within the bound. */
    static Thread watchdog(long seconds, String what, Path log) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                fail(what + " not ready after " + seconds + " s", log, null);
            } catch (InterruptedException ready) {
                // ready in time
            }
        }, "launcher-watchdog");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void ready(String line) {
        System.out.println("READY " + line);
        System.out.flush();
    }

    // ------------------------------------------------------------------ Kafka

    static final class Kafka {
        static void run(Map<String, List<String>> o) throws Exception {
            checkKnown(o, "dir", "port", "controller-port", "node-id", "voters", "cluster-id",
                    "sasl-scram", "tls", "set", "timeout");
            Path dir = Path.of(opt(o, "dir", null)).toAbsolutePath();
            int port = Integer.parseInt(opt(o, "port", null));
            int cport = Integer.parseInt(opt(o, "controller-port", null));
            int nodeId = Integer.parseInt(opt(o, "node-id", "1"));
            String voters = opt(o, "voters", nodeId + "@127.0.0.1:" + cport);
            int n = voters.split(",").length;
            String clusterId = opt(o, "cluster-id", DEFAULT_CLUSTER_ID);
            String scram = opt(o, "sasl-scram", "");
            // --tls CERT.pem,KEY.pem,CA.pem: the SASL listener speaks TLS (SASL_SSL).
            String tls = opt(o, "tls", "");
            if (!tls.isEmpty() && scram.isEmpty()) usage("--tls goes with --sasl-scram");
            long timeout = Long.parseLong(opt(o, "timeout", "120"));

            Files.createDirectories(dir);
            Path log = setUpLogging(dir, "kafka.server.KafkaConfig", "org.apache.kafka.clients",
                    "org.apache.kafka.common.config.AbstractConfig", "org.apache.kafka.common.utils.AppInfoParser",
                    "kafka.coordinator", "org.apache.kafka.coordinator", "kafka.log.LogManager",
                    "org.apache.kafka.storage.internals.log", "kafka.cluster.Partition",
                    "org.apache.kafka.server.metrics", "org.apache.kafka.metadata");
            Thread dog = watchdog(timeout, "kafka node " + nodeId, log);

            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", Integer.toString(nodeId));
            p.setProperty("controller.quorum.voters", voters);
            p.setProperty("controller.listener.names", "CONTROLLER");
            String user = null, password = null;
            if (scram.isEmpty()) {
                p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport);
                p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            } else {
                int colon = scram.indexOf(':');
                if (colon <= 0) usage("--sasl-scram wants USER:PASSWORD");
                user = scram.substring(0, colon);
                password = scram.substring(colon + 1);
                String protocol = tls.isEmpty() ? "SASL_PLAINTEXT" : "SASL_SSL";
                String listener = protocol.toLowerCase();
                p.setProperty("listeners", protocol + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + cport);
                p.setProperty("inter.broker.listener.name", protocol);
                if (!tls.isEmpty()) {
                    String[] files = tls.split(",");
                    if (files.length != 3) usage("--tls wants CERT.pem,KEY.pem,CA.pem");
                    // PEM text inline (Kafka's PEM key stores), key unencrypted.
                    p.setProperty("ssl.keystore.type", "PEM");
                    p.setProperty("ssl.keystore.certificate.chain", Files.readString(Path.of(files[0])).trim());
                    p.setProperty("ssl.keystore.key", Files.readString(Path.of(files[1])).trim());
                    p.setProperty("ssl.truststore.type", "PEM");
                    p.setProperty("ssl.truststore.certificates", Files.readString(Path.of(files[2])).trim());
                    p.setProperty("ssl.endpoint.identification.algorithm", "");
                }
                p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512");
                p.setProperty("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-256");
                // One JAAS entry per enabled mechanism (else Kafka wants a static JAAS file); the
                // credentials are the broker's own, for inter-broker traffic.
                String jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasEscape(user) + "\" password=\"" + jaasEscape(password) + "\";";
                p.setProperty("listener.name." + listener + ".scram-sha-256.sasl.jaas.config", jaas);
                p.setProperty("listener.name." + listener + ".scram-sha-512.sasl.jaas.config", jaas);
            }
            p.setProperty("listener.security.protocol.map",
                    "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL");
            p.setProperty("log.dirs", dir.resolve("data").toString());
            int rf = Math.min(3, n);
            p.setProperty("num.partitions", "1");
            p.setProperty("default.replication.factor", Integer.toString(rf));
            p.setProperty("min.insync.replicas", Integer.toString(n >= 3 ? 2 : 1));
            p.setProperty("offsets.topic.replication.factor", Integer.toString(rf));
            p.setProperty("offsets.topic.num.partitions", "4");
            p.setProperty("transaction.state.log.replication.factor", Integer.toString(rf));
            p.setProperty("transaction.state.log.min.isr", Integer.toString(n >= 3 ? 2 : 1));
            p.setProperty("transaction.state.log.num.partitions", "4");
            p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(rf));
            p.setProperty("share.coordinator.state.topic.min.isr", Integer.toString(n >= 3 ? 2 : 1));
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            // A broker restarted after kill -9 cannot register again until its old session expires
            // (default 9 s); a killed broker of the 3-node cluster is fenced after this too.
            p.setProperty("broker.session.timeout.ms", "3000");
            p.setProperty("broker.heartbeat.interval.ms", "500");
            p.setProperty("num.network.threads", "2");
            p.setProperty("num.io.threads", "2");
            p.setProperty("num.recovery.threads.per.data.dir", "1");
            p.setProperty("background.threads", "2");
            p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
            p.setProperty("auto.create.topics.enable", "true");
            p.setProperty("delete.topic.enable", "true");
            for (String kv : o.getOrDefault("set", List.of())) {
                int eq = kv.indexOf('=');
                if (eq <= 0) usage("--set wants KEY=VALUE");
                p.setProperty(kv.substring(0, eq), kv.substring(eq + 1));
            }
            Path props = dir.resolve("server.properties");
            try (var w = Files.newBufferedWriter(props)) {
                p.store(w, "written by ubaflow.testservers.Launcher");
            }

            // Format once (a restart after kill -9 keeps the data): kafka-storage format.
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                List<String> fmt = new ArrayList<>(List.of("format", "--config", props.toString(),
                        "--cluster-id", clusterId, "--ignore-formatted"));
                if (user != null) {
                    for (String mech : List.of("SCRAM-SHA-256", "SCRAM-SHA-512")) {
                        fmt.add("--add-scram");
                        fmt.add(mech + "=[name=" + user + ",password=" + password + "]");
                    }
                }
                var out = new java.io.ByteArrayOutputStream();
                int rc;
                try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
                    rc = kafka.tools.StorageTool.execute(fmt.toArray(new String[0]), ps);
                } catch (Throwable t) {
                    fail("kafka-storage format failed: " + out.toString(StandardCharsets.UTF_8), log, t);
                    return;
                }
                if (rc != 0) fail("kafka-storage format exited " + rc + ": " + out.toString(StandardCharsets.UTF_8), log, null);
            }

            kafka.server.KafkaRaftServer server;
            try {
                server = new kafka.server.KafkaRaftServer(kafka.server.KafkaConfig.fromProps(p, false),
                        org.apache.kafka.common.utils.Time.SYSTEM);
                final kafka.server.KafkaRaftServer s = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        s.shutdown();
                        s.awaitShutdown();
                    } finally {
                        org.apache.logging.log4j.LogManager.shutdown();
                    }
                }, "kafka-shutdown"));
                // Returns once this node's broker is unfenced, i.e. the quorum has a leader.
                server.startup();
            } catch (Throwable t) {
                fail("kafka node " + nodeId + " failed to start", log, t);
                return;
            }
            while (!accepts(port)) Thread.sleep(50);
            dog.interrupt();
            ready("kafka 127.0.0.1:" + port);
            server.awaitShutdown();
        }

        static String jaasEscape(String s) {
            return s.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }

    // ------------------------------------------------------------------ Elasticsearch 7.17

    static final class Es {
        /** Node's class-path-plugins constructor is protected. */
        static final class EmbeddedNode extends org.elasticsearch.node.Node {
            EmbeddedNode(org.elasticsearch.env.Environment env) {
                super(env, List.of(org.elasticsearch.transport.Netty4Plugin.class), true);
            }
        }

        static void run(Map<String, List<String>> o) throws Exception {
            checkKnown(o, "dir", "http-port", "transport-port", "set", "timeout");
            Path dir = Path.of(opt(o, "dir", null)).toAbsolutePath();
            int port = Integer.parseInt(opt(o, "http-port", null));
            String tport = opt(o, "transport-port", "0");
            long timeout = Long.parseLong(opt(o, "timeout", "120"));

            Path home = dir.resolve("home");
            Files.createDirectories(home.resolve("config"));
            Files.createDirectories(home.resolve("plugins"));
            Files.createDirectories(home.resolve("modules"));
            Path log = setUpLogging(dir, "org.elasticsearch.deprecation");
            Thread dog = watchdog(timeout, "elasticsearch", log);

            var settings = org.elasticsearch.common.settings.Settings.builder()
                    .put("path.home", home.toString())
                    .put("path.data", dir.resolve("data").toString())
                    .put("path.logs", dir.resolve("logs").toString())
                    .put("cluster.name", "ubaflow-test")
                    .put("node.name", "ubaflow-es")
                    .put("network.host", "127.0.0.1")
                    .put("http.port", Integer.toString(port))
                    .put("transport.port", tport)
                    .put("discovery.type", "single-node")
                    .put("transport.type", "netty4")
                    .put("http.type", "netty4")
                    .put("cluster.routing.allocation.disk.threshold_enabled", false)
                    .put("action.auto_create_index", true);
            for (String kv : o.getOrDefault("set", List.of())) {
                int eq = kv.indexOf('=');
                if (eq <= 0) usage("--set wants KEY=VALUE");
                settings.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            EmbeddedNode node;
            try {
                var env = org.elasticsearch.node.InternalSettingsPreparer.prepareEnvironment(
                        settings.build(), Map.of(), home.resolve("config"), () -> "ubaflow-es");
                node = new EmbeddedNode(env);
                final EmbeddedNode n = node;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        n.close();
                        n.awaitClose(10, TimeUnit.SECONDS);
                    } catch (IOException | InterruptedException ignored) {
                        // exiting anyway
                    } finally {
                        org.apache.logging.log4j.LogManager.shutdown();
                    }
                }, "es-shutdown"));
                node.start();
            } catch (Throwable t) {
                fail("elasticsearch failed to start", log, t);
                return;
            }
            String base = "http://127.0.0.1:" + port;
            while (!healthy(base)) Thread.sleep(100);
            dog.interrupt();
            ready("es " + base);
            Thread.currentThread().join(); // until SIGTERM (shutdown hook closes the node)
        }

        /** True once GET /_cluster/health answers 200 with status green or yellow. */
        static boolean healthy(String base) {
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(base + "/_cluster/health").openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(2000);
                if (c.getResponseCode() != 200) return false;
                try (InputStream in = c.getInputStream()) {
                    String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    return body.contains("\"status\":\"green\"") || body.contains("\"status\":\"yellow\"");
                }
            } catch (IOException e) {
                return false;
            }
        }
    }
}
