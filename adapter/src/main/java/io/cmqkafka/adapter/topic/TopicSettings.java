package io.cmqkafka.adapter.topic;

import java.time.Duration;

/**
 * What the topic engine needs beyond {@link io.cmqkafka.adapter.engine.EngineSettings}.
 *
 * @param partitions       Kafka partitions of a new topic (the unit of parallelism of each subscription)
 * @param maxTopics        topic quota
 * @param pushTimeout      an HTTP push not answered within this is a failure (CMQ: about 15 s)
 * @param pushConcurrency  most HTTP pushes in flight per subscription and instance, first attempts and
 *                         retries each
 * @param allowed          where HTTP subscriptions may push
 * @param retryPartitions  partitions of the retry topic
 * @param retryBuffer      most scheduled retries held in memory per instance (the rest wait in Kafka)
 */
public record TopicSettings(
        int partitions,
        int maxTopics,
        Duration pushTimeout,
        int pushConcurrency,
        EndpointPolicy allowed,
        int retryPartitions,
        int retryBuffer) {

    public static TopicSettings defaults() {
        return new TopicSettings(3, 1000, Duration.ofSeconds(15), 16, EndpointPolicy.ANY, 6, 10_000);
    }
}
