package io.cmqkafka.adapter.topic;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * An HTTP subscription's first attempts, as a sliding window: at most {@code pushConcurrency} pushes are in
 * flight (the consumer is paused while the window is full) and a finished push frees its slot at once, so a
 * slow message never holds back the ones after it beyond its own slot. A push that fails (non-2xx, error, or
 * no answer within the push timeout) is handed to the retry topic with its next due time, and its slot is
 * freed once Kafka acknowledged that record. The committed offset of each partition is its lowest message
 * still in the window: at least once (after a crash or a rebalance, the window's messages are pushed again).
 * Each subscription has its own worker, so a dead endpoint never holds up another subscription.
 */
final class HttpPushWorker extends SubscriptionWorker {

    private static final Logger LOG = Logger.getLogger(HttpPushWorker.class);

    /** A message in the window: its push, then (if that failed) the append of its retry record. */
    private static final class Slot {
        final TopicMessage message;
        CompletableFuture<Boolean> push;
        CompletableFuture<?> retryAck;

        Slot(TopicMessage message, CompletableFuture<Boolean> push) {
            this.message = message;
            this.push = push;
        }
    }

    private final Map<TopicPartition, TreeMap<Long, Slot>> window = new HashMap<>();
    private final Map<TopicPartition, Long> nextToRead = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private int inFlight;
    private long lastCommitMillis;

    HttpPushWorker(TopicEngine engine, SubscriptionRecord sub) {
        super(engine, sub, "http");
    }

    @Override
    protected int maxPollRecords() {
        return engine.settings().pushConcurrency();
    }

    @Override
    protected long pollMillis() {
        return inFlight > 0 ? 20 : 200;
    }

    @Override
    protected void setUp() {
    }

    @Override
    protected ConsumerRebalanceListener rebalanceListener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commit(true);
                forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                forget(partitions);
            }
        };
    }

    @Override
    protected void handle(ConsumerRecords<byte[], byte[]> records) {
        SubscriptionRecord sub = current();
        TopicRecord topic = topic();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            nextToRead.put(tp, r.offset() + 1);
            TopicMessage m = TopicMessage.of(r);
            if (Filters.matches(topic.filterType(), sub, m.tags(), m.routingKey())) {
                window.computeIfAbsent(tp, k -> new TreeMap<>())
                        .put(r.offset(), new Slot(m, engine.pusher().push(sub, m)));
                inFlight++;
            }
        }
        settle(sub);
        if (inFlight >= engine.settings().pushConcurrency()) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        commit(false);
    }

    /** Frees the slots whose push succeeded or whose retry record Kafka acknowledged. */
    private void settle(SubscriptionRecord sub) {
        for (TreeMap<Long, Slot> slots : window.values()) {
            for (Iterator<Slot> it = slots.values().iterator(); it.hasNext(); ) {
                Slot s = it.next();
                if (s.retryAck == null) {
                    if (!s.push.isDone()) {
                        continue;
                    }
                    if (Boolean.TRUE.equals(s.push.getNow(false))) {
                        it.remove();
                        inFlight--;
                        continue;
                    }
                    CompletableFuture<?> ack = scheduleRetry(engine, sub, s.message, 1);
                    if (ack == null) { // dropped (the strategy allows no retry)
                        it.remove();
                        inFlight--;
                        continue;
                    }
                    s.retryAck = ack;
                }
                if (s.retryAck.isDone()) {
                    if (s.retryAck.isCompletedExceptionally()) {
                        throw new IllegalStateException("retry topic did not acknowledge a retry record");
                    }
                    it.remove();
                    inFlight--;
                }
            }
        }
    }

    /** Commits, per partition, the lowest offset still in the window (or everything read); at most every 500 ms. */
    private void commit(boolean now) {
        long t = System.currentTimeMillis();
        if (!now && t - lastCommitMillis < 500) {
            return;
        }
        lastCommitMillis = t;
        Commits.commitLowestOpen(consumer, nextToRead, window, committed);
    }

    private void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Slot> slots = window.remove(tp);
            if (slots != null) {
                inFlight -= slots.size();
            }
            nextToRead.remove(tp);
            committed.remove(tp);
        }
    }

    /**
     * After the {@code failures}-th failed attempt: the append of a retry record, or null when the strategy
     * gives up (the message is dropped and counted).
     */
    static CompletableFuture<?> scheduleRetry(TopicEngine engine, SubscriptionRecord sub, TopicMessage m,
            int failures) {
        long now = engine.clock().millis();
        long at = RetryPolicy.nextAttemptAt(sub.notifyStrategy(), failures, now, m.publishedAt());
        if (at < 0) {
            engine.countDropped(sub);
            LOG.warnf("subscription %s/%s: dropping message %s after %d failed pushes (%s)", sub.topic(),
                    sub.name(), m.msgId(), failures, sub.notifyStrategy());
            return null;
        }
        byte[] value;
        try {
            value = engine.json().writeValueAsBytes(RetryEntry.of(sub, m, failures, at));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        CompletableFuture<Void> ack = new CompletableFuture<>();
        engine.producer().send(new ProducerRecord<>(engine.retryTopic(),
                sub.subscriptionId().getBytes(StandardCharsets.UTF_8), value), (md, ex) -> {
                    if (ex != null) {
                        ack.completeExceptionally(ex);
                    } else {
                        ack.complete(null);
                    }
                });
        return ack;
    }

    @Override
    protected void tearDown() {
    }
}
