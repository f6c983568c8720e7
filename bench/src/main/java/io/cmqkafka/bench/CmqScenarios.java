package io.cmqkafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** The CMQ scenarios of issue #7, driven over HTTP with {@link CmqHttpClient}. */
final class CmqScenarios {

    private static final int STAMP = 19; // digits of System.nanoTime() at the start of a timestamped body

    private final Bench b;
    private final Options o;
    private final Random random = new Random(7);

    CmqScenarios(Bench b) {
        this.b = b;
        this.o = b.o;
    }

    // ------------------------------------------------------------------ building blocks

    String body(int bytes) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder sb = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String stamped(String pad, long nanos) {
        return String.format("%019d", nanos) + pad;
    }

    private static long stampOf(String body) {
        try {
            return Long.parseLong(body.substring(0, STAMP));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private Map<String, String> batchSendParams(String queue, List<String> bodies) {
        Map<String, String> p = CmqHttpClient.batch(queue, "msgBody", bodies);
        p.put("delaySeconds", "0");
        return p;
    }

    /** BatchSendMessage of prepared parameters; counts the messages and the request's latency. */
    private CompletableFuture<?> sendBatch(Map<String, String> params, int n, Recorder sent) {
        long t0 = System.nanoTime();
        return b.cmq.call("BatchSendMessage", params).whenComplete((j, e) -> {
            if (e == null) {
                sent.count(n);
                sent.latency(System.nanoTime() - t0);
            } else {
                sent.error(e);
            }
        });
    }

    private CompletableFuture<?> sendOne(String queue, String body, Recorder sent) {
        long t0 = System.nanoTime();
        Map<String, String> p = new HashMap<>();
        p.put("queueName", queue);
        p.put("msgBody", body);
        p.put("delaySeconds", "0");
        return b.cmq.call("SendMessage", p).whenComplete((j, e) -> {
            if (e == null) {
                sent.count(1);
                sent.latency(System.nanoTime() - t0);
            } else {
                sent.error(e);
            }
        });
    }

    /**
     * BatchReceiveMessage (long polling) then BatchDeleteMessage of what came. "No message" (7000) is not an
     * error. With {@code endToEnd}, each body's timestamp gives a send-to-receive latency.
     */
    private CompletableFuture<?> receiveAndDeleteBatch(String queue, int n, Recorder received, Recorder deleted,
            Recorder endToEnd) {
        return receiveAndDeleteBatch(queue, n, received, deleted, endToEnd, false);
    }

    /**
     * @param asyncDelete do not wait for the delete before the next receive (as a consumer that acknowledges in
     *                    the background does); the delete still runs and is counted
     */
    private CompletableFuture<?> receiveAndDeleteBatch(String queue, int n, Recorder received, Recorder deleted,
            Recorder endToEnd, boolean asyncDelete) {
        Map<String, String> p = new HashMap<>();
        p.put("queueName", queue);
        p.put("numOfMsg", Integer.toString(n));
        p.put("pollingWaitSeconds", Integer.toString(o.pollingWaitSeconds));
        long t0 = System.nanoTime();
        return b.cmq.call("BatchReceiveMessage", p, Duration.ofSeconds(o.pollingWaitSeconds + 15))
                .thenCompose(json -> {
                    long now = System.nanoTime();
                    JsonNode list = json.path("msgInfoList");
                    List<String> handles = new ArrayList<>(list.size());
                    for (JsonNode m : list) {
                        handles.add(m.path("receiptHandle").asText());
                        if (endToEnd != null) {
                            long stamp = stampOf(m.path("msgBody").asText());
                            if (stamp > 0) {
                                endToEnd.latency(now - stamp);
                            }
                        }
                    }
                    received.count(handles.size());
                    received.latency(now - t0);
                    if (handles.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    long t1 = System.nanoTime();
                    CompletableFuture<?> del = b.cmq.call("BatchDeleteMessage",
                            CmqHttpClient.batch(queue, "receiptHandle", handles)).whenComplete((d, e) -> {
                                if (e == null) {
                                    deleted.count(handles.size());
                                    deleted.latency(System.nanoTime() - t1);
                                } else {
                                    deleted.error(e);
                                }
                            });
                    return asyncDelete ? CompletableFuture.completedFuture(null) : del;
                })
                .exceptionally(e -> {
                    if (CmqHttpClient.codeOf(e) == 7000) {
                        return null;
                    }
                    received.error(e);
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                });
    }

    /** ReceiveMessage (long polling) then DeleteMessage. */
    private CompletableFuture<?> receiveAndDeleteOne(String queue, Recorder received, Recorder deleted) {
        Map<String, String> p = new HashMap<>();
        p.put("queueName", queue);
        p.put("pollingWaitSeconds", Integer.toString(o.pollingWaitSeconds));
        long t0 = System.nanoTime();
        return b.cmq.call("ReceiveMessage", p, Duration.ofSeconds(o.pollingWaitSeconds + 15))
                .thenCompose(json -> {
                    received.count(1);
                    received.latency(System.nanoTime() - t0);
                    Map<String, String> d = new HashMap<>();
                    d.put("queueName", queue);
                    d.put("receiptHandle", json.path("receiptHandle").asText());
                    long t1 = System.nanoTime();
                    return b.cmq.call("DeleteMessage", d).whenComplete((x, e) -> {
                        if (e == null) {
                            deleted.count(1);
                            deleted.latency(System.nanoTime() - t1);
                        } else {
                            deleted.error(e);
                        }
                    });
                })
                .exceptionally(e -> {
                    if (CmqHttpClient.codeOf(e) == 7000) {
                        return null;
                    }
                    received.error(e);
                    throw e instanceof CompletionException ce ? ce : new CompletionException(e);
                });
    }

    private Map<String, String> queueAttrs() {
        return Map.of("visibilityTimeout", "60", "pollingWaitSeconds", Integer.toString(o.pollingWaitSeconds));
    }

    private static long deadline(double seconds) {
        return System.nanoTime() + (long) (seconds * 1e9);
    }

    private int maxSeconds(double seconds) {
        return (int) seconds + 120;
    }

    // ------------------------------------------------------------------ scenarios

    /** Not reported: a mixed load so the JIT, connections and the broker are warm. */
    void warmUp() {
        if (o.warmupSeconds <= 0) {
            return;
        }
        Bench.log("warm-up: %d s of batch send + receive + delete", o.warmupSeconds);
        String q = "bench-warmup";
        b.createQueue(q, queueAttrs());
        Map<String, String> params = batchSendParams(q, repeat(body(o.bodyBytes), o.batch));
        long start = System.nanoTime();
        Recorder sent = new Recorder("warm-up sent", start, maxSeconds(o.warmupSeconds));
        Recorder got = new Recorder("warm-up received", start, maxSeconds(o.warmupSeconds));
        Recorder del = new Recorder("warm-up deleted", start, maxSeconds(o.warmupSeconds));
        long end = deadline(o.warmupSeconds);
        int producers = Math.max(1, o.producers);
        b.closedLoop(producers + o.consumers, end, () -> false, w -> w < producers
                ? (sent.total() - del.total() > backlogBound() ? b.delay(2) : sendBatch(params, o.batch, sent))
                : receiveAndDeleteBatch(q, o.batch, got, del, null));
        Bench.log("warm-up: sent %,d, deleted %,d, errors %s", sent.total(), del.total(), sent.errors());
    }

    private int backlogBound() {
        return Math.max(2000, o.consumers * o.batch * 8);
    }

    private static List<String> repeat(String s, int n) {
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(s);
        }
        return l;
    }

    Result send() {
        Result r = new Result("send", "Send (BatchSendMessage of " + o.batch + ")",
                o.sendConnections + " connections, each sending batches of " + o.batch + " x " + o.bodyBytes
                        + " B back to back");
        String q = "bench-send";
        b.createQueue(q, queueAttrs());
        Map<String, String> params = batchSendParams(q, repeat(body(o.bodyBytes), o.batch));
        b.measure(r, () -> {
            Recorder sent = new Recorder("sent", System.nanoTime(), maxSeconds(o.durationSeconds));
            r.main = sent;
            r.latency = sent;
            r.latencyWhat = "BatchSendMessage request latency";
            b.closedLoop(o.sendConnections, deadline(o.durationSeconds), () -> false,
                    w -> sendBatch(params, o.batch, sent));
            sent.stop();
            r.series.add(sent);
        });
        r.rate = r.main.rate(2);
        return r;
    }

    Result cycle() {
        Result r = new Result("cycle", "Full cycle (batch send, batch receive, batch delete)",
                o.producers + " producer connections (BatchSendMessage of " + o.batch + " x " + o.bodyBytes
                        + " B) and " + o.consumers + " consumer connections (BatchReceiveMessage " + o.batch
                        + " with long polling, then BatchDeleteMessage); producers pause while more than "
                        + backlogBound() + " messages are sent but not deleted");
        String q = "bench-cycle";
        b.createQueue(q, queueAttrs());
        Map<String, String> params = batchSendParams(q, repeat(body(o.bodyBytes), o.batch));
        b.measure(r, () -> {
            long start = System.nanoTime();
            Recorder sent = new Recorder("sent", start, maxSeconds(o.durationSeconds));
            Recorder got = new Recorder("received", start, maxSeconds(o.durationSeconds));
            Recorder del = new Recorder("deleted", start, maxSeconds(o.durationSeconds));
            r.main = del;
            r.latency = got;
            r.latencyWhat = "BatchReceiveMessage request latency (includes long-poll waits)";
            b.closedLoop(o.producers + o.consumers, deadline(o.durationSeconds), () -> false, w -> w < o.producers
                    ? (sent.total() - del.total() > backlogBound() ? b.delay(2) : sendBatch(params, o.batch, sent))
                    : receiveAndDeleteBatch(q, o.batch, got, del, null));
            for (Recorder x : List.of(sent, got, del)) {
                x.stop();
                r.series.add(x);
            }
            r.facts.put("sent msg/s", fmt(sent.rate(2)));
            r.facts.put("BatchSendMessage p50 / p99 ms", ms(sent, 50) + " / " + ms(sent, 99));
            r.facts.put("BatchDeleteMessage p50 / p99 ms", ms(del, 50) + " / " + ms(del, 99));
            r.facts.put("errors", errors(sent, got, del));
        });
        r.rate = r.main.rate(2);
        return r;
    }

    Result single() {
        Result r = new Result("single", "Single-message send / receive / delete",
                o.producers + " connections sending one " + o.bodyBytes + " B message per SendMessage, "
                        + o.consumers + " connections doing ReceiveMessage (long polling) + DeleteMessage");
        String q = "bench-single";
        b.createQueue(q, queueAttrs());
        String body = body(o.bodyBytes);
        b.measure(r, () -> {
            long start = System.nanoTime();
            Recorder sent = new Recorder("sent", start, maxSeconds(o.durationSeconds));
            Recorder got = new Recorder("received", start, maxSeconds(o.durationSeconds));
            Recorder del = new Recorder("deleted", start, maxSeconds(o.durationSeconds));
            r.main = del;
            r.latency = sent;
            r.latencyWhat = "SendMessage request latency";
            b.closedLoop(o.producers + o.consumers, deadline(o.durationSeconds), () -> false, w -> w < o.producers
                    ? (sent.total() - del.total() > backlogBound() ? b.delay(2) : sendOne(q, body, sent))
                    : receiveAndDeleteOne(q, got, del));
            for (Recorder x : List.of(sent, got, del)) {
                x.stop();
                r.series.add(x);
            }
            r.facts.put("sent msg/s", fmt(sent.rate(2)));
            r.facts.put("ReceiveMessage p50 / p99 ms", ms(got, 50) + " / " + ms(got, 99));
            r.facts.put("DeleteMessage p50 / p99 ms", ms(del, 50) + " / " + ms(del, 99));
            r.facts.put("errors", errors(sent, got, del));
        });
        r.rate = r.main.rate(2);
        return r;
    }

    Result latency() {
        Result r = new Result("latency", "Send-to-receive latency at " + o.latencyRate + " msg/s",
                "one SendMessage of " + o.bodyBytes + " B every " + String.format("%.2f", 1000.0 / o.latencyRate)
                        + " ms (open loop, fixed rate, at most " + o.senderConnections + " sends in flight; the"
                        + " latency clock starts at the intended send time), " + o.latencyConsumers
                        + " consumers with BatchReceiveMessage " + o.batch + " long polling, each deleting what it got"
                        + " (BatchDeleteMessage) without waiting for the answer before its next receive;"
                        + " latency = from just before the send request to the arrival of the receive answer;"
                        + " measured after " + o.latencyWarmupSeconds + " s at the same rate (not counted)");
        String q = "bench-latency";
        b.createQueue(q, queueAttrs());
        String pad = body(Math.max(0, o.bodyBytes - STAMP));
        if (o.latencyWarmupSeconds > 0) {
            // The first seconds at a new rate and request shape are slow for reasons a steady state does not
            // have (the JIT compiling SendMessage's path, which the batch warm-up never took; the queue's
            // activation): run them uncounted, as the raw Kafka baseline does.
            long start = System.nanoTime();
            int maxS = maxSeconds(o.latencyWarmupSeconds + o.pollingWaitSeconds);
            fixedRateSendReceive(q, pad, o.latencyWarmupSeconds, new Recorder("warm-up sent", start, maxS),
                    new Recorder("warm-up received", start, maxS), new Recorder("warm-up deleted", start, maxS),
                    new Recorder("warm-up send-to-receive", start, maxS), new AtomicLong());
        }
        b.measure(r, () -> {
            long start = System.nanoTime();
            int maxS = maxSeconds(o.durationSeconds + o.pollingWaitSeconds);
            Recorder sent = new Recorder("sent", start, maxS);
            Recorder got = new Recorder("received", start, maxS);
            Recorder del = new Recorder("deleted", start, maxS);
            Recorder e2e = new Recorder("send-to-receive", start, maxS);
            r.main = got;
            r.latency = e2e;
            r.latencyWhat = "send-to-receive latency";
            AtomicLong skipped = new AtomicLong();
            fixedRateSendReceive(q, pad, o.durationSeconds, sent, got, del, e2e, skipped);
            for (Recorder x : List.of(sent, got, e2e)) {
                x.stop();
            }
            r.series.add(sent);
            r.series.add(got);
            r.facts.put("sent / received", String.format("%,d / %,d", sent.total(), got.total()));
            r.facts.put("sends not issued in time (all connections busy)", Long.toString(skipped.get()));
            r.facts.put("SendMessage p50 / p99 ms", ms(sent, 50) + " / " + ms(sent, 99));
            r.facts.put("errors", errors(sent, got, del));
        });
        r.rate = r.main.rate(2);
        return r;
    }

    /** Sends at the latency rate for {@code seconds} while the consumers receive, until all sent are received. */
    private void fixedRateSendReceive(String q, String pad, int seconds, Recorder sent, Recorder got, Recorder del,
            Recorder e2e, AtomicLong skipped) {
        AtomicBoolean senderDone = new AtomicBoolean();
        Thread sender = openLoopSender(o.latencyRate, seconds, senderDone, skipped,
                t -> sendOne(q, stamped(pad, t), sent));
        b.closedLoop(o.latencyConsumers, deadline(seconds + o.pollingWaitSeconds + 10),
                () -> senderDone.get() && got.total() >= sent.total(),
                w -> receiveAndDeleteBatch(q, o.batch, got, del, e2e, true));
        join(sender);
    }

    /**
     * A thread that issues {@code rate} sends per second for {@code seconds} (at most rate x seconds in all) over
     * at most {@code o.senderConnections} requests in flight. {@code send} gets the <em>intended</em> send time
     * (start + i / rate), which goes in the body: when the service is slow, the time a send waits for a free
     * connection counts in the latency (no coordinated omission). Sends not issued by the end are "skipped".
     */
    private Thread openLoopSender(double rate, int seconds, AtomicBoolean done, AtomicLong skipped,
            java.util.function.LongFunction<CompletableFuture<?>> send) {
        Semaphore slots = new Semaphore(o.senderConnections);
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long total = (long) (rate * seconds);
            long i = 0;
            try {
                while (i < total && System.nanoTime() < end) {
                    long intended = start + (long) (i * 1e9 / rate);
                    long wait = intended - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    if (!slots.tryAcquire(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        break;
                    }
                    send.apply(intended).whenComplete((x, e) -> slots.release());
                    i++;
                }
                skipped.addAndGet(total - i);
                slots.tryAcquire(o.senderConnections, 30, TimeUnit.SECONDS); // the last answers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                done.set(true);
            }
        }, "open-loop-sender");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void join(Thread t) {
        try {
            t.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Result backlog(HeapSampler sampler) {
        Result r = new Result("backlog", "Backlog of " + String.format("%,d", o.backlogMessages) + " messages",
                String.format("fill a queue with %,d messages of %d B (BatchSendMessage, %d connections), then %d "
                        + "consumers (BatchReceiveMessage %d + BatchDeleteMessage) for %d s; reference: the same "
                        + "consumers draining a queue of %,d messages, %d times (median)", o.backlogMessages,
                        o.backlogBodyBytes, o.sendConnections, o.consumers, o.batch, o.backlogDrainSeconds,
                        o.backlogReferenceMessages, o.backlogReferenceRounds));
        Map<String, String> attrs = new HashMap<>(queueAttrs());
        attrs.put("maxMsgHeapNum", Long.toString(Math.max(100_000_000L, o.backlogMessages * 2)));
        b.createQueue("bench-backlog-ref", attrs);
        b.createQueue("bench-backlog", attrs);
        String small = body(o.backlogBodyBytes);
        Map<String, String> refParams = batchSendParams("bench-backlog-ref", repeat(small, o.batch));
        Map<String, String> bigParams = batchSendParams("bench-backlog", repeat(small, o.batch));
        // The first receive of a queue claims and loads its partitions: not what either drain measures.
        activate("bench-backlog-ref");
        activate("bench-backlog");
        b.measure(r, () -> {
            // Reference: a small backlog, filled and drained a few times (one drain lasts about a second, so a
            // single one is mostly noise); the median round counts.
            int rounds = Math.max(1, o.backlogReferenceRounds);
            double[] refRates = new double[rounds];
            long refSize = 0;
            for (int round = 0; round < rounds; round++) {
                long filled = fill("reference", refParams, o.backlogReferenceMessages, null).total();
                refSize = filled;
                Recorder refGot = new Recorder("reference received", System.nanoTime(), maxSeconds(600));
                Recorder refDel = new Recorder("reference deleted", System.nanoTime(), maxSeconds(600));
                // The clock stops when the last message is deleted, not when the last consumer returns: the
                // others are then long-polling an empty queue, which is no part of the drain.
                b.closedLoop(o.consumers, deadline(Math.max(60, o.backlogDrainSeconds)),
                        () -> refDel.stopWhenReached(filled),
                        w -> receiveAndDeleteBatch("bench-backlog-ref", o.batch, refGot, refDel, null));
                refDel.stopOnce();
                refRates[round] = refDel.total() / refDel.elapsedSeconds();
                Bench.log("backlog reference round %d: %,d deleted in %.2f s = %,.0f msg/s, per second %s",
                        round + 1, refDel.total(), refDel.elapsedSeconds(), refRates[round],
                        java.util.Arrays.toString(refDel.series()));
            }
            double[] sorted = refRates.clone();
            java.util.Arrays.sort(sorted);
            double refRate = sorted[rounds / 2];

            // the big backlog
            double fillStart = b.t();
            Recorder fill = fill("backlog", bigParams, o.backlogMessages, r);
            double fillEnd = b.t();
            Recorder got = new Recorder("received", System.nanoTime(), maxSeconds(o.backlogDrainSeconds));
            Recorder del = new Recorder("deleted", System.nanoTime(), maxSeconds(o.backlogDrainSeconds));
            double drainStart = b.t();
            // Like for like with the reference: the time the deep queue takes to give up as many messages as
            // one reference round, from the same cold start of the consumers.
            long firstN = refSize;
            AtomicLong firstNDone = new AtomicLong();
            AtomicLong firstNAt = new AtomicLong();
            // Stops once the backlog is gone, as the reference does: seconds of empty long polls after it
            // would count against the backlog's rate.
            long filled = fill.total();
            b.closedLoop(o.consumers, deadline(o.backlogDrainSeconds), () -> {
                long done = del.total();
                if (done >= firstN && firstNAt.get() == 0 && firstNAt.compareAndSet(0, System.nanoTime())) {
                    firstNDone.set(done);
                }
                if (del.stopWhenReached(filled)) { // as in the reference: the drain ends with its last delete
                    got.stopOnce();
                    return true;
                }
                return false;
            }, w -> receiveAndDeleteBatch("bench-backlog", o.batch, got, del, null));
            del.stopOnce();
            got.stopOnce();
            double drainEnd = b.t();
            Bench.log("backlog drain per second %s", java.util.Arrays.toString(del.series()));
            r.main = del;
            r.latency = got;
            r.latencyWhat = "BatchReceiveMessage request latency while draining";
            r.series.add(fill);
            r.series.add(del);
            r.facts.put("fill", String.format("%,d messages in %.0f s = %,.0f msg/s", fill.total(),
                    fill.elapsedSeconds(), fill.total() / fill.elapsedSeconds()));
            r.facts.put("reference (small backlog) receive+delete msg/s", fmt(refRate));
            r.facts.put("reference rounds (" + String.format("%,d", refSize) + " messages each), msg/s",
                    java.util.Arrays.stream(refRates).mapToObj(CmqScenarios::fmt)
                            .collect(java.util.stream.Collectors.joining(", ")));
            double firstRate = firstNAt.get() == 0 ? Double.NaN
                    : firstNDone.get() / ((firstNAt.get() - del.startNanos()) / 1e9);
            double rate = del.rate(2);
            r.facts.put("backlog: first " + String.format("%,d", refSize) + " deleted, msg/s", fmt(firstRate));
            r.facts.put("backlog receive+delete msg/s", fmt(rate));
            r.facts.put("backlog rate / reference rate", String.format("first %,d: %.0f %%; whole drain: %.0f %%",
                    refSize, 100 * firstRate / refRate, 100 * rate / refRate));
            // the summary's figure: the lower of the like-for-like start and the whole drain
            r.targetRate = Double.isNaN(firstRate) ? rate : Math.min(firstRate, rate);
            r.facts.put("backlog rate / reference rate, lower of the two", String.format("%.0f %%",
                    100 * r.targetRate / refRate));
            r.facts.put("heap max while filling (MiB)", heapMax(sampler, fillStart, fillEnd));
            r.facts.put("heap max while draining (MiB)", heapMax(sampler, drainStart, drainEnd));
            r.facts.put("live data after GC, end of drain (MiB)", liveData(sampler, drainStart, drainEnd));
            r.facts.put("errors", errors(fill, got, del));
            r.facts.put("phase times (s since run start)", String.format("fill %.0f-%.0f, drain %.0f-%.0f",
                    fillStart, fillEnd, drainStart, drainEnd));
            r.notes.add(String.format("%.0f-%.0f", fillStart, fillEnd));
            r.notes.add(String.format("%.0f-%.0f", drainStart, drainEnd));
        });
        r.rate = r.main.rate(2);
        return r;
    }

    /** One receive on a new queue so its partitions are claimed and loaded before anything is timed. */
    private void activate(String queue) {
        long t0 = System.nanoTime();
        try {
            b.cmq.call("BatchReceiveMessage", Map.of("queueName", queue, "numOfMsg", "1", "pollingWaitSeconds", "0"))
                    .join();
        } catch (RuntimeException e) {
            if (CmqHttpClient.codeOf(e) != 7000) {
                throw new IllegalStateException("first receive of " + queue + ": " + CmqHttpClient.describe(e), e);
            }
        }
        Bench.log("%s: first receive (activation) took %.0f ms", queue, (System.nanoTime() - t0) / 1e6);
    }

    private Recorder fill(String what, Map<String, String> params, long count, Result r) {
        int maxS = o.backlogFillMaxSeconds;
        Recorder sent = new Recorder(what + " fill", System.nanoTime(), maxSeconds(maxS));
        Bench.log("filling %s: %,d messages", what, count);
        AtomicLong lastLog = new AtomicLong(System.nanoTime());
        b.closedLoop(o.sendConnections, deadline(maxS), () -> sent.total() >= count, w -> {
            long now = System.nanoTime();
            long last = lastLog.get();
            if (now - last > 30_000_000_000L && lastLog.compareAndSet(last, now)) {
                Bench.log("  %s: %,d sent", what, sent.total());
            }
            return sendBatch(params, o.batch, sent);
        });
        sent.stop();
        if (sent.total() < count) {
            Bench.log("warning: %s fill stopped at %,d of %,d after %d s", what, sent.total(), count, maxS);
            if (r != null) {
                r.facts.put("fill incomplete", String.format("%,d of %,d", sent.total(), count));
            }
        }
        return sent;
    }

    Result manyQueues() {
        double totalRate = o.queues * o.perQueueRate;
        Result r = new Result("queues", o.queues + " queues with light traffic",
                String.format("create %d queues, then send %.1f msg/s to each (%.0f msg/s in all, SendMessage of %d B,"
                        + " round robin) for %d s while one consumer per queue long-polls it (BatchReceiveMessage + "
                        + "BatchDeleteMessage without waiting for the delete's answer): %d long-polling connections", o.queues, o.perQueueRate, totalRate,
                        o.bodyBytes, o.durationSeconds, o.queues));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < o.queues; i++) {
            names.add(String.format("bench-mq-%04d", i));
        }
        String pad = body(Math.max(0, o.bodyBytes - STAMP));
        b.measure(r, () -> {
            Recorder created = new Recorder("created", System.nanoTime(), maxSeconds(900));
            AtomicInteger next = new AtomicInteger();
            b.closedLoop(8, deadline(900), () -> next.get() >= names.size(), w -> {
                int i = next.getAndIncrement();
                if (i >= names.size()) {
                    return CompletableFuture.completedFuture(null);
                }
                Map<String, String> p = new HashMap<>(queueAttrs());
                p.put("queueName", names.get(i));
                long t0 = System.nanoTime();
                return b.cmq.call("CreateQueue", p).handle((j, e) -> {
                    if (e == null || CmqHttpClient.codeOf(e) == 4460) {
                        created.count(1);
                        created.latency(System.nanoTime() - t0);
                    } else {
                        created.error(e);
                    }
                    return null;
                });
            });
            created.stop();
            r.facts.put("queues created", String.format("%d in %.1f s (CreateQueue p50 %s ms, p99 %s ms)",
                    created.total(), created.elapsedSeconds(), ms(created, 50), ms(created, 99)));
            Bench.log("many queues: %d created in %.1f s", created.total(), created.elapsedSeconds());

            // First use of a queue activates it in the service (lease-store barrier, fetcher assignment):
            // do that before measuring, and time it.
            Recorder activated = new Recorder("activated", System.nanoTime(), maxSeconds(900));
            AtomicInteger nextA = new AtomicInteger();
            b.closedLoop(8, deadline(900), () -> nextA.get() >= names.size(), w -> {
                int i = nextA.getAndIncrement();
                if (i >= names.size()) {
                    return CompletableFuture.completedFuture(null);
                }
                long t0 = System.nanoTime();
                return b.cmq.call("ReceiveMessage", Map.of("queueName", names.get(i), "pollingWaitSeconds", "0"))
                        .handle((j, e) -> {
                            if (e == null || CmqHttpClient.codeOf(e) == 7000) {
                                activated.count(1);
                                activated.latency(System.nanoTime() - t0);
                            } else {
                                activated.error(e);
                            }
                            return null;
                        });
            });
            activated.stop();
            r.facts.put("first receive per queue (activates it)", String.format(
                    "%d in %.1f s, 8 at a time (p50 %s ms, p99 %s ms)", activated.total(), activated.elapsedSeconds(),
                    ms(activated, 50), ms(activated, 99)));
            Bench.log("many queues: %d activated in %.1f s", activated.total(), activated.elapsedSeconds());

            long start = System.nanoTime();
            int maxS = maxSeconds(o.durationSeconds + o.pollingWaitSeconds);
            Recorder sent = new Recorder("sent", start, maxS);
            Recorder got = new Recorder("received", start, maxS);
            Recorder del = new Recorder("deleted", start, maxS);
            Recorder e2e = new Recorder("send-to-receive", start, maxS);
            r.main = got;
            r.latency = e2e;
            r.latencyWhat = "send-to-receive latency";
            AtomicBoolean senderDone = new AtomicBoolean();
            AtomicLong skipped = new AtomicLong();
            Thread sender = openLoopSender(totalRate, o.durationSeconds, senderDone, skipped,
                    new java.util.function.LongFunction<>() {
                        private long i;

                        @Override
                        public CompletableFuture<?> apply(long t) {
                            return sendOne(names.get((int) (i++ % names.size())), stamped(pad, t), sent);
                        }
                    });
            b.closedLoop(names.size(), deadline(o.durationSeconds + o.pollingWaitSeconds + 10),
                    () -> senderDone.get() && got.total() >= sent.total(),
                    w -> receiveAndDeleteBatch(names.get(w), o.batch, got, del, e2e, true));
            join(sender);
            for (Recorder x : List.of(sent, got, e2e)) {
                x.stop();
            }
            r.series.add(sent);
            r.series.add(got);
            r.facts.put("sent / received", String.format("%,d / %,d", sent.total(), got.total()));
            r.facts.put("sends not issued in time (all connections busy)", Long.toString(skipped.get()));
            r.facts.put("SendMessage p50 / p99 ms", ms(sent, 50) + " / " + ms(sent, 99));
            r.facts.put("errors", errors(created, activated, sent, got, del));
            r.facts.put("service CPU when idle afterwards, " + o.queues + " queues active (cores, 5 s)",
                    String.format("%.3f", b.idleServiceCores(5)));
        });
        r.rate = r.main.rate(2);
        return r;
    }

    // ------------------------------------------------------------------ formatting helpers

    static String fmt(double v) {
        return String.format("%,.0f", v);
    }

    static String ms(Recorder r, double p) {
        long[] s = r.sortedLatencies();
        return s.length == 0 ? "-" : String.format("%.1f", Recorder.percentile(s, p) / 1e6);
    }

    static String errors(Recorder... rs) {
        StringBuilder sb = new StringBuilder();
        for (Recorder r : rs) {
            Map<String, Long> e = r.errors();
            if (!e.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append("; ");
                }
                sb.append(r.name).append(": ");
                Map<String, String> texts = r.errorTexts();
                e.forEach((k, v) -> sb.append(v).append(" x ").append(texts.get(k)).append(' '));
            }
        }
        return sb.length() == 0 ? "none" : sb.toString().trim();
    }

    private static String heapMax(HeapSampler s, double from, double to) {
        if (s == null) {
            return "-";
        }
        double max = s.between(from, to).stream().mapToDouble(HeapSampler.Sample::heapUsedMiB)
                .filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
        return String.format("%.0f", max);
    }

    private static String liveData(HeapSampler s, double from, double to) {
        if (s == null) {
            return "-";
        }
        List<HeapSampler.Sample> l = s.between(from, to);
        return l.isEmpty() ? "-" : String.format("%.0f", l.get(l.size() - 1).liveDataMiB());
    }
}
