package io.cmqkafka.adapter.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * then up to {@code pushConcurrency} are pushed in parallel; a failure appends the next attempt (or drops the
 * message when the strategy gives up). The committed offset of a partition is its lowest entry not yet
 * finished, so a crash loses no scheduled retry (some may be pushed twice: at least once).
 */
final class RetryWorker implements Runnable, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RetryWorker.class);

    private record Pending(TopicPartition tp, long offset, RetryEntry entry) {
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
            // Idle: wait for records; otherwise wake for the next due entry (the engine clock may jump in tests).
            long wait = due.isEmpty() ? 500 : Math.max(10, Math.min(100, due.peek().entry().dueAt()
                    - engine.clock().millis()));
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
            runDue();
            commit();
        }
    }

    private void runDue() {
        long now = engine.clock().millis();
        List<Pending> batch = new ArrayList<>();
        while (!due.isEmpty() && due.peek().entry().dueAt() <= now
                && batch.size() < engine.settings().pushConcurrency()) {
            batch.add(due.poll());
        }
        if (batch.isEmpty()) {
            return;
        }
        List<SubscriptionRecord> subs = new ArrayList<>();
        List<CompletableFuture<Boolean>> pushes = new ArrayList<>();
        for (Pending p : batch) {
            SubscriptionRecord sub = engine.subscription(p.entry().subscriptionKey());
            if (sub == null || !sub.subscriptionId().equals(p.entry().subscriptionId())) {
                subs.add(null); // unsubscribed meanwhile: nothing to do
                pushes.add(CompletableFuture.completedFuture(true));
            } else {
                subs.add(sub);
                pushes.add(engine.pusher().push(sub, p.entry().message()));
            }
        }
        List<CompletableFuture<?>> scheduled = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            boolean ok;
            try {
                ok = pushes.get(i).get(engine.settings().pushTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                ok = false;
            }
            if (!ok) {
                Pending p = batch.get(i);
                CompletableFuture<?> f = HttpPushWorker.scheduleRetry(engine, subs.get(i),
                        p.entry().message(), p.entry().failures() + 1);
                if (f != null) {
                    scheduled.add(f);
                }
            }
        }
        for (CompletableFuture<?> f : scheduled) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("retry topic did not acknowledge", e);
            }
        }
        for (Pending p : batch) {
            TreeMap<Long, Pending> m = open.get(p.tp());
            if (m != null && m.remove(p.offset()) != null) {
                size--;
            }
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
