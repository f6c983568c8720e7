package io.cmqkafka.adapter.engine;

/**
 * The settable attributes of a queue (CMQ names; seconds unless stated). {@code ordered} is our
 * extension: messages sent with the same group key are delivered one at a time, in send order.
 */
public record QueueSettings(
        long maxMsgHeapNum,
        int pollingWaitSeconds,
        int visibilityTimeout,
        int maxMsgSize,
        int msgRetentionSeconds,
        int rewindSeconds,
        DeadLetterPolicy deadLetterPolicy,
        boolean ordered) {

    /** Settings without a dead-letter policy, not ordered. */
    public QueueSettings(long maxMsgHeapNum, int pollingWaitSeconds, int visibilityTimeout, int maxMsgSize,
            int msgRetentionSeconds, int rewindSeconds) {
        this(maxMsgHeapNum, pollingWaitSeconds, visibilityTimeout, maxMsgSize, msgRetentionSeconds, rewindSeconds,
                null, false);
    }

    /**
     * Fields left null are unchanged (a dead-letter policy is removed by unbinding it, not by a patch;
     * {@code ordered} is fixed at creation).
     */
    public record Patch(
            Long maxMsgHeapNum,
            Integer pollingWaitSeconds,
            Integer visibilityTimeout,
            Integer maxMsgSize,
            Integer msgRetentionSeconds,
            Integer rewindSeconds,
            DeadLetterPolicy deadLetterPolicy) {

        public Patch(Long maxMsgHeapNum, Integer pollingWaitSeconds, Integer visibilityTimeout, Integer maxMsgSize,
                Integer msgRetentionSeconds, Integer rewindSeconds) {
            this(maxMsgHeapNum, pollingWaitSeconds, visibilityTimeout, maxMsgSize, msgRetentionSeconds,
                    rewindSeconds, null);
        }
    }

    public QueueSettings withDeadLetterPolicy(DeadLetterPolicy p) {
        return new QueueSettings(maxMsgHeapNum, pollingWaitSeconds, visibilityTimeout, maxMsgSize,
                msgRetentionSeconds, rewindSeconds, p, ordered);
    }

    public QueueSettings with(Patch p) {
        return new QueueSettings(
                p.maxMsgHeapNum() != null ? p.maxMsgHeapNum() : maxMsgHeapNum,
                p.pollingWaitSeconds() != null ? p.pollingWaitSeconds() : pollingWaitSeconds,
                p.visibilityTimeout() != null ? p.visibilityTimeout() : visibilityTimeout,
                p.maxMsgSize() != null ? p.maxMsgSize() : maxMsgSize,
                p.msgRetentionSeconds() != null ? p.msgRetentionSeconds() : msgRetentionSeconds,
                p.rewindSeconds() != null ? p.rewindSeconds() : rewindSeconds,
                p.deadLetterPolicy() != null ? p.deadLetterPolicy() : deadLetterPolicy,
                ordered);
    }
}
