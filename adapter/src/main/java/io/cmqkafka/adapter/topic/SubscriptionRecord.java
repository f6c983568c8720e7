package io.cmqkafka.adapter.topic;

import java.util.List;
import java.util.Locale;

/**
 * A subscription as stored in the metadata topic (key {@code sub/<lower topic>/<lower name>}).
 * {@code subscriptionId} is random per incarnation: it names the subscription's Kafka consumer group, so a
 * subscription created again under the same name starts from its own creation, not the old one's offsets.
 *
 * @param topicId    the topic incarnation it belongs to
 * @param protocol   {@code http} or {@code queue}
 * @param endpoint   URL (http) or queue name (queue)
 * @param filterTags never null
 * @param bindingKeys never null
 */
public record SubscriptionRecord(
        String topic,
        String topicId,
        String name,
        String subscriptionId,
        String protocol,
        String endpoint,
        String notifyStrategy,
        String notifyContentFormat,
        List<String> filterTags,
        List<String> bindingKeys,
        long createTime,
        long lastModifyTime) {

    public static final String HTTP = "http";
    public static final String QUEUE = "queue";
    public static final String BACKOFF_RETRY = "BACKOFF_RETRY";
    public static final String EXPONENTIAL_DECAY_RETRY = "EXPONENTIAL_DECAY_RETRY";
    public static final String JSON = "JSON";
    public static final String SIMPLIFIED = "SIMPLIFIED";

    public SubscriptionRecord {
        filterTags = filterTags == null ? List.of() : List.copyOf(filterTags);
        bindingKeys = bindingKeys == null ? List.of() : List.copyOf(bindingKeys);
    }

    public boolean isQueue() {
        return QUEUE.equals(protocol);
    }

    /** Metadata id: {@code <lower topic>/<lower name>}. */
    public String key() {
        return key(topic, name);
    }

    public static String key(String topic, String name) {
        return topic.toLowerCase(Locale.ROOT) + "/" + name.toLowerCase(Locale.ROOT);
    }

    public SubscriptionRecord with(String strategy, String format, List<String> tags, List<String> keys,
            long modifiedAt) {
        return new SubscriptionRecord(topic, topicId, name, subscriptionId, protocol, endpoint, strategy, format,
                tags, keys, createTime, modifiedAt);
    }
}
