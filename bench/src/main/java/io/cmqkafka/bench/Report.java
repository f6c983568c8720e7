package io.cmqkafka.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/** Writes docs/benchmarks.md and the PNG charts beside it. */
final class Report {

    private final Options o;
    private final Map<String, Result> results = new LinkedHashMap<>();
    private final List<HeapSampler.Sample> heap;
    private final Map<String, String> environment;
    private final String commandLine;
    private final String jfrSection;
    private final List<String> problems;
    private final ZonedDateTime when = ZonedDateTime.now(ZoneOffset.UTC);

    Report(Options o, List<Result> results, List<HeapSampler.Sample> heap, Map<String, String> environment,
            String commandLine, String jfrSection, List<String> problems) {
        this.o = o;
        results.forEach(r -> this.results.put(r.key, r));
        this.heap = heap;
        this.environment = environment;
        this.commandLine = commandLine;
        this.jfrSection = jfrSection;
        this.problems = problems;
    }

    private Result r(String key) {
        return results.get(key);
    }

    private static String f0(double v) {
        return Double.isNaN(v) ? "-" : String.format("%,.0f", v);
    }

    private static String f1(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f", v);
    }

    private static String pct(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format("%.0f %%", 100 * a / b);
    }

    private static String verdict(boolean ok) {
        return ok ? "yes" : "**no**";
    }

    private double rate(String key) {
        Result x = r(key);
        return x == null || x.main == null ? Double.NaN : x.rate;
    }

    void write() throws IOException {
        Path chartDir = o.chartDir;
        Files.createDirectories(chartDir);
        String rel = o.reportFile.toAbsolutePath().getParent().relativize(chartDir.toAbsolutePath()).toString();
        if (rel.isEmpty()) {
            rel = ".";
        }
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by the benchmark suite in `bench/` (issue #7) on ")
                .append(when.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append(".\n\n");
        md.append("> **").append(o.full ? "Full run" : "Quick run (small sizes, short scenarios)").append(".** ");
        md.append("Figures come from one run on a shared 2-core machine; load average ")
                .append(environment.getOrDefault("load average at start", "?"))
                .append(" at the start. ");
        if (!o.note.isBlank()) {
            md.append(o.note);
        }
        md.append("\n\n");
        md.append("Reproduce (from the repository root):\n\n    mvn -B -ntp -DskipTests package && java -jar bench/target/cmq-bench.jar ")
                .append(o.full ? "--full" : "--quick").append("\n\n");
        md.append("This run: `").append(commandLine).append("`\n\n");

        summary(md);
        md.append(keptNotes());
        scenarioSections(md, rel);
        charts(md, rel);
        if (jfrSection != null && !jfrSection.isBlank()) {
            md.append(jfrSection).append('\n');
        }
        if (!problems.isEmpty()) {
            md.append("## Problems during the run\n\n");
            problems.forEach(p -> md.append("- ").append(p).append('\n'));
            md.append('\n');
        }
        md.append("## Machine, versions, settings\n\n| | |\n|---|---|\n");
        environment.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        o.describe().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        md.append("| raw Kafka producer | ").append(RawKafka.producerSettings(5))
                .append(" (latency baseline: linger.ms=1) |\n");
        md.append("\n");
        md.append(howToRead());
        Files.createDirectories(o.reportFile.toAbsolutePath().getParent());
        Files.writeString(o.reportFile, md.toString());
    }

    static final String NOTES_BEGIN = "<!-- BEGIN NOTES: kept when the report is rewritten -->";
    static final String NOTES_END = "<!-- END NOTES -->";

    /** Hand-written analysis between the markers in the previous report survives a rewrite (date it). */
    private String keptNotes() {
        try {
            if (Files.exists(o.reportFile)) {
                String old = Files.readString(o.reportFile);
                int a = old.indexOf(NOTES_BEGIN);
                int b = old.indexOf(NOTES_END);
                if (a >= 0 && b > a) {
                    return old.substring(a, b + NOTES_END.length()) + "\n\n";
                }
            }
        } catch (IOException e) {
            // start without notes
        }
        return NOTES_BEGIN + "\n" + NOTES_END + "\n\n";
    }

    private void summary(StringBuilder md) {
        md.append("## Summary against the targets\n\n");
        md.append("| scenario | measured | raw Kafka baseline (same run, same broker) | ratio | target | met |\n");
        md.append("|---|---|---|---|---|---|\n");
        double rawProduce = rate("raw-produce");
        double rawConsume = rate("raw-consume");
        double rawCycle = rate("raw-cycle");
        if (r("send") != null) {
            double v = rate("send");
            md.append("| send (BatchSendMessage ").append(o.batch).append(") | ").append(f0(v)).append(" msg/s | producer ")
                    .append(f0(rawProduce)).append(" msg/s | ").append(pct(v, rawProduce)).append(" | ≥ 50 % | ")
                    .append(Double.isNaN(rawProduce) ? "-" : verdict(v >= 0.5 * rawProduce)).append(" |\n");
        }
        if (r("cycle") != null) {
            double v = rate("cycle");
            md.append("| full cycle (batch send/receive/delete) | ").append(f0(v)).append(" msg/s | produce+consume ")
                    .append(f0(rawCycle)).append(" msg/s | ").append(pct(v, rawCycle)).append(" | ≥ 20 % | ")
                    .append(Double.isNaN(rawCycle) ? "-" : verdict(v >= 0.2 * rawCycle)).append(" |\n");
        }
        if (r("single") != null) {
            double v = rate("single");
            md.append("| single send/receive/delete | ").append(f0(v)).append(" msg/s | produce+consume ")
                    .append(f0(rawCycle)).append(" msg/s | ").append(pct(v, rawCycle)).append(" | - | - |\n");
        }
        if (r("latency") != null) {
            Result l = r("latency");
            Result raw = r("raw-latency");
            double p99 = l.latencyMs(99);
            md.append("| send→receive latency at ").append(o.latencyRate).append(" msg/s | p50 ")
                    .append(f1(l.latencyMs(50))).append(" / p99 ").append(f1(p99)).append(" / p99.9 ")
                    .append(f1(l.latencyMs(99.9))).append(" ms | ");
            if (raw != null) {
                md.append("p50 ").append(f1(raw.latencyMs(50))).append(" / p99 ").append(f1(raw.latencyMs(99)))
                        .append(" / p99.9 ").append(f1(raw.latencyMs(99.9))).append(" ms | p99 ")
                        .append(String.format("%.1f×", p99 / raw.latencyMs(99)));
            } else {
                md.append("- | -");
            }
            md.append(" | p99 ≤ 10 ms | ").append(Double.isNaN(p99) ? "-" : verdict(p99 <= 10)).append(" |\n");
        }
        if (r("backlog") != null) {
            Result bl = r("backlog");
            double ref = parse(bl.facts.get("reference (small backlog) receive+delete msg/s"));
            // the lower of the like-for-like start (as many messages as a reference round) and the whole drain
            double v = bl.main == null ? Double.NaN : Double.isNaN(bl.targetRate) ? bl.rate : bl.targetRate;
            double heapMax = Math.max(parse(bl.facts.get("heap max while filling (MiB)")),
                    parse(bl.facts.get("heap max while draining (MiB)")));
            md.append("| backlog of ").append(String.format("%,d", o.backlogMessages)).append(": receive rate | ")
                    .append(f0(v)).append(" msg/s, the lower of its first ").append(String.format("%,d",
                            o.backlogReferenceMessages)).append(" and the whole drain (small backlog: ").append(f0(ref))
                    .append(", median of ").append(o.backlogReferenceRounds).append(") | consumer ")
                    .append(f0(rawConsume)).append(" msg/s | ").append(pct(v, ref)).append(" of small backlog; ")
                    .append(pct(v, rawConsume)).append(" of raw | ≥ 80 % of small backlog | ")
                    .append(Double.isNaN(ref) || Double.isNaN(v) ? "-" : verdict(v >= 0.8 * ref)).append(" |\n");
            md.append("| backlog of ").append(String.format("%,d", o.backlogMessages)).append(": heap | max ")
                    .append(f0(heapMax)).append(" MiB used (-Xmx").append(o.serviceHeap).append(") | - | - | ≤ 512 MiB, flat | ")
                    .append(Double.isNaN(heapMax) ? "-" : verdict(heapMax <= 512)).append(" |\n");
        }
        if (r("queues") != null) {
            Result q = r("queues");
            md.append("| ").append(o.queues).append(" queues, light traffic | ").append(f0(q.main == null ? Double.NaN : q.rate))
                    .append(" msg/s received, p50 ").append(f1(q.latencyMs(50))).append(" / p99 ")
                    .append(f1(q.latencyMs(99))).append(" ms | - | - | - | - |\n");
        }
        if (o.backlogMessages < 10_000_000 && r("backlog") != null) {
            md.append("\nThe backlog here is ").append(String.format("%,d", o.backlogMessages))
                    .append(" messages, not the 10 million of the target: run `--full` for that.\n");
        }
        if (o.queues < 1000 && r("queues") != null) {
            md.append("The many-queues scenario ran with ").append(o.queues)
                    .append(" queues; `--full` runs 1,000.\n");
        }
        md.append("\n");
    }

    private static double parse(String s) {
        if (s == null) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(s.replace(",", "").replace("%", "").trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private void scenarioSections(StringBuilder md, String rel) {
        md.append("## Scenarios\n\n");
        for (Result x : results.values()) {
            md.append("### ").append(x.title).append("\n\n").append(x.what).append(".\n\n");
            md.append("| | |\n|---|---|\n");
            if (x.main != null) {
                md.append("| rate | ").append(f0(x.rate)).append(" msg/s (").append(x.main.name)
                        .append(", leaving out the first seconds of ramp-up) |\n");
                md.append("| messages | ").append(String.format("%,d in %.1f s", x.main.total(), x.main.elapsedSeconds()))
                        .append(" |\n");
            }
            if (x.latency != null && x.sortedLatencies().length > 0) {
                md.append("| ").append(x.latencyWhat).append(" | p50 ").append(f1(x.latencyMs(50))).append(" / p90 ")
                        .append(f1(x.latencyMs(90))).append(" / p99 ").append(f1(x.latencyMs(99))).append(" / p99.9 ")
                        .append(f1(x.latencyMs(99.9))).append(" / max ").append(f1(x.latencyMs(100)))
                        .append(" ms (").append(String.format("%,d", x.sortedLatencies().length)).append(" samples) |\n");
            }
            x.facts.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
            if (!x.kafkaRecords.isEmpty()) {
                StringBuilder k = new StringBuilder();
                x.kafkaRecords.forEach((kind, n) -> k.append(k.length() > 0 ? ", " : "").append(kind).append(' ')
                        .append(String.format("%,d", n)));
                long moved = x.main == null ? 0 : x.main.total();
                md.append("| Kafka records written (log offsets, incl. transaction markers) | ").append(k);
                long all = x.kafkaRecords.values().stream().mapToLong(Long::longValue).sum();
                if (moved > 0) {
                    md.append(String.format(" — %.1f records per message counted above", (double) all / moved));
                }
                md.append(" |\n");
            }
            if (!x.cores.isEmpty()) {
                StringBuilder c = new StringBuilder();
                x.cores.forEach((k, v) -> c.append(c.length() > 0 ? ", " : "").append(k).append(' ')
                        .append(String.format("%.2f", v)));
                md.append("| CPU (cores busy, of 2) | ").append(c).append(" |\n");
                Double svc = x.cores.get("service");
                if (svc != null && !Double.isNaN(x.serviceJitCores)) {
                    md.append(String.format("| service CPU: JIT compiler threads / the rest | %.2f / %.2f cores", x.serviceJitCores,
                            svc - x.serviceJitCores));
                    if (x.rate > 0) {
                        md.append(String.format(" (the rest: %.0f µs per message)", (svc - x.serviceJitCores) / x.rate * 1e6));
                    }
                    md.append(" |\n");
                }
            }
            md.append("| load average before → after | ").append(x.loadBefore).append(" → ").append(x.loadAfter)
                    .append(" |\n");
            md.append("| window (s since run start) | ").append(String.format("%.0f–%.0f", x.startT, x.endT))
                    .append(" |\n\n");
        }
    }

    private void charts(StringBuilder md, String rel) throws IOException {
        md.append("## Charts\n\n");
        // throughput over time, one chart per scenario
        for (Result x : results.values()) {
            if (x.series.isEmpty()) {
                continue;
            }
            XYChart c = Charts.xy(x.title + ": throughput over time", "seconds since the scenario started", "msg/s");
            for (Recorder s : x.series) {
                Charts.perSecond(c, s.name, s.series());
            }
            if (Charts.hasSeries(c)) {
                String file = "throughput-" + x.key + ".png";
                Charts.save(c, o.chartDir.resolve(file));
                md.append("![").append(x.title).append("](").append(rel).append('/').append(file).append(")\n\n");
            }
        }
        // latency percentiles
        List<Result> withLatency = new ArrayList<>();
        for (Result x : results.values()) {
            if (x.latency != null && x.sortedLatencies().length > 0) {
                withLatency.add(x);
            }
        }
        if (!withLatency.isEmpty()) {
            XYChart c = Charts.xy("Latency by percentile (log scale)",
                    "percentile: 0.3 = p50, 1 = p90, 2 = p99, 3 = p99.9  (x = -log10(1 - p))", "ms");
            c.getStyler().setYAxisLogarithmic(true);
            c.getStyler().setXAxisDecimalPattern("0.0");
            for (Result x : withLatency) {
                long[] sorted = x.sortedLatencies();
                double maxNines = Math.min(4, Math.log10(sorted.length));
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (double n = Math.log10(2); n <= maxNines + 1e-9; n += 0.05) {
                    double p = 100 * (1 - Math.pow(10, -n));
                    xs.add(n);
                    ys.add(Math.max(0.001, Recorder.percentile(sorted, p) / 1e6));
                }
                Charts.line(c, x.key + " (" + x.latencyWhat + ")", xs.stream().mapToDouble(d -> d).toArray(),
                        ys.stream().mapToDouble(d -> d).toArray());
            }
            Charts.save(c, o.chartDir.resolve("latency-percentiles.png"));
            md.append("![Latency percentiles](").append(rel).append("/latency-percentiles.png)\n\n");
        }
        for (String key : List.of("latency", "raw-latency", "queues")) {
            Result x = r(key);
            if (x == null || x.latency == null || x.sortedLatencies().length == 0) {
                continue;
            }
            double[][] p = x.latency.latencyPercentilesPerSecond(50, 99, 99.9);
            double[] t = new double[p[0].length];
            for (int i = 0; i < t.length; i++) {
                t[i] = i + 0.5;
            }
            XYChart c = Charts.xy(x.title + ": " + x.latencyWhat + " per second", "seconds since the scenario started", "ms");
            Charts.line(c, "p50", t, p[0]);
            Charts.line(c, "p99", t, p[1]);
            Charts.line(c, "p99.9", t, p[2]);
            if (Charts.hasSeries(c)) {
                String file = "latency-over-time-" + key + ".png";
                Charts.save(c, o.chartDir.resolve(file));
                md.append("![").append(x.title).append(" over time](").append(rel).append('/').append(file).append(")\n\n");
            }
        }
        if (!heap.isEmpty()) {
            XYChart c = Charts.xy("Service memory over the whole run", "seconds since the run started", "MiB");
            double[] t = heap.stream().mapToDouble(HeapSampler.Sample::t).toArray();
            Charts.line(c, "heap used", t, heap.stream().mapToDouble(HeapSampler.Sample::heapUsedMiB).toArray());
            double[] live = heap.stream().mapToDouble(HeapSampler.Sample::liveDataMiB).toArray();
            if (java.util.Arrays.stream(live).anyMatch(v -> v > 0)) {
                Charts.line(c, "live data after last major GC", t, live);
            }
            Charts.line(c, "service RSS", t, heap.stream().mapToDouble(HeapSampler.Sample::serviceRssMiB).toArray());
            Charts.line(c, "broker RSS", t, heap.stream().mapToDouble(HeapSampler.Sample::brokerRssMiB).toArray());
            Charts.save(c, o.chartDir.resolve("heap.png"));
            md.append("![Service memory](").append(rel).append("/heap.png)\n\n");
            md.append("Scenario windows on that time axis: ");
            md.append(String.join(", ", results.values().stream()
                    .map(x -> String.format("%s %.0f–%.0f s", x.key, x.startT, x.endT)).toList()));
            md.append(".\n\n");
        }
    }

    private String howToRead() {
        return """
                ## How the numbers are made

                * One **broker-role process** (`cmq.role=broker`, the service's embedded KRaft broker alone) and one
                  **service process** pointed at it (`cmq.kafka.bootstrap-servers`, replication factor 1,
                  min.insync.replicas 1), both from `adapter/target/quarkus-app/quarkus-run.jar`, started fresh
                  in `bench/target/bench-run/`. The raw Kafka baseline uses the same broker, so both see the same
                  durability (`acks=all`, one replica) and the same disk. The broker process runs with the heap and G1
                  settings of Kafka's own start scripts (`-Xms1g -Xmx1g`, `MaxGCPauseMillis=20`,
                  `InitiatingHeapOccupancyPercent=35`).
                * The load generator is `bench/` (`io.cmqkafka.bench.BenchMain`): CMQ v2 requests as the official
                  Java SDK sends them (POST form body, common parameters, HmacSHA1 signature), over
                  Vert.x's asynchronous HTTP client with HTTP/1.1 keep-alive connections, one connection per request in
                  flight. It runs in the same 2 cores as the broker and the service: every figure includes that.
                * Rates are per-second counts averaged over the scenario, leaving out the first 2 seconds.
                  Request latencies are measured from just before the request is built to the answer; send-to-receive
                  latency from the intended send time to the arrival of the receive answer (same clock, same process).
                  The latency scenarios (raw Kafka's and the service's) first run `--latency-warmup` seconds (10) at
                  their rate without counting them.
                * Closed-loop scenarios (cycle, single, backlog) use the smallest connection counts at which the
                  cycle's rate stopped rising on this machine (6 producers + 12 consumers, session 11): fewer
                  measure the load generator's concurrency rather than the service.
                * The backlog drains (the big one and each reference round) stop their clock at the delete that
                  empties the queue, not when the last long-polling consumer returns. The reference is the median
                  of three rounds; the ratio in the summary is the lower of the backlog's first N messages (N = one
                  reference round, same cold start of the consumers) and its whole drain.
                * Heap is `jvm_memory_used_bytes{area="heap"}` summed over the pools, from the service's
                  `/q/metrics`, once a second; "live data" is `jvm_gc_live_data_size_bytes`.
                * Benchmarks never run in the tests: `mvn verify` only builds `bench/` and runs its signature unit test.
                """;
    }
}
