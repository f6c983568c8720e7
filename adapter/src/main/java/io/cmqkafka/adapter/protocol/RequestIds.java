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
        // Same text as PREFIX + String.format("%012d", n), without the Formatter (a few % of a request's CPU).
        long n = COUNTER.incrementAndGet() % 1_000_000_000_000L;
        char[] c = new char[18];
        long p = PREFIX;
        for (int i = 5; i >= 0; i--) {
            c[i] = (char) ('0' + p % 10);
            p /= 10;
        }
        for (int i = 17; i >= 6; i--) {
            c[i] = (char) ('0' + n % 10);
            n /= 10;
        }
        return new String(c);
    }
}
