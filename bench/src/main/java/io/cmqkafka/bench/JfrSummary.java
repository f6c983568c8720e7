package io.cmqkafka.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/** Hot methods of the service per scenario, from its JDK Flight Recorder file (execution samples). */
final class JfrSummary {

    private JfrSummary() {
    }

    private static final class Counts {
        final Map<String, Integer> top = new HashMap<>();
        final Map<String, Integer> ours = new HashMap<>();
        final Map<String, Integer> area = new HashMap<>();
        int samples;
        long gcPauseNanos;
        int gcs;
    }

    static String summarize(Path jfr, List<Result> results, long runStartWallMillis) throws Exception {
        if (!Files.exists(jfr)) {
            return "## JFR\n\nNo recording found at " + jfr + ".\n";
        }
        Map<String, Counts> by = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            boolean sample = type.equals("jdk.ExecutionSample");
            boolean gc = type.equals("jdk.GarbageCollection");
            if (!sample && !gc) {
                continue;
            }
            Result r = at(results, e.getStartTime(), runStartWallMillis);
            if (r == null) {
                continue;
            }
            Counts c = by.computeIfAbsent(r.key, k -> new Counts());
            if (gc) {
                c.gcs++;
                c.gcPauseNanos += e.getDuration("sumOfPauses").toNanos();
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            c.samples++;
            List<RecordedFrame> frames = st.getFrames();
            String top = name(frames.get(0));
            c.top.merge(top, 1, Integer::sum);
            c.area.merge(area(frames.get(0).getMethod().getType().getName()), 1, Integer::sum);
            for (RecordedFrame f : frames) {
                String cls = f.getMethod().getType().getName();
                if (cls.startsWith("io.cmqkafka.")) {
                    c.ours.merge(name(f), 1, Integer::sum);
                    break;
                }
            }
        }
        StringBuilder md = new StringBuilder("## Where the service spends its CPU (JFR execution samples)\n\n");
        md.append("Recorded with `-XX:StartFlightRecording=settings=profile`; samples are attributed to the scenario "
                + "whose window they fall in. \"Top frame\" is the method on CPU; \"first service frame\" is the "
                + "innermost `io.cmqkafka` method on the stack (the service code that led there).\n\n");
        for (Result r : results) {
            Counts c = by.get(r.key);
            if (c == null || c.samples == 0) {
                continue;
            }
            md.append("### ").append(r.key).append(" (").append(c.samples).append(" samples, ").append(c.gcs)
                    .append(" GCs, ").append(String.format("%.0f", c.gcPauseNanos / 1e6)).append(" ms GC pauses)\n\n");
            md.append("Top frame by area: ").append(top(c.area, 8, c.samples).stream()
                    .map(s -> s.replace("|", ":")).collect(Collectors.joining(", "))).append("\n\n");
            md.append("| top frame | % | | first service frame | % |\n|---|---|---|---|---|\n");
            List<String> a = top(c.top, 10, c.samples);
            List<String> b = top(c.ours, 10, c.samples);
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                String[] x = i < a.size() ? a.get(i).split("\\|") : new String[] {"", ""};
                String[] y = i < b.size() ? b.get(i).split("\\|") : new String[] {"", ""};
                md.append("| `").append(x[0]).append("` | ").append(x[1]).append(" | | `").append(y[0]).append("` | ")
                        .append(y[1]).append(" |\n");
            }
            md.append('\n');
        }
        return md.toString().replace("| `` |", "|  |");
    }

    private static Result at(List<Result> results, Instant t, long runStartWallMillis) {
        double s = (t.toEpochMilli() - runStartWallMillis) / 1000.0;
        for (Result r : results) {
            if (s >= r.startT && s <= r.endT) {
                return r;
            }
        }
        return null;
    }

    private static String name(RecordedFrame f) {
        String cls = f.getMethod().getType().getName();
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static String area(String cls) {
        String[] prefixes = {"io.cmqkafka", "org.apache.kafka.streams", "org.apache.kafka", "kafka.", "org.rocksdb",
            "io.netty", "io.vertx", "io.quarkus", "org.jboss", "com.fasterxml", "java.util.concurrent", "java.", "jdk.",
            "sun."};
        for (String p : prefixes) {
            if (cls.startsWith(p)) {
                return p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
            }
        }
        return "other";
    }

    private static List<String> top(Map<String, Integer> m, int n, int total) {
        return m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .map(e -> e.getKey() + "|" + String.format("%.1f", 100.0 * e.getValue() / total)).toList();
    }
}
