package io.cmqkafka.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the service once a second: JVM heap used (sum of the heap pools from Prometheus
 * {@code /q/metrics}, {@code jvm_memory_used_bytes{area="heap"}}), live data after the last major GC, and the
 * resident memory of the service and broker processes.
 */
final class HeapSampler implements AutoCloseable {

    record Sample(double t, double heapUsedMiB, double liveDataMiB, double serviceRssMiB, double brokerRssMiB,
            double load1) {
    }

    private final URI metrics;
    private final long servicePid;
    private final long brokerPid;
    private final long runStart;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastError;

    HeapSampler(String hostPort, long servicePid, long brokerPid, long runStartNanos) {
        this.metrics = URI.create("http://" + hostPort + "/q/metrics");
        this.servicePid = servicePid;
        this.brokerPid = brokerPid;
        this.runStart = runStartNanos;
        this.thread = new Thread(this::loop, "heap-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void loop() {
        while (running) {
            long t0 = System.nanoTime();
            double heap = Double.NaN;
            double live = Double.NaN;
            try {
                String body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(3)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                double sum = 0;
                boolean any = false;
                for (String line : body.split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        any = true;
                    } else if (line.startsWith("jvm_gc_live_data_size_bytes")) {
                        live = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) / (1 << 20);
                    }
                }
                if (any) {
                    heap = sum / (1 << 20);
                }
            } catch (Exception e) {
                lastError = e.toString();
            }
            Sample s = new Sample((t0 - runStart) / 1e9, heap, live, Procs.rssBytes(servicePid) / 1048576.0,
                    Procs.rssBytes(brokerPid) / 1048576.0, Procs.load1());
            synchronized (samples) {
                samples.add(s);
            }
            long sleep = 1000 - (System.nanoTime() - t0) / 1_000_000;
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return new ArrayList<>(samples);
        }
    }

    /** Samples with t in [from, to] seconds since the run's start. */
    List<Sample> between(double from, double to) {
        return samples().stream().filter(s -> s.t() >= from && s.t() <= to).toList();
    }

    String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
