package io.cmqkafka.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line settings. {@code --quick} (default) for a short run; {@code --full} for the sizes of issue #7. */
final class Options {

    static final List<String> ALL_SCENARIOS = List.of("raw", "send", "cycle", "single", "latency", "backlog", "queues");

    boolean full;
    Path serviceJar = Path.of("adapter/target/quarkus-app/quarkus-run.jar");
    Path reportFile = Path.of("docs/benchmarks.md");
    Path chartDir = Path.of("docs/bench");
    Path workDir = Path.of("bench/target/bench-run");
    boolean keepData;
    List<String> scenarios = new ArrayList<>(ALL_SCENARIOS);
    String externalService;      // host:port of an already running service (no processes started)
    String externalBootstrap;    // its Kafka, for the raw baseline
    String serviceHeap = "1g";
    final List<String> serviceOpts = new java.util.ArrayList<>();
    final List<String> brokerOpts = new java.util.ArrayList<>();
    boolean jfr;
    String note = "";
    String secretId = "AKIDbench";
    String secretKey = "benchkey";
    CmqSigner.Method signMethod = CmqSigner.Method.HMAC_SHA1;
    /** Event-loop threads of the load generator's HTTP client. */
    int httpEventLoops = 1;
    int httpMaxConnections = 512;

    // The service's JIT needs about two minutes on 2 cores: after 30 s its compiler threads still took
    // ~0.4 cores of the send scenario (19k msg/s), after 120 s 0.09 cores (58k msg/s).
    int warmupSeconds = 120;
    int durationSeconds = 20;
    int bodyBytes = 1024;
    int batch = 16;
    int sendConnections = 16;
    // The smallest closed-loop sizes at which the full cycle stops gaining (session 11 sweep, in the
    // report's notes): with 4 + 8 the cycle measured the generator's concurrency, not the service.
    int producers = 6;
    int consumers = 12;
    int latencyRate = 1000;
    /** Seconds at the latency rate before the latency scenarios measure (raw Kafka's and the service's). */
    int latencyWarmupSeconds = 10;
    int latencyConsumers = 4;
    int senderConnections = 32;
    int pollingWaitSeconds = 5;
    long backlogMessages = 200_000;
    long backlogReferenceMessages = 20_000;
    int backlogReferenceRounds = 3;
    int backlogBodyBytes = 100;
    int backlogDrainSeconds = 20;
    int backlogFillMaxSeconds = 600;
    int queues = 100;
    double perQueueRate = 1.0;

    static final String USAGE = """
            java -jar bench/target/cmq-bench.jar [--quick | --full] [options]

            Starts a broker-role process and a service (from the packaged quarkus-run.jar) on one shared broker,
            warms up, runs the scenarios and the raw Kafka baseline, writes docs/benchmarks.md and docs/bench/*.png.
            Run from the repository root after `mvn -B -ntp -DskipTests package`.

              --quick                  short run (default): 20 s per scenario, 200k backlog, 100 queues
              --full                   issue #7 sizes: 60 s per scenario, 10M backlog, 1000 queues
              --scenarios a,b,...      subset of raw,send,cycle,single,latency,backlog,queues (default: all)
              --duration S             seconds per scenario
              --warmup S               warm-up seconds before measuring (default 120: the service's JIT settles)
              --connections N          connections of the send scenario (default 16)
              --producers N            producer connections of cycle/single (default 6)
              --consumers N            consumer connections of cycle/single/backlog (default 12)
              --body-bytes N           message body size (default 1024)
              --batch N                batch size of Batch* actions (default 16, max 16)
              --latency-rate N         msg/s of the latency scenario (default 1000)
              --latency-warmup S       seconds at the latency rate before measuring, raw and service (default 10)
              --latency-consumers N    long-polling consumers of the latency scenario (default 4)
              --sender-connections N   max sends in flight of the fixed-rate senders (default 32)
              --backlog N              messages in the backlog scenario
              --backlog-reference N    messages of the reference (small) backlog (default 20000)
              --backlog-reference-rounds N  times the reference is filled and drained; the median counts (default 3)
              --backlog-body-bytes N   body size of backlog messages (default 100)
              --backlog-drain S        seconds to consume the backlog
              --queues N               queues of the many-queues scenario
              --http-event-loops N     event-loop threads of the load generator's HTTP client (default 1)
              --service-heap SIZE      -Xmx of the service process (default 1g)
              --jfr                    record the service with JDK Flight Recorder; hot methods go in the report
              --service HOST:PORT      use a running service instead of starting one (needs --bootstrap for raw)
              --bootstrap HOST:PORT    Kafka of that service
              --jar PATH               the service jar (default adapter/target/quarkus-app/quarkus-run.jar)
              --report PATH            report file (default docs/benchmarks.md); charts go to <dir>/bench/
              --work-dir PATH          data and logs of this run (default bench/target/bench-run, wiped first)
              --keep-data              keep the work dir's Kafka data after the run
              --secret-id ID --secret-key KEY --sign-method sha1|sha256
              --service-opt ARG        an extra JVM argument for the service (repeatable), e.g. -Dsome.prop=1
              --broker-opt ARG         an extra JVM argument for the broker process (repeatable)
              --note TEXT              a sentence for the report (e.g. what else ran on the machine)
            """;

    static Options parse(String[] args) {
        Options o = new Options();
        if (Arrays.asList(args).contains("--full")) {
            o.full = true;
            o.warmupSeconds = 120;
            o.durationSeconds = 60;
            o.backlogMessages = 10_000_000;
            o.backlogReferenceMessages = 200_000;
            o.backlogDrainSeconds = 300;
            o.backlogFillMaxSeconds = 3600;
            o.queues = 1000;
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick", "--full" -> { }
                case "--help", "-h" -> {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                case "--scenarios" -> o.scenarios = List.of(args[++i].split(","));
                case "--duration" -> o.durationSeconds = Integer.parseInt(args[++i]);
                case "--warmup" -> o.warmupSeconds = Integer.parseInt(args[++i]);
                case "--connections" -> o.sendConnections = Integer.parseInt(args[++i]);
                case "--producers" -> o.producers = Integer.parseInt(args[++i]);
                case "--consumers" -> o.consumers = Integer.parseInt(args[++i]);
                case "--body-bytes" -> o.bodyBytes = Integer.parseInt(args[++i]);
                case "--batch" -> o.batch = Math.max(1, Math.min(16, Integer.parseInt(args[++i])));
                case "--latency-rate" -> o.latencyRate = Integer.parseInt(args[++i]);
                case "--latency-warmup" -> o.latencyWarmupSeconds = Integer.parseInt(args[++i]);
                case "--latency-consumers" -> o.latencyConsumers = Integer.parseInt(args[++i]);
                case "--sender-connections" -> o.senderConnections = Integer.parseInt(args[++i]);
                case "--backlog" -> o.backlogMessages = Long.parseLong(args[++i]);
                case "--backlog-reference" -> o.backlogReferenceMessages = Long.parseLong(args[++i]);
                case "--backlog-reference-rounds" -> o.backlogReferenceRounds = Integer.parseInt(args[++i]);
                case "--backlog-body-bytes" -> o.backlogBodyBytes = Integer.parseInt(args[++i]);
                case "--backlog-drain" -> o.backlogDrainSeconds = Integer.parseInt(args[++i]);
                case "--queues" -> o.queues = Integer.parseInt(args[++i]);
                case "--http-event-loops" -> o.httpEventLoops = Integer.parseInt(args[++i]);
                case "--service-heap" -> o.serviceHeap = args[++i];
                case "--jfr" -> o.jfr = true;
                case "--service-opt" -> o.serviceOpts.add(args[++i]);
                case "--broker-opt" -> o.brokerOpts.add(args[++i]);
                case "--service" -> o.externalService = args[++i];
                case "--bootstrap" -> o.externalBootstrap = args[++i];
                case "--jar" -> o.serviceJar = Path.of(args[++i]);
                case "--report" -> {
                    o.reportFile = Path.of(args[++i]);
                    Path parent = o.reportFile.toAbsolutePath().getParent();
                    o.chartDir = parent.resolve("bench");
                }
                case "--work-dir" -> o.workDir = Path.of(args[++i]);
                case "--keep-data" -> o.keepData = true;
                case "--secret-id" -> o.secretId = args[++i];
                case "--secret-key" -> o.secretKey = args[++i];
                case "--sign-method" -> o.signMethod = args[++i].toLowerCase().contains("256")
                        ? CmqSigner.Method.HMAC_SHA256 : CmqSigner.Method.HMAC_SHA1;
                case "--note" -> o.note = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + a + "\n\n" + USAGE);
            }
        }
        for (String s : o.scenarios) {
            if (!ALL_SCENARIOS.contains(s)) {
                throw new IllegalArgumentException("unknown scenario " + s + "; known: " + ALL_SCENARIOS);
            }
        }
        o.backlogReferenceMessages = Math.min(o.backlogReferenceMessages, o.backlogMessages);
        return o;
    }

    /** The settings as they go in the report. */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("mode", full ? "--full" : "--quick");
        m.put("scenarios", String.join(", ", scenarios));
        m.put("warm-up", warmupSeconds + " s");
        m.put("duration per scenario", durationSeconds + " s");
        m.put("message body", bodyBytes + " B (backlog: " + backlogBodyBytes + " B)");
        m.put("batch size", Integer.toString(batch));
        m.put("send connections", Integer.toString(sendConnections));
        m.put("cycle/single producers + consumers", producers + " + " + consumers);
        m.put("long polling", "pollingWaitSeconds=" + pollingWaitSeconds);
        m.put("latency scenario", latencyRate + " msg/s over at most " + senderConnections + " connections, "
                + latencyConsumers + " long-polling consumers, measured after " + latencyWarmupSeconds
                + " s at that rate (raw Kafka's too)");
        m.put("backlog", String.format("%,d messages (reference: %,d, %d rounds), drained for at most %d s",
                backlogMessages, backlogReferenceMessages, backlogReferenceRounds, backlogDrainSeconds));
        m.put("many queues", queues + " queues, " + perQueueRate + " msg/s each");
        m.put("service heap", "-Xmx" + serviceHeap);
        if (!serviceOpts.isEmpty()) {
            m.put("extra service JVM arguments", String.join(" ", serviceOpts));
        }
        if (!brokerOpts.isEmpty()) {
            m.put("extra broker JVM arguments", String.join(" ", brokerOpts));
        }
        m.put("signature", signMethod.paramValue() + " (the service accepts any key unless it verifies)");
        m.put("HTTP client", "Vert.x HttpClient, HTTP/1.1 keep-alive, " + httpEventLoops + " event loop(s), up to "
                + httpMaxConnections + " connections");
        return m;
    }
}
