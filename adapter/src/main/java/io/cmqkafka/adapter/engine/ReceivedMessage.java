package io.cmqkafka.adapter.engine;

/** One received message; times are Unix seconds as CMQ reports them. */
public record ReceivedMessage(
        String msgBody,
        String msgId,
        String receiptHandle,
        long enqueueTime,
        long firstDequeueTime,
        long nextVisibleTime,
        int dequeueCount) {
}
