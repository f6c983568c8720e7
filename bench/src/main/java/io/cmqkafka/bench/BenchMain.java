package io.cmqkafka.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs the benchmark: starts a broker-role process and a service on it (from the packaged service jar), warms
 * up, runs the raw Kafka baseline and the CMQ scenarios, and writes the Markdown report with PNG charts.
 * Every load loop is bounded in time and count; only 127.0.0.1 is contacted.
 */
public final class BenchMain {

    /** The heap of Kafka's start script (KAFKA_HEAP_OPTS of kafka-server-start.sh): fixed at 1 GiB. */
    static final List<String> KAFKA_BROKER_HEAP = List.of("-Xmx1g", "-Xms1g");

    /** The G1 settings of Kafka's start script (KAFKA_JVM_PERFORMANCE_OPTS of kafka-run-class.sh). */
    static final List<String> KAFKA_BROKER_GC = List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

    private static final String MARKER = ".cmq-bench-work-dir";

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int rc = run(o, String.join(" ", Stream.concat(Stream.of("java -jar bench/target/cmq-bench.jar"),
                Stream.of(args)).toList()));
        System.exit(rc);
    }

    static int run(Options o, String commandLine) throws Exception {
        Map<String, String> env = environment(o);
        List<String> problems = new ArrayList<>();
        Path work = o.workDir.toAbsolutePath();
        prepareWorkDir(work);

        ServiceProcess broker = null;
        ServiceProcess service = null;
        String serviceHostPort;
        String bootstrap;
        Path jfrFile = work.resolve("service.jfr");
        try {
            if (o.externalService != null) {
                serviceHostPort = o.externalService;
                bootstrap = o.externalBootstrap;
                env.put("service", "already running at " + serviceHostPort + " (not started by the bench)");
            } else {
                if (!Files.exists(o.serviceJar)) {
                    System.err.println("service jar not found: " + o.serviceJar.toAbsolutePath()
                            + "\nbuild it first: mvn -B -ntp -DskipTests package (run from the repository root)");
                    return 2;
                }
                env.putAll(serviceVersions(o.serviceJar));
                int kafkaPort = ServiceProcess.freePort();
                Bench.log("starting broker process (cmq.role=broker, Kafka on 127.0.0.1:%d)", kafkaPort);
                // Kafka's own start scripts run brokers with a fixed 1 GiB heap and these G1 settings. With Java's
                // default pause goal (200 ms) the broker's young pauses were 10-30 ms and raw Kafka's p99
                // latency 11 ms, 5 ms with them. Without -Xms the heap stayed at ~420 MiB and its young
                // generation was collected every 1-2 s at 1000 msg/s, each pause (7-17 ms) a latency spike.
                List<String> brokerJvm = new ArrayList<>(KAFKA_BROKER_HEAP);
                brokerJvm.addAll(KAFKA_BROKER_GC);
                brokerJvm.addAll(o.brokerOpts);
                broker = ServiceProcess.start("broker", o.serviceJar, work.resolve("broker"),
                        brokerJvm, List.of("cmq.role=broker", "cmq.kafka.embedded-port=" + kafkaPort),
                        Duration.ofSeconds(120));
                bootstrap = "127.0.0.1:" + kafkaPort;
                List<String> jvm = new ArrayList<>(List.of("-Xmx" + o.serviceHeap));
                jvm.addAll(o.serviceOpts);
                if (o.jfr) {
                    jvm.add("-XX:StartFlightRecording=filename=" + jfrFile + ",settings=profile,dumponexit=true");
                }
                Bench.log("starting service process on that broker");
                service = ServiceProcess.start("service", o.serviceJar, work.resolve("service"), jvm,
                        List.of("cmq.kafka.bootstrap-servers=" + bootstrap, "cmq.kafka.replication-factor=1",
                                "cmq.kafka.min-insync-replicas=1"),
                        Duration.ofSeconds(120));
                serviceHostPort = service.hostPort();
                env.put("processes", "broker: java " + String.join(" ", KAFKA_BROKER_HEAP) + " "
                        + String.join(" ", KAFKA_BROKER_GC)
                        + " -Dcmq.role=broker; service: java -Xmx" + o.serviceHeap
                        + (o.jfr ? " + JFR (profile)" : "") + " -Dcmq.kafka.bootstrap-servers=" + bootstrap
                        + " (replication factor 1, min.insync.replicas 1)");
            }
            Bench.log("service at http://%s, Kafka at %s", serviceHostPort, bootstrap);

            long runStart = System.nanoTime();
            long runStartWall = System.currentTimeMillis();
            List<Result> results = new ArrayList<>();
            List<HeapSampler.Sample> samples;
            try (CmqHttpClient cmq = new CmqHttpClient(serviceHostPort, o.secretId, o.secretKey, o.signMethod,
                    o.httpEventLoops, o.httpMaxConnections);
                    HeapSampler sampler = new HeapSampler(serviceHostPort, service == null ? -1 : service.pid(),
                            broker == null ? -1 : broker.pid(), runStart)) {
                Bench b = new Bench(o, cmq, bootstrap, runStart, service == null ? -1 : service.pid(),
                        broker == null ? -1 : broker.pid());
                if (bootstrap != null) {
                    try {
                        b.records = new KafkaRecords(bootstrap);
                    } catch (RuntimeException e) {
                        problems.add("Kafka record counts unavailable: " + e);
                    }
                }
                CmqScenarios cmqs = new CmqScenarios(b);
                if (service != null) {
                    env.put("service CPU when idle, no queue active (cores, 5 s)",
                            String.format("%.3f", b.idleServiceCores(5)));
                }
                boolean raw = o.scenarios.contains("raw") && bootstrap != null;
                if (o.scenarios.contains("raw") && bootstrap == null) {
                    problems.add("raw baseline skipped: no --bootstrap for the external service");
                }
                if (raw) {
                    attempt(problems, "raw warm-up", () -> {
                        new RawKafka(b).warmUp();
                        return null;
                    });
                }
                attempt(problems, "warm-up", () -> {
                    cmqs.warmUp();
                    return null;
                });
                if (raw) {
                    RawKafka rk = new RawKafka(b);
                    Result[] consume = new Result[1];
                    add(results, attempt(problems, "raw produce", () -> rk.produceAndConsume(consume)));
                    add(results, consume[0]);
                    add(results, attempt(problems, "raw produce+consume", rk::cycle));
                    add(results, attempt(problems, "raw latency", rk::latency));
                }
                for (String s : o.scenarios) {
                    Supplier<Result> scenario = switch (s) {
                        case "send" -> cmqs::send;
                        case "cycle" -> cmqs::cycle;
                        case "single" -> cmqs::single;
                        case "latency" -> cmqs::latency;
                        case "backlog" -> () -> cmqs.backlog(sampler);
                        case "queues" -> cmqs::manyQueues;
                        default -> null;
                    };
                    if (scenario != null) {
                        Bench.log("scenario %s", s);
                        Result r = attempt(problems, s, scenario);
                        add(results, r);
                        if (r != null) {
                            Bench.log("  %s: %,.0f msg/s%s", s, r.rate, r.latency == null ? ""
                                    : String.format(", %s p50 %.1f / p99 %.1f ms", r.latencyWhat, r.latencyMs(50),
                                            r.latencyMs(99)));
                        }
                    }
                }
                if (sampler.lastError() != null && sampler.samples().stream().allMatch(x -> Double.isNaN(x.heapUsedMiB()))) {
                    problems.add("heap sampling failed: " + sampler.lastError());
                }
                samples = sampler.samples();
                if (b.records != null) {
                    b.records.close();
                }
            }
            env.put("load average at end", Procs.loadAverage());
            if (service != null) {
                Bench.log("stopping service and broker");
                service.stop();
                service = null;
            }
            String jfrSection = null;
            if (o.jfr) {
                try {
                    jfrSection = JfrSummary.summarize(jfrFile, results, runStartWall);
                } catch (Exception e) {
                    problems.add("JFR summary failed: " + e);
                }
            }
            new Report(o, results, samples, env, commandLine, jfrSection, problems).write();
            Bench.log("report written to %s (charts in %s)", o.reportFile.toAbsolutePath(), o.chartDir.toAbsolutePath());
            for (String p : problems) {
                Bench.log("problem: %s", p);
            }
            return 0;
        } finally {
            if (service != null) {
                service.stop();
            }
            if (broker != null) {
                broker.stop();
            }
            if (!o.keepData) {
                deleteData(work);
            }
        }
    }

    private static void add(List<Result> results, Result r) {
        if (r != null && r.main != null) {
            results.add(r);
            if (r.key.startsWith("raw")) {
                Bench.log("  %s: %,.0f msg/s%s", r.key, r.rate, r.latency == null ? ""
                        : String.format(", %s p50 %.1f / p99 %.1f ms", r.latencyWhat, r.latencyMs(50), r.latencyMs(99)));
            }
        }
    }

    private static <T> T attempt(List<String> problems, String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (RuntimeException e) {
            Bench.log("%s failed: %s", what, e);
            e.printStackTrace(System.out);
            problems.add(what + " failed: " + e);
            return null;
        }
    }

    /** The work dir is wiped only if the bench made it (marker file) or it is empty. */
    private static void prepareWorkDir(Path work) throws IOException {
        if (Files.exists(work)) {
            boolean ours = Files.exists(work.resolve(MARKER));
            boolean empty;
            try (Stream<Path> s = Files.list(work)) {
                empty = s.findAny().isEmpty();
            }
            if (!ours && !empty) {
                throw new IllegalStateException(work + " exists and was not made by the bench; pick --work-dir");
            }
            deleteTree(work);
        }
        Files.createDirectories(work);
        Files.writeString(work.resolve(MARKER), "made by io.cmqkafka.bench.BenchMain; wiped on the next run\n");
    }

    /** Keeps logs, drops the Kafka and lease-store data (can be gigabytes after a --full backlog). */
    private static void deleteData(Path work) {
        for (String p : List.of("broker/data", "service/data")) {
            try {
                deleteTree(work.resolve(p));
            } catch (IOException e) {
                Bench.log("could not delete %s: %s", work.resolve(p), e);
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    static Map<String, String> environment(Options o) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible");
        m.put("memory", memTotal());
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("JDK", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("load average at start", Procs.loadAverage());
        m.put("git commit", git("rev-parse", "--short", "HEAD") + (git("status", "--porcelain", "--untracked-files=no")
                .isBlank() ? "" : " (with uncommitted changes)"));
        m.put("Kafka clients of the load generator", kafkaClientsVersion());
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format("%.1f GiB", kb / 1048576.0);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "?";
    }

    private static String git(String... args) {
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add("git");
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "?";
        } catch (Exception e) {
            return "?";
        }
    }

    private static String kafkaClientsVersion() {
        try (InputStream in = BenchMain.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** Versions of what the service jar bundles, read from its lib/ folder. */
    static Map<String, String> serviceVersions(Path jar) {
        Map<String, String> m = new LinkedHashMap<>();
        Path lib = jar.toAbsolutePath().getParent().resolve("lib").resolve("main");
        String[][] wanted = {{"Quarkus", "io.quarkus.quarkus-core-"}, {"Kafka (broker, service)", "org.apache.kafka.kafka_2.13-"},
            {"Kafka Streams", "org.apache.kafka.kafka-streams-"}, {"Vert.x", "io.vertx.vertx-core-"}};
        try (Stream<Path> s = Files.list(lib)) {
            List<String> names = s.map(p -> p.getFileName().toString()).toList();
            for (String[] w : wanted) {
                names.stream().filter(n -> n.startsWith(w[1]) && Character.isDigit(n.charAt(w[1].length())))
                        .findFirst()
                        .ifPresent(n -> m.put(w[0], n.substring(w[1].length(), n.length() - 4)));
            }
        } catch (IOException e) {
            m.put("service libraries", "not readable: " + e.getMessage());
        }
        m.put("service jar", jar.toString());
        return m;
    }
}
