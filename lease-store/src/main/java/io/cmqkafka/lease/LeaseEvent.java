package io.cmqkafka.lease;

/**
 * The events of the lease log (topic {@code cmq.lease-events}), keyed by {@link QueuePartition}.
 * They are facts decided by the partition's dispatcher; {@link LeaseRules} applies them the
 * same way in the dispatcher's mirror and in the Kafka Streams store, so both agree. Every
 * time in an event is the dispatcher's clock when it decided, never the applier's clock.
 */
public sealed interface LeaseEvent {

    /** A receive granted a lease on {@code offset} until {@code visibleAt}. */
    record Leased(long offset, int epoch, int dequeueCount, long visibleAt, long at) implements LeaseEvent { }

    /** The holder of lease {@code dequeueCount} deleted the message. */
    record Deleted(long offset, int epoch, int dequeueCount, long at) implements LeaseEvent { }

    /** The holder moved the end of its lease (0 = visible now). */
    record VisibilityChanged(long offset, int epoch, int dequeueCount, long visibleAt, long at) implements LeaseEvent { }

    /** The message reached its dead-letter limit and was copied to the dead-letter queue. */
    record DeadLettered(long offset, int epoch, int dequeueCount, long at) implements LeaseEvent { }

    /** The message outlived the queue's retention before anyone consumed it: it is done. */
    record Expired(long offset, int epoch, int dequeueCount, long at) implements LeaseEvent { }

    /** Rewind: everything at or above {@code toOffset} is deliverable again, under a new epoch. */
    record Rewound(long toOffset, int newEpoch, long at) implements LeaseEvent { }

    /**
     * Offsets {@code [from, to)} hold no deliverable message (transaction markers, aborted
     * writes, or data removed by retention when {@code from} is at or below the low watermark).
     */
    record Skipped(long from, long to) implements LeaseEvent { }

    /** Messages below {@code lowWatermark} left the log (retention): forget them. */
    record Advanced(long lowWatermark) implements LeaseEvent { }

    /** The queue was deleted: drop all state of the partition. */
    record Dropped() implements LeaseEvent { }

    /**
     * A dispatcher took the partition over; events of earlier owners are ignored from now on. In
     * the log the owner epoch follows from the record's own offset ({@link LeaseTopology#claimEpoch};
     * the store applies it so, whatever value was written); {@link ClaimWatcher} relies on that.
     */
    record Claimed(long ownerEpoch) implements LeaseEvent { }

    /**
     * Several events of one partition decided together (one receive or delete request), in order:
     * one record in the log instead of one each. Never nested, never holds a {@link Barrier} or a
     * {@link Claimed} (a claim's epoch comes from the offset of its own record).
     */
    record Batch(java.util.List<LeaseEvent> events) implements LeaseEvent {
        public Batch {
            events = java.util.List.copyOf(events);
            for (LeaseEvent e : events) {
                if (e instanceof Batch || e instanceof Barrier || e instanceof Claimed) {
                    throw new IllegalArgumentException("a batch cannot hold " + e);
                }
            }
        }
    }

    /** No state change; lets a new owner wait until the store has applied everything before it. */
    record Barrier(long token) implements LeaseEvent { }
}
