package io.cmqkafka.adapter.topic;

import java.util.concurrent.ThreadLocalRandom;

/**
 * When a failed HTTP push is tried again (cmq-api.md §2.4, issue 5): BACKOFF_RETRY tries 3 more times,
 * 10–20 s apart (random), then drops; EXPONENTIAL_DECAY_RETRY waits 1 s, 2 s, 4 s ... until the message's
 * one-day life is over.
 */
public final class RetryPolicy {

    public static final int BACKOFF_RETRIES = 3;
    public static final long BACKOFF_MIN_MS = 10_000;
    public static final long BACKOFF_MAX_MS = 20_000;
    public static final long EXPONENTIAL_FIRST_MS = 1_000;
    /** Longest single wait, so the schedule never overflows. */
    public static final long EXPONENTIAL_MAX_MS = 12 * 3600_000L;
    public static final long MESSAGE_LIFE_MS = 86_400_000L;

    private RetryPolicy() {
    }

    /**
     * When to try again after the {@code failures}-th failed attempt (1 = the first push failed), or -1 to
     * drop the message.
     *
     * @param now         engine clock
     * @param publishedAt engine clock at publish
     */
    public static long nextAttemptAt(String strategy, int failures, long now, long publishedAt) {
        if (SubscriptionRecord.BACKOFF_RETRY.equals(strategy)) {
            if (failures > BACKOFF_RETRIES) {
                return -1;
            }
            return now + ThreadLocalRandom.current().nextLong(BACKOFF_MIN_MS, BACKOFF_MAX_MS + 1);
        }
        long wait = Math.min(EXPONENTIAL_MAX_MS, EXPONENTIAL_FIRST_MS << Math.min(failures - 1, 30));
        long at = now + wait;
        return at > publishedAt + MESSAGE_LIFE_MS ? -1 : at;
    }
}
