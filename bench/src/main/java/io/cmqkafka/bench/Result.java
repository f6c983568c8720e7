package io.cmqkafka.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What one scenario (or one raw baseline) measured. */
final class Result {

    final String key;
    final String title;
    final String what;
    /** The headline rate (msg/s) and the recorder it comes from. */
    Recorder main;
    double rate;
    /** The rate a target is judged on when it is not {@link #rate} (NaN: {@link #rate} itself). */
    double targetRate = Double.NaN;
    /** Latencies in the report come from this recorder (may be {@code main}). */
    Recorder latency;
    String latencyWhat = "";
    final List<Recorder> series = new ArrayList<>();
    final Map<String, String> facts = new LinkedHashMap<>();
    /** Seconds since the run's start. */
    double startT;
    double endT;
    final Map<String, Double> cores = new LinkedHashMap<>();
    /** Of the service's cores, those its JIT compiler threads used (a cold JVM compiles for minutes). */
    double serviceJitCores = Double.NaN;
    /** Kafka log offsets added during the scenario, per kind of topic. */
    final Map<String, Long> kafkaRecords = new LinkedHashMap<>();
    String loadBefore = "";
    String loadAfter = "";
    final List<String> notes = new ArrayList<>();

    Result(String key, String title, String what) {
        this.key = key;
        this.title = title;
        this.what = what;
    }

    long[] sortedLatencies() {
        return latency == null ? new long[0] : latency.sortedLatencies();
    }

    double latencyMs(double p) {
        long[] s = sortedLatencies();
        return s.length == 0 ? Double.NaN : Recorder.percentile(s, p) / 1e6;
    }
}
