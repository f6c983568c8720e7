package io.cmqkafka.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/** What every scenario needs: settings, the CMQ client, the broker address, and the processes to watch. */
final class Bench {

    final Options o;
    final CmqHttpClient cmq;
    final String bootstrap;
    final long runStart;
    final long servicePid;
    final long brokerPid;
    final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "bench-timer");
        t.setDaemon(true);
        return t;
    });

    /** Runs the load loops' next steps (signing, encoding); the HTTP client has its own threads. */
    final java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "bench-worker");
        t.setDaemon(true);
        return t;
    });

    Bench(Options o, CmqHttpClient cmq, String bootstrap, long runStart, long servicePid, long brokerPid) {
        this.o = o;
        this.cmq = cmq;
        this.bootstrap = bootstrap;
        this.runStart = runStart;
        this.servicePid = servicePid;
        this.brokerPid = brokerPid;
    }

    double t() {
        return (System.nanoTime() - runStart) / 1e9;
    }

    static void log(String fmt, Object... args) {
        System.out.printf("[bench %tT] %s%n", System.currentTimeMillis(), String.format(fmt, args));
    }

    /** A future completed after {@code millis}. */
    CompletableFuture<Void> delay(long millis) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        timer.schedule(() -> f.complete(null), millis, TimeUnit.MILLISECONDS);
        return f;
    }

    /**
     * Closed loop: {@code workers} chains, each starting the next step when the previous one completed, until
     * {@code deadlineNanos} (or {@code stop} says so). Waits for every chain to end (at most 60 s past the
     * deadline). A failed step is followed by a 50 ms pause so a broken service is not hammered.
     */
    void closedLoop(int workers, long deadlineNanos, Supplier<Boolean> stop, IntFunction<CompletableFuture<?>> step) {
        CountDownLatch done = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            int worker = i;
            new Object() {
                void next() {
                    if (System.nanoTime() >= deadlineNanos || stop.get()) {
                        done.countDown();
                        return;
                    }
                    CompletableFuture<?> f;
                    try {
                        f = step.apply(worker);
                    } catch (RuntimeException e) {
                        f = CompletableFuture.failedFuture(e);
                    }
                    f.whenCompleteAsync((r, e) -> {
                        if (e != null) {
                            delay(50).thenRunAsync(this::next, pool);
                        } else {
                            next();
                        }
                    }, pool);
                }
            }.next();
        }
        await(done, deadlineNanos);
    }

    static void await(CountDownLatch done, long deadlineNanos) {
        try {
            long waitMs = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000) + 60_000;
            if (!done.await(waitMs, TimeUnit.MILLISECONDS)) {
                log("warning: %d workers still busy 60 s after the deadline; moving on", done.getCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs {@code body} and fills the result's time window, CPU use per process and load averages. */
    KafkaRecords records;

    void measure(Result r, Runnable body) {
        Map<String, Long> k0 = records != null ? records.snapshot() : Map.of();
        long self = ProcessHandle.current().pid();
        double s0 = Procs.cpuSeconds(servicePid);
        double j0 = Procs.jitCpuSeconds(servicePid);
        double b0 = Procs.cpuSeconds(brokerPid);
        double c0 = Procs.cpuSeconds(self);
        r.loadBefore = Procs.loadAverage();
        r.startT = t();
        long w0 = System.nanoTime();
        body.run();
        double wall = (System.nanoTime() - w0) / 1e9;
        r.endT = t();
        r.loadAfter = Procs.loadAverage();
        if (servicePid > 0) {
            r.cores.put("service", (Procs.cpuSeconds(servicePid) - s0) / wall);
            r.serviceJitCores = (Procs.jitCpuSeconds(servicePid) - j0) / wall;
        }
        if (brokerPid > 0) {
            r.cores.put("broker", (Procs.cpuSeconds(brokerPid) - b0) / wall);
        }
        r.cores.put("load generator", (Procs.cpuSeconds(self) - c0) / wall);
        if (records != null && !k0.isEmpty()) {
            r.kafkaRecords.putAll(KafkaRecords.delta(k0, records.snapshot()));
        }
    }

    /** Cores the service burns while no load runs, over {@code seconds}. */
    double idleServiceCores(double seconds) {
        if (servicePid <= 0) {
            return Double.NaN;
        }
        double c0 = Procs.cpuSeconds(servicePid);
        long t0 = System.nanoTime();
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (Procs.cpuSeconds(servicePid) - c0) / ((System.nanoTime() - t0) / 1e9);
    }

    /** CreateQueue; an existing queue (4460) is fine. */
    void createQueue(String name, Map<String, String> attrs) {
        Map<String, String> p = new java.util.HashMap<>(attrs);
        p.put("queueName", name);
        try {
            cmq.call("CreateQueue", p).join();
        } catch (Exception e) {
            if (CmqHttpClient.codeOf(e) != 4460) {
                throw new IllegalStateException("CreateQueue " + name + ": " + CmqHttpClient.describe(e), e);
            }
        }
    }

    /** Atomic max helper. */
    static void max(AtomicLong a, long v) {
        a.accumulateAndGet(v, Math::max);
    }
}
