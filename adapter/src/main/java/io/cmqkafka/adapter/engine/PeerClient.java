package io.cmqkafka.adapter.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Calls to the instance that owns some partitions of a queue (the owner of their lease shards).
 * Every call names the queue incarnation; an owner that no longer owns a partition skips it.
 */
public interface PeerClient {

    /** Leases up to {@code max} messages from the owner's partitions, without waiting. */
    CompletableFuture<List<ReceivedMessage>> receive(String ownerUrl, String queue, String queueId,
            List<Integer> partitions, int max, long visibilityMillis);

    /** Completes true as soon as the owner has a deliverable message in those partitions, false at the deadline. */
    CompletableFuture<Boolean> await(String ownerUrl, String queue, String queueId, List<Integer> partitions,
            long waitMillis);

    /** Deletes by receipt handle on the owner; one outcome per handle (null = deleted). */
    CompletableFuture<List<QueueException.Kind>> delete(String ownerUrl, String queue, String queueId,
            List<String> receiptHandles);

    /** Moves the end of leases on the owner; one outcome per handle (null = changed). */
    CompletableFuture<List<QueueException.Kind>> changeVisibility(String ownerUrl, String queue, String queueId,
            List<String> receiptHandles, long visibilityMillis);

    /**
     * The owner's counters of those partitions: active, inactive, delayed, oldest enqueue time (ms),
     * rewindable. {@code rewindFrom}: per partition the first offset a rewind may reach, or null.
     */
    CompletableFuture<long[]> counters(String ownerUrl, String queue, String queueId, List<Integer> partitions,
            List<Long> rewindFrom);

    /** Rewinds each partition to its offset on the owner. */
    CompletableFuture<Void> rewind(String ownerUrl, String queue, String queueId, List<Integer> partitions,
            List<Long> offsets);

    PeerClient NONE = new PeerClient() {
        @Override
        public CompletableFuture<List<ReceivedMessage>> receive(String o, String q, String id, List<Integer> p, int m,
                long v) {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletableFuture<Boolean> await(String o, String q, String id, List<Integer> p, long w) {
            return CompletableFuture.completedFuture(false);
        }

        @Override
        public CompletableFuture<List<QueueException.Kind>> delete(String o, String q, String id, List<String> h) {
            return CompletableFuture.failedFuture(new QueueException(QueueException.Kind.UNAVAILABLE, "no peers"));
        }

        @Override
        public CompletableFuture<List<QueueException.Kind>> changeVisibility(String o, String q, String id,
                List<String> h, long v) {
            return CompletableFuture.failedFuture(new QueueException(QueueException.Kind.UNAVAILABLE, "no peers"));
        }

        @Override
        public CompletableFuture<long[]> counters(String o, String q, String id, List<Integer> p, List<Long> r) {
            return CompletableFuture.completedFuture(new long[5]);
        }

        @Override
        public CompletableFuture<Void> rewind(String o, String q, String id, List<Integer> p, List<Long> offsets) {
            return CompletableFuture.failedFuture(new QueueException(QueueException.Kind.UNAVAILABLE, "no peers"));
        }
    };
}
