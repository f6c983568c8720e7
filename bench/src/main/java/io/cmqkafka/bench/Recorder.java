package io.cmqkafka.bench;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** Counts messages per second since its start, keeps latencies (with the second they fell in) and errors. */
public final class Recorder {

    public final String name;
    private final long startNanos;
    private final AtomicLongArray perSecond;
    private final LongAdder total = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> firstErrorText = new ConcurrentHashMap<>();
    private long[] latencies = new long[1 << 14];
    private int[] latencySecond = new int[1 << 14];
    private int latencyCount;
    private volatile long stopNanos;

    public Recorder(String name, long startNanos, int maxSeconds) {
        this.name = name;
        this.startNanos = startNanos;
        this.perSecond = new AtomicLongArray(maxSeconds + 1);
    }

    public long startNanos() {
        return startNanos;
    }

    private int second(long nanos) {
        long s = (nanos - startNanos) / 1_000_000_000L;
        return (int) Math.max(0, Math.min(perSecond.length() - 1, s));
    }

    public void count(long messages) {
        total.add(messages);
        perSecond.addAndGet(second(System.nanoTime()), messages);
    }

    public long total() {
        return total.sum();
    }

    public synchronized void latency(long nanos) {
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
            latencySecond = Arrays.copyOf(latencySecond, latencyCount * 2);
        }
        latencies[latencyCount] = nanos;
        latencySecond[latencyCount++] = second(System.nanoTime());
    }

    public void error(Throwable t) {
        String key = Integer.toString(CmqHttpClient.codeOf(t));
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
        firstErrorText.putIfAbsent(key, CmqHttpClient.describe(t));
    }

    public void error(String key, String text) {
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
        firstErrorText.putIfAbsent(key, text);
    }

    public void stop() {
        stopNanos = System.nanoTime();
    }

    /** Stops the clock unless it is stopped already: the first of several stop conditions counts. */
    public synchronized void stopOnce() {
        if (stopNanos == 0) {
            stopNanos = System.nanoTime();
        }
    }

    /**
     * Whether {@code count} messages are counted; the clock stops the first time they are, so a drain ends
     * with its last message and not when its last (long-polling) consumer returns.
     */
    public boolean stopWhenReached(long count) {
        if (total() < count) {
            return false;
        }
        stopOnce();
        return true;
    }

    /** Seconds from start to stop (or now). */
    public double elapsedSeconds() {
        long end = stopNanos != 0 ? stopNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }

    /** Messages in each whole second until stop. */
    public long[] series() {
        int n = (int) Math.min(perSecond.length(), Math.max(1, Math.ceil(elapsedSeconds())));
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = perSecond.get(i);
        }
        return out;
    }

    /**
     * Mean rate over the run, leaving out the first {@code skip} seconds (connection set-up, JIT) when the run
     * is long enough to afford it.
     */
    public double rate(int skip) {
        long[] s = series();
        double elapsed = elapsedSeconds();
        if (elapsed < skip + 3) {
            return total() / Math.max(elapsed, 1e-3);
        }
        long sum = 0;
        for (int i = skip; i < s.length; i++) {
            sum += s[i];
        }
        return sum / (elapsed - skip);
    }

    public synchronized long[] sortedLatencies() {
        long[] copy = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(copy);
        return copy;
    }

    /** Per-second percentiles (ms) of latencies that arrived in that second; NaN where none. */
    public synchronized double[][] latencyPercentilesPerSecond(double... ps) {
        int n = series().length;
        long[][] buckets = new long[n][];
        int[] sizes = new int[n];
        for (int i = 0; i < latencyCount; i++) {
            if (latencySecond[i] < n) {
                sizes[latencySecond[i]]++;
            }
        }
        for (int s = 0; s < n; s++) {
            buckets[s] = new long[sizes[s]];
        }
        int[] fill = new int[n];
        for (int i = 0; i < latencyCount; i++) {
            int s = latencySecond[i];
            if (s < n) {
                buckets[s][fill[s]++] = latencies[i];
            }
        }
        double[][] out = new double[ps.length][n];
        for (int s = 0; s < n; s++) {
            Arrays.sort(buckets[s]);
            for (int j = 0; j < ps.length; j++) {
                out[j][s] = buckets[s].length == 0 ? Double.NaN : percentile(buckets[s], ps[j]) / 1e6;
            }
        }
        return out;
    }

    /** Nearest-rank percentile of a sorted array; p in [0,100]. */
    public static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public Map<String, Long> errors() {
        Map<String, Long> m = new TreeMap<>();
        errors.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    public Map<String, String> errorTexts() {
        return new TreeMap<>(firstErrorText);
    }
}
