package io.cmqkafka.adapter.engine;

/** GetQueueAttributes: the settings plus times (Unix seconds) and approximate counters. */
public record QueueAttributes(
        String queueId,
        String queueName,
        QueueSettings settings,
        long createTime,
        long lastModifyTime,
        long activeMsgNum,
        long inactiveMsgNum,
        long delayMsgNum,
        long rewindMsgNum,
        long minMsgTime,
        String deadLetterQueueId) {
}
