package io.cmqkafka.adapter.engine;

/**
 * The settable attributes of a queue (CMQ names; seconds unless stated).
 */
public record QueueSettings(
        long maxMsgHeapNum,
        int pollingWaitSeconds,
        int visibilityTimeout,
        int maxMsgSize,
        int msgRetentionSeconds,
        int rewindSeconds) {

    /** Fields left null are unchanged. */
    public record Patch(
            Long maxMsgHeapNum,
            Integer pollingWaitSeconds,
            Integer visibilityTimeout,
            Integer maxMsgSize,
            Integer msgRetentionSeconds,
            Integer rewindSeconds) {
    }

    public QueueSettings with(Patch p) {
        return new QueueSettings(
                p.maxMsgHeapNum() != null ? p.maxMsgHeapNum() : maxMsgHeapNum,
                p.pollingWaitSeconds() != null ? p.pollingWaitSeconds() : pollingWaitSeconds,
                p.visibilityTimeout() != null ? p.visibilityTimeout() : visibilityTimeout,
                p.maxMsgSize() != null ? p.maxMsgSize() : maxMsgSize,
                p.msgRetentionSeconds() != null ? p.msgRetentionSeconds() : msgRetentionSeconds,
                p.rewindSeconds() != null ? p.rewindSeconds() : rewindSeconds);
    }
}
