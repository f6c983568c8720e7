package io.cmqkafka.adapter.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replay detection for signed requests, per instance. A request is identified by (SecretId, Timestamp, Nonce,
 * Signature): an exact replay repeats all four, and so does a replay whose only change is to parameters the
 * signature does not cover (the Python SDK's {@code @}-values). Two different requests of one client that
 * happen to draw the same Nonce in the same second differ in their Signature, so they are not confused (the
 * Java SDK's Nonce has only 31 random bits).
 *
 * <p>Entries are kept by their request Timestamp, in one bucket per second, and a bucket is dropped once its
 * Timestamp is out of the window (such a request is refused for its Timestamp anyway), so memory is bounded by
 * the signed requests of one window, and hard-capped by {@code capacity} 64-bit fingerprints.
 */
public final class NonceCache {

    public enum Outcome { FRESH, REPLAYED, FULL }

    private final long windowSeconds;
    private final int capacity;
    private final byte[] salt = new byte[16];
    private final TreeMap<Long, Set<Long>> buckets = new TreeMap<>();
    private int size;

    public NonceCache(long windowSeconds, int capacity) {
        this.windowSeconds = windowSeconds;
        this.capacity = capacity;
        new SecureRandom().nextBytes(salt);
    }

    /** Remembers the request unless it was seen before ({@code REPLAYED}) or the cache is full ({@code FULL}). */
    public Outcome record(String secretId, long timestamp, String nonce, String signature, long nowSeconds) {
        long fp = fingerprint(secretId, timestamp, nonce, signature);
        synchronized (this) {
            prune(nowSeconds);
            Set<Long> bucket = buckets.get(timestamp);
            if (bucket != null && bucket.contains(fp)) {
                return Outcome.REPLAYED;
            }
            if (size >= capacity) {
                return Outcome.FULL;
            }
            buckets.computeIfAbsent(timestamp, t -> new HashSet<>()).add(fp);
            size++;
            return Outcome.FRESH;
        }
    }

    public synchronized int size() {
        return size;
    }

    private void prune(long nowSeconds) {
        Iterator<Map.Entry<Long, Set<Long>>> it = buckets.headMap(nowSeconds - windowSeconds).entrySet().iterator();
        while (it.hasNext()) {
            size -= it.next().getValue().size();
            it.remove();
        }
    }

    /** 64 bits of a salted SHA-256, so no one can pick inputs that collide with another client's requests. */
    private long fingerprint(String secretId, long timestamp, String nonce, String signature) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(salt);
            d.update((secretId + '\n' + timestamp + '\n' + nonce + '\n' + signature).getBytes(StandardCharsets.UTF_8));
            byte[] h = d.digest();
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (h[i] & 0xff);
            }
            return v;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
