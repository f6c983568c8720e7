package io.cmqkafka.adapter.topic;

/**
 * A topic as stored in the metadata topic (key {@code topic/<lower-case name>}). {@code topicId} is the
 * Kafka topic id of {@code kafkaTopic}, so it changes when a topic is deleted and created again.
 *
 * @param filterType 1 tags, 2 routing keys; fixed at creation
 */
public record TopicRecord(
        String name,
        String topicId,
        String kafkaTopic,
        int partitions,
        int maxMsgSize,
        int filterType,
        long createTime,
        long lastModifyTime) {

    public TopicRecord withMaxMsgSize(int size, long modifiedAt) {
        return new TopicRecord(name, topicId, kafkaTopic, partitions, size, filterType, createTime, modifiedAt);
    }
}
