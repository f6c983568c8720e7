package io.cmqkafka.adapter.protocol;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * requestId values: a per-process random 6-digit prefix and a 12-digit counter. All digits (like CMQ's own
 * ids, in case a client parses one as a number) and unique across restarts with high probability.
 */
public final class RequestIds {

    private static final long PREFIX = 100_000 + new SecureRandom().nextInt(900_000);
    private static final AtomicLong COUNTER = new AtomicLong();

    private RequestIds() {
    }

    public static String next() {
        return PREFIX + String.format("%012d", COUNTER.incrementAndGet() % 1_000_000_000_000L);
    }
}
