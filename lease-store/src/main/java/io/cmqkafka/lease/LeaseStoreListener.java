package io.cmqkafka.lease;

import java.util.Map;

/** Callbacks from the stream threads of the lease store. */
public interface LeaseStoreListener {

    /** The store has applied every event before the barrier with this token. */
    default void onBarrier(long token) {
    }

    /** This instance now runs the active task of {@code shard} (its store is restored). */
    default void onShardActive(int shard) {
    }

    /**
     * This instance is about to give up {@code shard}. Called on the stream thread before the task
     * is committed and handed over: stop writing events for its partitions before returning.
     */
    default void onShardRevoked(int shard) {
    }

    /** Counters of every partition of a shard, computed at wall-clock time {@code now}. */
    default void onCounters(int shard, long now, Map<QueuePartition, LeaseTopology.LeaseCounters> counters) {
    }
}
