package io.cmqkafka.adapter.topic;

import java.util.Base64;
import java.util.List;

/**
 * A scheduled retry of one HTTP push, as a JSON record on the retry topic ({@code <prefix>topic-retries},
 * keyed by subscription id). The message travels with it, so a retry does not depend on the topic's
 * retention.
 *
 * @param failures attempts that failed so far (1 after the first push)
 * @param dueAt    engine clock, ms
 */
public record RetryEntry(
        String subscriptionKey,
        String subscriptionId,
        String msgId,
        String body,
        List<String> tags,
        String routingKey,
        long publishedAt,
        int failures,
        long dueAt) {

    static RetryEntry of(SubscriptionRecord sub, TopicMessage m, int failures, long dueAt) {
        return new RetryEntry(sub.key(), sub.subscriptionId(), m.msgId(), Base64.getEncoder().encodeToString(m.body()),
                m.tags(), m.routingKey(), m.publishedAt(), failures, dueAt);
    }

    TopicMessage message() {
        return new TopicMessage(msgId, Base64.getDecoder().decode(body), tags == null ? List.of() : tags, routingKey,
                publishedAt);
    }
}
