package io.cmqkafka.adapter.topic;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * An HTTP subscription's first attempts. Each poll takes at most {@code pushConcurrency} messages and pushes
 * the matching ones in parallel; a push that fails (non-2xx, error, or no answer within the push timeout) is
 * handed to the retry topic with its next due time, so a slow or dead endpoint holds this subscription's
 * stream back by at most one push timeout per batch and never holds up other subscriptions (each has its own
 * worker). Offsets are committed after every push of the batch succeeded or its retry record was
 * acknowledged by Kafka: at least once (a crash in between pushes some messages again).
 */
final class HttpPushWorker extends SubscriptionWorker {

    private static final Logger LOG = Logger.getLogger(HttpPushWorker.class);

    HttpPushWorker(TopicEngine engine, SubscriptionRecord sub) {
        super(engine, sub, "http");
    }

    @Override
    protected int maxPollRecords() {
        return engine.settings().pushConcurrency();
    }

    @Override
    protected void setUp() {
    }

    @Override
    protected void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        SubscriptionRecord sub = current();
        TopicRecord topic = topic();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        List<TopicMessage> sent = new ArrayList<>();
        List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            TopicMessage m = TopicMessage.of(r);
            if (Filters.matches(topic.filterType(), sub, m.tags(), m.routingKey())) {
                sent.add(m);
                outcomes.add(engine.pusher().push(sub, m));
            }
        }
        List<CompletableFuture<RecordMetadata>> scheduled = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (!awaitPush(outcomes.get(i))) {
                CompletableFuture<RecordMetadata> f = scheduleRetry(engine, sub, sent.get(i), 1);
                if (f != null) {
                    scheduled.add(f);
                }
            }
        }
        for (CompletableFuture<RecordMetadata> f : scheduled) {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("retry topic did not acknowledge", e);
            }
        }
        consumer.commitSync(next);
    }

    private boolean awaitPush(CompletableFuture<Boolean> f) {
        try {
            return f.get(engine.settings().pushTimeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * After the {@code failures}-th failed attempt: a retry record, or null when the strategy gives up
     * (the message is dropped and counted).
     */
    static CompletableFuture<RecordMetadata> scheduleRetry(TopicEngine engine, SubscriptionRecord sub,
            TopicMessage m, int failures) {
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
        CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
        engine.producer().send(new ProducerRecord<>(engine.retryTopic(),
                sub.subscriptionId().getBytes(StandardCharsets.UTF_8), value), (md, ex) -> {
                    if (ex != null) {
                        ack.completeExceptionally(ex);
                    } else {
                        ack.complete(md);
                    }
                });
        return ack;
    }

    @Override
    protected void tearDown() {
    }
}
