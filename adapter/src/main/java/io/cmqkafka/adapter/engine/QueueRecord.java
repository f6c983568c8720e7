package io.cmqkafka.adapter.engine;

/**
 * A queue as stored in the metadata topic. {@code queueId} is the Kafka topic id of
 * {@code topic}, so it changes when a queue is deleted and created again.
 */
public record QueueRecord(
        String name,
        String queueId,
        String topic,
        int partitions,
        QueueSettings settings,
        long createTime,
        long lastModifyTime) {

    public QueueRecord withSettings(QueueSettings s, long modifiedAt) {
        return new QueueRecord(name, queueId, topic, partitions, s, createTime, modifiedAt);
    }
}
