package io.cmqkafka.adapter.topic;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * CMQ topics and subscriptions in CMQ's vocabulary, without HTTP. Failures are {@link TopicException}s
 * (also inside the returned stages). Parameters arrive checked against the protocol limits.
 */
public interface TopicService {

    record TopicAttributes(TopicRecord topic, long msgCount) {
    }

    record Page<T>(int totalCount, List<T> items) {
    }

    /** @param droppedMsgCount messages dropped after the retry strategy gave up, by all instances, ever */
    record SubscriptionAttributes(SubscriptionRecord subscription, long msgCount, long droppedMsgCount) {
    }

    /** What Subscribe asks for (values already normalised: protocol lower case, strategy/format upper). */
    record SubscriptionSpec(String protocol, String endpoint, String notifyStrategy, String notifyContentFormat,
            List<String> filterTags, List<String> bindingKeys) {
    }

    /** SetSubscriptionAttributes: null fields stay as they are. */
    record SubscriptionPatch(String notifyStrategy, String notifyContentFormat, List<String> filterTags,
            List<String> bindingKeys) {
    }

    CompletionStage<String> createTopic(String name, int maxMsgSize, int filterType);

    CompletionStage<Void> deleteTopic(String name);

    Page<TopicRecord> listTopics(String searchWord, java.util.function.Predicate<String> visible, int offset,
            int limit);

    CompletionStage<TopicAttributes> getTopicAttributes(String name);

    CompletionStage<Void> setTopicAttributes(String name, int maxMsgSize);

    /**
     * @param group extension {@code msgGroupId} (may be null): the messages' group in ordered queues they are
     *              fanned out to; a group's messages stay in one topic partition, in publish order
     * @return message ids in order of {@code bodies}
     */
    CompletionStage<List<String>> publish(String topic, List<String> bodies, List<String> tags, String routingKey,
            String group);

    CompletionStage<String> subscribe(String topic, String name, SubscriptionSpec spec);

    CompletionStage<Void> unsubscribe(String topic, String name);

    Page<SubscriptionRecord> listSubscriptions(String topic, String searchWord, int offset, int limit);

    CompletionStage<SubscriptionAttributes> getSubscriptionAttributes(String topic, String name);

    CompletionStage<Void> setSubscriptionAttributes(String topic, String name, SubscriptionPatch patch);
}
