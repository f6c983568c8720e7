package io.cmqkafka.adapter.topic;

import io.cmqkafka.adapter.engine.QueueRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A queue subscription: consume-transform-produce, exactly once. Each poll's matching messages are written
 * into the queue's Kafka topic and the consumer offsets committed <em>in one Kafka transaction</em>
 * ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a member that lost its partitions
 * in a rebalance is fenced and cannot commit). If the instance dies mid-way, the transaction is aborted (by
 * the coordinator after {@code transaction.timeout.ms}), the queue's fetcher (read_committed) never sees the
 * aborted writes, and the partition's next owner starts from the last committed offsets: every message lands
 * in the queue exactly once. The record written is what {@code QueueEngine.send} writes (value = UTF-8 body,
 * no key, explicit partition round robin; a message group's key and partition on an ordered queue), without a
 * delay header.
 */
final class QueueFanoutWorker extends SubscriptionWorker {

    private KafkaProducer<byte[], byte[]> producer;
    private int nextPartition;

    QueueFanoutWorker(TopicEngine engine, SubscriptionRecord sub) {
        super(engine, sub, "queue");
    }

    @Override
    protected int maxPollRecords() {
        return 500;
    }

    @Override
    protected void setUp() {
        Properties p = engine.producerConfig();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, engine.engineSettings().topicPrefix() + "fanout."
                + initial.subscriptionId() + "." + engine.instanceId);
        // Bounds how long an instance that died mid-transaction holds back the queue's read_committed readers.
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
    }

    @Override
    protected void handle(ConsumerRecords<byte[], byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        SubscriptionRecord sub = current();
        TopicRecord topic = topic();
        if (sub == null || topic == null) {
            throw new IllegalStateException("subscription gone");
        }
        // A deleted queue: its messages are dropped (CMQ delivers to the queue as it is at delivery time).
        QueueRecord queue = engine.queue(sub.endpoint());
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        producer.beginTransaction();
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicMessage m = TopicMessage.of(r);
                if (queue != null && Filters.matches(topic.filterType(), sub, m.tags(), m.routingKey())) {
                    producer.send(queueRecord(queue, r.key(), m.body()));
                }
                next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (RuntimeException e) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException ignored) {
                // fenced or broken: closing is all that is left
            }
            throw e; // the worker restarts from the committed offsets
        }
    }

    /**
     * What {@code QueueEngine.send} writes: on an ordered queue, a message of a group (the topic record's key)
     * is keyed by it and goes to the partition the group's direct sends go to, so a group keeps one order
     * (the topic partition's, which holds all of the group's messages); others round robin, without key.
     */
    private ProducerRecord<byte[], byte[]> queueRecord(QueueRecord queue, byte[] group, byte[] body) {
        if (group != null && queue.settings().ordered()) {
            String g = new String(group, StandardCharsets.UTF_8);
            return new ProducerRecord<>(queue.topic(), Math.floorMod(g.hashCode(), queue.partitions()), group, body);
        }
        return new ProducerRecord<>(queue.topic(), Math.floorMod(nextPartition++, queue.partitions()), null, body);
    }

    @Override
    protected void tearDown() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(2));
        }
    }
}
