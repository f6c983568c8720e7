package io.cmqkafka.adapter.topic;

/** A failure the topic engine reports; the protocol layer maps {@link Kind} to a CMQ code. */
public final class TopicException extends RuntimeException {

    public enum Kind {
        TOPIC_NOT_FOUND,
        TOPIC_EXISTS,
        TOPIC_QUOTA,
        /** The topic's old Kafka topic is still being deleted. */
        RECREATE_TOO_SOON,
        /** DeleteTopic while subscriptions exist. */
        HAS_SUBSCRIPTIONS,
        SUBSCRIPTION_NOT_FOUND,
        SUBSCRIPTION_EXISTS,
        SUBSCRIPTION_QUOTA,
        /** Publish to a topic without subscriptions. */
        NO_SUBSCRIPTION,
        /** Publish whose tags / routing key match no subscription. */
        NO_MATCHING_SUBSCRIPTION,
        /** Publish without routingKey to a routing-key topic. */
        LACK_ROUTING_KEY,
        /** Subscribe without bindingKey to a routing-key topic. */
        LACK_BINDING_KEY,
        /** Body larger than the topic's maxMsgSize. */
        MESSAGE_TOO_LARGE,
        /** Endpoint refused by the allow-list, or a queue endpoint that does not exist; the message says which. */
        ILLEGAL_ENDPOINT,
        /** Kafka did not acknowledge in time or refused: the client may retry. */
        UNAVAILABLE
    }

    private final Kind kind;

    public TopicException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public TopicException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
