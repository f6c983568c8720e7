package io.cmqkafka.adapter.engine;

/**
 * What a queue's settings ask of its dispatchers, read on every receive and sweep.
 *
 * @param deadLetter      the dead-letter policy while its dead-letter queue exists, or null
 * @param ordered         deliver each message group one message at a time, in send order
 * @param retentionMillis messages older than this are never delivered (msgRetentionSeconds)
 */
record DispatchRules(DeadLetterPolicy deadLetter, boolean ordered, long retentionMillis) {

    static final DispatchRules NONE = new DispatchRules(null, false, Long.MAX_VALUE);

    /** Enqueue times before this have outlived the queue's retention at {@code now}. */
    long expireBefore(long now) {
        return retentionMillis == Long.MAX_VALUE ? Long.MIN_VALUE : now - retentionMillis;
    }
}
