package io.cmqkafka.adapter.engine;

/**
 * Where a queue's messages go when they cannot be consumed (CMQ {@code deadLetterPolicy}).
 *
 * @param deadLetterQueue name of the dead-letter queue
 * @param policy          0: after {@code maxReceiveCount} receives without a delete;
 *                        1: when not deleted {@code maxTimeToLive} seconds after it was sent
 * @param maxReceiveCount policy 0 only
 * @param maxTimeToLive   policy 1 only, seconds
 */
public record DeadLetterPolicy(String deadLetterQueue, int policy, int maxReceiveCount, int maxTimeToLive) {

    public static final int BY_RECEIVE_COUNT = 0;
    public static final int BY_TIME_TO_LIVE = 1;

    /** Whether a message received {@code dequeueCount} times, sent at {@code enqueueTime}, is due at {@code now}. */
    public boolean isDue(int dequeueCount, long enqueueTime, long now) {
        return policy == BY_RECEIVE_COUNT
                ? dequeueCount >= maxReceiveCount
                : now - enqueueTime >= maxTimeToLive * 1000L;
    }
}
