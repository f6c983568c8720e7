package io.cmqkafka.adapter.engine;

/**
 * What the engine needs to know about its Kafka and its bounds.
 *
 * @param bootstrapServers  Kafka cluster
 * @param topicPrefix       prefix of every topic, e.g. {@code cmq.}
 * @param replicationFactor of queue topics
 * @param minInSyncReplicas of queue topics
 * @param queuePartitions   partitions of a new queue
 * @param windowMessages    per-partition dispatch window, messages
 * @param windowBytes       per-partition dispatch window, bytes
 * @param maxQueues         queue quota
 * @param lingerMs          producer linger for messages
 * @param producers         Kafka producers (connections) that carry sends; each queue uses one
 */
public record EngineSettings(
        String bootstrapServers,
        String topicPrefix,
        short replicationFactor,
        int minInSyncReplicas,
        int queuePartitions,
        int windowMessages,
        long windowBytes,
        int maxQueues,
        int lingerMs,
        int producers) {

    /** With four producers. */
    public EngineSettings(String bootstrapServers, String topicPrefix, short replicationFactor, int minInSyncReplicas,
            int queuePartitions, int windowMessages, long windowBytes, int maxQueues, int lingerMs) {
        this(bootstrapServers, topicPrefix, replicationFactor, minInSyncReplicas, queuePartitions, windowMessages,
                windowBytes, maxQueues, lingerMs, 4);
    }

    public String queueTopic(String queueName) {
        return topicPrefix + "queue." + queueName.toLowerCase(java.util.Locale.ROOT);
    }

    public String metadataTopic() {
        return topicPrefix + "meta";
    }

    public String leaseTopic() {
        return topicPrefix + "lease-events";
    }
}
