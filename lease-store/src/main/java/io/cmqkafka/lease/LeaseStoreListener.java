package io.cmqkafka.lease;

import java.util.Map;

/** Callbacks from the stream threads of the lease store. */
public interface LeaseStoreListener {

    /** The store has applied every event before the barrier with this token. */
    default void onBarrier(long token) {
    }

    /** Counters of every partition of a shard, computed at wall-clock time {@code now}. */
    default void onCounters(int shard, long now, Map<QueuePartition, LeaseTopology.LeaseCounters> counters) {
    }
}
