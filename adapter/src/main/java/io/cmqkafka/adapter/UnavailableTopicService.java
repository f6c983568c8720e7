package io.cmqkafka.adapter;

import io.cmqkafka.adapter.topic.SubscriptionRecord;
import io.cmqkafka.adapter.topic.TopicException;
import io.cmqkafka.adapter.topic.TopicRecord;
import io.cmqkafka.adapter.topic.TopicService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What the topic actions answer on an instance that runs only the Kafka broker (role broker). */
final class UnavailableTopicService implements TopicService {

    static final UnavailableTopicService INSTANCE = new UnavailableTopicService();

    private static TopicException unavailable() {
        return new TopicException(TopicException.Kind.UNAVAILABLE,
                "this instance runs only the Kafka broker (cmq.role=broker)");
    }

    private static <T> CompletionStage<T> no() {
        return CompletableFuture.failedFuture(unavailable());
    }

    @Override
    public CompletionStage<String> createTopic(String name, int maxMsgSize, int filterType) {
        return no();
    }

    @Override
    public CompletionStage<Void> deleteTopic(String name) {
        return no();
    }

    @Override
    public Page<TopicRecord> listTopics(String searchWord, java.util.function.Predicate<String> visible, int offset,
            int limit) {
        throw unavailable();
    }

    @Override
    public CompletionStage<TopicAttributes> getTopicAttributes(String name) {
        return no();
    }

    @Override
    public CompletionStage<Void> setTopicAttributes(String name, int maxMsgSize) {
        return no();
    }

    @Override
    public CompletionStage<List<String>> publish(String topic, List<String> bodies, List<String> tags,
            String routingKey, String group) {
        return no();
    }

    @Override
    public CompletionStage<String> subscribe(String topic, String name, SubscriptionSpec spec) {
        return no();
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic, String name) {
        return no();
    }

    @Override
    public Page<SubscriptionRecord> listSubscriptions(String topic, String searchWord, int offset, int limit) {
        throw unavailable();
    }

    @Override
    public CompletionStage<SubscriptionAttributes> getSubscriptionAttributes(String topic, String name) {
        return no();
    }

    @Override
    public CompletionStage<Void> setSubscriptionAttributes(String topic, String name, SubscriptionPatch patch) {
        return no();
    }
}
