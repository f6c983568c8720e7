package io.cmqkafka.adapter.topic;

import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * One member of one subscription's consumer group, on its own thread. Subclasses handle polled batches;
 * any failure ends the worker (closing its consumer, so Kafka hands its partitions on) and the runner
 * starts a fresh one a second later, which resumes from the committed offsets.
 */
abstract class SubscriptionWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(SubscriptionWorker.class);
    private static final long RESTART_DELAY_MS = 1000;

    protected final TopicEngine engine;
    protected final SubscriptionRecord initial;
    protected volatile KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    protected volatile boolean running = true;
    private volatile long finishedAt = -1;

    SubscriptionWorker(TopicEngine engine, SubscriptionRecord sub, String kind) {
        this.engine = engine;
        this.initial = sub;
        this.thread = new Thread(this, "cmq-sub-" + kind + "-" + sub.topic() + "-" + sub.name());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** The subscription as it is now (attributes may change); null once it is gone. */
    protected SubscriptionRecord current() {
        SubscriptionRecord s = engine.subscription(initial.key());
        return s != null && s.subscriptionId().equals(initial.subscriptionId()) ? s : null;
    }

    protected TopicRecord topic() {
        TopicRecord t = engine.topic(initial.topic());
        return t != null && t.topicId().equals(initial.topicId()) ? t : null;
    }

    protected abstract int maxPollRecords();

    /** How long one poll may block (shorter while work completes in the background). */
    protected long pollMillis() {
        return 200;
    }

    protected org.apache.kafka.clients.consumer.ConsumerRebalanceListener rebalanceListener() {
        return new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> ps) {
            }

            @Override
            public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> ps) {
            }
        };
    }

    protected abstract void setUp();

    /** Handles one poll's records (may be empty); throws to end the worker. */
    protected abstract void handle(org.apache.kafka.clients.consumer.ConsumerRecords<byte[], byte[]> records);

    protected abstract void tearDown();

    @Override
    public void run() {
        try {
            consumer = new KafkaConsumer<>(SubscriptionRunner.consumerConfig(engine,
                    engine.groupId(initial.subscriptionId()), maxPollRecords()),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            setUp();
            TopicRecord t = topic();
            if (t == null) {
                return;
            }
            consumer.subscribe(List.of(t.kafkaTopic()), rebalanceListener());
            while (running) {
                var records = consumer.poll(java.time.Duration.ofMillis(pollMillis()));
                if (current() == null || topic() == null) {
                    return;
                }
                handle(records);
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            if (running) {
                LOG.warnf("subscription %s/%s worker failed (restarting): %s", initial.topic(), initial.name(),
                        e.toString());
            }
        } finally {
            try {
                tearDown();
            } catch (RuntimeException e) {
                LOG.debug("tear down", e);
            }
            if (consumer != null) {
                try {
                    consumer.close(java.time.Duration.ofSeconds(2));
                } catch (RuntimeException e) {
                    LOG.debug("closing consumer", e);
                }
            }
            finishedAt = System.currentTimeMillis();
        }
    }

    boolean finished() {
        return finishedAt >= 0;
    }

    boolean restartDue() {
        return finishedAt >= 0 && System.currentTimeMillis() - finishedAt >= RESTART_DELAY_MS;
    }

    void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    void join() {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
