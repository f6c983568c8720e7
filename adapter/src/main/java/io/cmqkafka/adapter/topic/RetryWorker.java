package io.cmqkafka.adapter.topic;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * Runs the retry schedule kept in the retry topic. One consumer group ({@code <prefix>topic-retry}) over all
 * instances, so each retry partition is served by one instance. Read entries wait in memory (at most
 * {@code retryBuffer}; beyond that the partitions are paused) until the engine clock reaches their due time,
 * then are pushed as a sliding window, like first attempts: each subscription has at most
 * {@code pushConcurrency} retries in flight (its further due entries wait in line behind them), and a
 * finished push frees its slot at once, so a retry that hangs until the push timeout holds up neither the
 * other retries of its subscription beyond its own slot nor any other subscription's. A failure appends the
 * next attempt (or drops the message when the strategy gives up). The committed offset of a partition is its
 * lowest entry not yet finished, so a crash loses no scheduled retry (some may be pushed twice: at least
 * once).
 */
final class RetryWorker implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RetryWorker.class);

    private record Pending(TopicPartition tp, long offset, RetryEntry entry) {
    }

    /** A retry being pushed, then (if that failed) the append of its next attempt. */
    private static final class Flight {
        final Pending pending;
        final SubscriptionRecord sub;
        final CompletableFuture<Boolean> push;
        final long startedMillis = System.currentTimeMillis();
        CompletableFuture<?> nextAck;

        Flight(Pending pending, SubscriptionRecord sub, CompletableFuture<Boolean> push) {
            this.pending = pending;
            this.sub = sub;
            this.push = push;
        }
    }

    private final TopicEngine engine;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, TreeMap<Long, Pending>> open = new HashMap<>();
    private final Map<TopicPartition, Long> nextToRead = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final PriorityQueue<Pending> due = new PriorityQueue<>((a, b) -> Long.compare(a.entry().dueAt(),
            b.entry().dueAt()));
    private final List<Flight> flights = new ArrayList<>();
    /** Per subscription id: retries in flight, and due entries waiting for one of its slots (in due order). */
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, ArrayDeque<Pending>> waiting = new HashMap<>();
    private int size;

    RetryWorker(TopicEngine engine) {
        this.engine = engine;
        this.thread = new Thread(this, "cmq-topic-retries");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (running) {
            try {
                consumer = new KafkaConsumer<>(SubscriptionRunner.consumerConfig(engine,
                        engine.engineSettings().topicPrefix() + "topic-retry", 500),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer.subscribe(List.of(engine.retryTopic()), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        commit();
                        forget(partitions);
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        forget(partitions);
                    }
                });
                loop();
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("retry worker failed (restarting): " + e, e);
                    sleep(1000);
                }
            } finally {
                forget(new ArrayList<>(open.keySet()));
                if (consumer != null) {
                    try {
                        consumer.close(Duration.ofSeconds(2));
                    } catch (RuntimeException ignored) {
                        // closing anyway
                    }
                }
            }
        }
    }

    private void loop() {
        while (running) {
            if (size >= engine.settings().retryBuffer()) {
                consumer.pause(consumer.assignment());
            } else {
                consumer.resume(consumer.paused());
            }
            // Pushes in flight: look at them often. Idle: wait for records; otherwise wake for the next due
            // entry (the engine clock may jump in tests).
            long wait = !flights.isEmpty() ? 20 : due.isEmpty() ? 500
                    : Math.max(10, Math.min(100, due.peek().entry().dueAt() - engine.clock().millis()));
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(wait))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                nextToRead.put(tp, r.offset() + 1);
                RetryEntry e;
                try {
                    e = engine.json().readValue(r.value(), RetryEntry.class);
                } catch (Exception ex) {
                    LOG.warnf("skipping unreadable retry record %s@%d", tp, r.offset());
                    continue;
                }
                Pending p = new Pending(tp, r.offset(), e);
                open.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), p);
                due.add(p);
                size++;
            }
            startDue();
            settle();
            commit();
        }
    }

    /** Starts every due entry whose subscription has a free slot; the others wait in its line. */
    private void startDue() {
        long now = engine.clock().millis();
        while (!due.isEmpty() && due.peek().entry().dueAt() <= now) {
            Pending p = due.poll();
            String id = p.entry().subscriptionId();
            if (waiting.containsKey(id) || inFlight.getOrDefault(id, 0) >= engine.settings().pushConcurrency()) {
                waiting.computeIfAbsent(id, k -> new ArrayDeque<>()).add(p); // behind the ones due earlier
            } else {
                launch(p);
            }
        }
        // Slots freed other than by a finished push (partitions handed away) are filled here.
        for (String id : List.copyOf(waiting.keySet())) {
            startWaiting(id);
        }
    }

    private void launch(Pending p) {
        SubscriptionRecord sub = engine.subscription(p.entry().subscriptionKey());
        if (sub == null || !sub.subscriptionId().equals(p.entry().subscriptionId())) {
            finish(p); // unsubscribed meanwhile: nothing to do
            return;
        }
        inFlight.merge(sub.subscriptionId(), 1, Integer::sum);
        flights.add(new Flight(p, sub, engine.pusher().push(sub, p.entry().message())));
    }

    /** Frees the slots whose push succeeded or whose next attempt Kafka acknowledged. */
    private void settle() {
        // The pusher always completes within the push timeout; this only guards against one that does not.
        long giveUpBefore = System.currentTimeMillis() - engine.settings().pushTimeout().toMillis() - 5000;
        List<Flight> done = new ArrayList<>();
        for (Flight f : flights) {
            if (f.nextAck == null) {
                boolean timedOut = !f.push.isDone() && f.startedMillis < giveUpBefore;
                if (!f.push.isDone() && !timedOut) {
                    continue;
                }
                if (!timedOut && Boolean.TRUE.equals(f.push.getNow(false))) {
                    done.add(f);
                    continue;
                }
                f.nextAck = HttpPushWorker.scheduleRetry(engine, f.sub, f.pending.entry().message(),
                        f.pending.entry().failures() + 1);
                if (f.nextAck == null) { // dropped: the strategy gave up
                    done.add(f);
                    continue;
                }
            }
            if (f.nextAck.isDone()) {
                if (f.nextAck.isCompletedExceptionally()) {
                    throw new IllegalStateException("retry topic did not acknowledge a retry record");
                }
                done.add(f);
            }
        }
        for (Flight f : done) {
            flights.remove(f);
            String id = f.sub.subscriptionId();
            inFlight.merge(id, -1, Integer::sum);
            if (inFlight.get(id) <= 0) {
                inFlight.remove(id);
            }
            finish(f.pending);
            startWaiting(id);
        }
    }

    /** Starts a subscription's waiting entries while it has free slots (entries of a gone one just finish). */
    private void startWaiting(String subscriptionId) {
        ArrayDeque<Pending> line = waiting.get(subscriptionId);
        while (line != null && !line.isEmpty()
                && inFlight.getOrDefault(subscriptionId, 0) < engine.settings().pushConcurrency()) {
            launch(line.poll());
        }
        if (line != null && line.isEmpty()) {
            waiting.remove(subscriptionId);
        }
    }

    private void finish(Pending p) {
        TreeMap<Long, Pending> m = open.get(p.tp());
        if (m != null && m.remove(p.offset()) != null) {
            size--;
        }
    }

    /** Commits, per partition, the lowest offset not finished (or everything read). */
    private void commit() {
        Commits.commitLowestOpen(consumer, nextToRead, open, committed);
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Pending> m = open.remove(tp);
            if (m != null) {
                size -= m.size();
            }
            nextToRead.remove(tp);
            committed.remove(tp);
        }
        due.removeIf(p -> partitions.contains(p.tp()));
        // Pushes still in flight for them finish unobserved; the partition's next owner starts from the
        // committed offset and may push them again (at least once).
        flights.removeIf(f -> {
            if (partitions.contains(f.pending.tp())) {
                inFlight.computeIfPresent(f.sub.subscriptionId(), (k, n) -> n > 1 ? n - 1 : null);
                return true;
            }
            return false;
        });
        waiting.values().forEach(line -> line.removeIf(p -> partitions.contains(p.tp())));
        waiting.values().removeIf(ArrayDeque::isEmpty);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
