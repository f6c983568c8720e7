package io.cmqkafka.adapter.protocol.auth;

import io.cmqkafka.adapter.protocol.CmqError;
import io.cmqkafka.adapter.protocol.Limits;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per SecretId and per queue (configuration {@link RateLimitConfig}): each allows its limit of
 * requests per second with a burst of one second's worth. Over the limit: 4420/10250 "qps throttling".
 * Per instance. Bucket tables are bounded: idle (full) buckets are dropped when a table reaches
 * {@link #MAX_BUCKETS}; if it is still full, a new name goes unlimited rather than evicting a busy bucket.
 */
public final class RateLimiter {

    static final int MAX_BUCKETS = 100_000;

    private final int perKey;
    private final int perQueue;
    private final Map<String, Integer> keyLimits;
    private final Map<String, Integer> queueLimits = new HashMap<>();
    private final LongSupplier nanos;
    private final ConcurrentHashMap<String, Bucket> keyBuckets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Bucket> queueBuckets = new ConcurrentHashMap<>();

    public RateLimiter(RateLimitConfig config, LongSupplier nanos) {
        this(config.perKey(), config.perQueue(), config.keys(), config.queues(), nanos);
    }

    public RateLimiter(int perKey, int perQueue, Map<String, Integer> keys, Map<String, Integer> queues,
            LongSupplier nanos) {
        this.perKey = perKey;
        this.perQueue = perQueue;
        this.keyLimits = Map.copyOf(keys);
        queues.forEach((q, limit) -> queueLimits.put(q.toLowerCase(Locale.ROOT), limit));
        this.nanos = nanos;
    }

    /** Whether any limit is configured at all. */
    public boolean active() {
        return perKey > 0 || perQueue > 0 || keyLimits.values().stream().anyMatch(l -> l > 0)
                || queueLimits.values().stream().anyMatch(l -> l > 0);
    }

    /**
     * Takes one request from the key's and the queue's bucket.
     *
     * @param secretId the (authenticated) SecretId, or null
     * @param queueName the request's queueName parameter, or null
     */
    public void check(String secretId, String queueName) {
        long now = nanos.getAsLong();
        if (secretId != null) {
            int limit = keyLimits.getOrDefault(secretId, perKey);
            if (limit > 0 && !take(keyBuckets, secretId, limit, now)) {
                throw CmqError.QPS_THROTTLING.exception(
                        "SecretId " + Limits.echo(secretId) + " is limited to " + limit + " requests/s");
            }
        }
        if (queueName != null && Limits.QUEUE_NAME.matcher(queueName).matches()) {
            String q = queueName.toLowerCase(Locale.ROOT);
            int limit = queueLimits.getOrDefault(q, perQueue);
            if (limit > 0 && !take(queueBuckets, q, limit, now)) {
                throw CmqError.QPS_THROTTLING.exception(
                        "queue " + queueName + " is limited to " + limit + " requests/s");
            }
        }
    }

    private static boolean take(ConcurrentHashMap<String, Bucket> buckets, String name, int limit, long now) {
        Bucket b = buckets.get(name);
        if (b == null) {
            if (buckets.size() >= MAX_BUCKETS) {
                buckets.values().removeIf(x -> x.idle(now));
                if (buckets.size() >= MAX_BUCKETS) {
                    return true;
                }
            }
            b = buckets.computeIfAbsent(name, n -> new Bucket(limit, now));
        }
        return b.take(limit, now);
    }

    int buckets() {
        return keyBuckets.size() + queueBuckets.size();
    }

    /** Holds up to {@code limit} tokens, refilled at {@code limit} per second. */
    static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int limit, long now) {
            this.tokens = limit;
            this.last = now;
        }

        synchronized boolean take(int limit, long now) {
            refill(limit, now);
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }

        /** Full again: dropping it changes nothing. */
        synchronized boolean idle(long now) {
            return now - last >= 1_000_000_000L;
        }

        private void refill(int limit, long now) {
            long elapsed = Math.max(0, now - last);
            tokens = Math.min(limit, tokens + elapsed * (double) limit / 1e9);
            last = now;
        }
    }
}
