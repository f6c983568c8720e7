package io.cmqkafka.lease;

import io.cmqkafka.lease.LeaseEvent.Advanced;
import io.cmqkafka.lease.LeaseEvent.Barrier;
import io.cmqkafka.lease.LeaseEvent.DeadLettered;
import io.cmqkafka.lease.LeaseEvent.Deleted;
import io.cmqkafka.lease.LeaseEvent.Dropped;
import io.cmqkafka.lease.LeaseEvent.Leased;
import io.cmqkafka.lease.LeaseEvent.Rewound;
import io.cmqkafka.lease.LeaseEvent.Skipped;
import io.cmqkafka.lease.LeaseEvent.VisibilityChanged;
import io.cmqkafka.lease.MessageLease.State;

/**
 * The lease rules, as one deterministic function of (state, event). The dispatcher checks a
 * request with the {@code can*} methods, applies the event to its mirror, and appends it to the
 * lease log; the Streams store applies the same event later and reaches the same state. An event
 * that breaks a rule (for example a stale writer's) is ignored by both.
 */
public final class LeaseRules {

    private LeaseRules() {
    }

    /** Whether the message at {@code offset} may be leased at {@code now} (delay is the caller's). */
    public static boolean isDeliverable(LeaseTable t, long offset, long now) {
        if (offset < t.head().lowWatermark()) {
            return false;
        }
        MessageLease l = t.get(offset);
        return l == null || (l.state() == State.LEASED && l.visibleAt() <= now);
    }

    /** The lease named by a receipt handle, if it is still held at {@code now}; else null. */
    public static MessageLease heldLease(LeaseTable t, long offset, int epoch, int dequeueCount, long now) {
        if (offset < t.head().lowWatermark()) {
            return null;
        }
        MessageLease l = t.get(offset);
        if (l == null || l.state() != State.LEASED || l.epoch() != epoch || l.dequeueCount() != dequeueCount
                || l.visibleAt() <= now) {
            return null;
        }
        return l;
    }

    /** The next lease event for a receive of {@code offset} at {@code now}. */
    public static Leased nextLease(LeaseTable t, long offset, long now, long visibleAt) {
        MessageLease l = t.get(offset);
        int count = l == null ? 1 : l.dequeueCount() + 1;
        return new Leased(offset, t.head().epoch(), count, visibleAt, now);
    }

    /**
     * Applies one event; returns false (and changes nothing) if it breaks a rule. A batch applies
     * each of its events in turn, each on its own (true if any applied).
     */
    public static boolean apply(LeaseTable t, LeaseEvent event) {
        if (event instanceof LeaseEvent.Batch batch) {
            boolean any = false;
            for (LeaseEvent e : batch.events()) {
                any |= apply(t, e);
            }
            return any;
        } else if (event instanceof Leased e) {
            return lease(t, e);
        } else if (event instanceof Deleted e) {
            return finish(t, e.offset(), e.epoch(), e.dequeueCount(), e.at(), State.DELETED);
        } else if (event instanceof DeadLettered e) {
            return takeOut(t, e.offset(), e.epoch(), e.dequeueCount(), e.at(), State.DEAD_LETTERED);
        } else if (event instanceof LeaseEvent.Expired e) {
            return takeOut(t, e.offset(), e.epoch(), e.dequeueCount(), e.at(), State.DELETED);
        } else if (event instanceof VisibilityChanged e) {
            MessageLease held = heldLease(t, e.offset(), e.epoch(), e.dequeueCount(), e.at());
            if (held == null) {
                return false;
            }
            t.put(e.offset(), held.withVisibleAt(e.visibleAt()));
            return true;
        } else if (event instanceof Rewound e) {
            return rewind(t, e);
        } else if (event instanceof Advanced e) {
            return advanceTo(t, e.lowWatermark());
        } else if (event instanceof Skipped e) {
            PartitionHead h = t.head();
            if (e.to() <= e.from() || e.to() <= h.lowWatermark()) {
                return false;
            }
            if (e.from() <= h.lowWatermark()) {
                return advanceTo(t, e.to());
            }
            // A gap above the watermark is short (markers): mark each offset done.
            for (long o = e.from(); o < e.to(); o++) {
                t.put(o, new MessageLease(State.DELETED, h.epoch(), 0, 0, 0));
            }
            return true;
        } else if (event instanceof Dropped) {
            t.clear();
            return true;
        } else if (event instanceof Barrier) {
            return true;
        } else if (event instanceof LeaseEvent.Claimed e) {
            PartitionHead h = t.head();
            if (e.ownerEpoch() <= h.ownerEpoch()) {
                return false;
            }
            t.putHead(new PartitionHead(h.lowWatermark(), h.epoch(), e.ownerEpoch()));
            return true;
        }
        throw new IllegalArgumentException("unknown lease event " + event);
    }

    private static boolean lease(LeaseTable t, Leased e) {
        PartitionHead h = t.head();
        if (e.epoch() != h.epoch() || !isDeliverable(t, e.offset(), e.at())) {
            return false;
        }
        MessageLease old = t.get(e.offset());
        int expected = old == null ? 1 : old.dequeueCount() + 1;
        if (e.dequeueCount() != expected || e.visibleAt() <= e.at()) {
            return false;
        }
        long first = old == null ? e.at() : old.firstDequeueAt();
        t.put(e.offset(), new MessageLease(State.LEASED, e.epoch(), e.dequeueCount(), e.visibleAt(), first));
        return true;
    }

    private static boolean finish(LeaseTable t, long offset, int epoch, int count, long at, State done) {
        MessageLease held = heldLease(t, offset, epoch, count, at);
        if (held == null) {
            return false;
        }
        t.put(offset, held.withState(done));
        if (offset == t.head().lowWatermark()) {
            advanceOverDone(t);
        }
        return true;
    }

    /**
     * A message nobody holds (never received, or its last lease lapsed) is taken out: moved to the
     * dead-letter queue, or expired. The event names the lease it saw ({@code count} 0 and the
     * partition's epoch for a never-received message), so a decision taken on stale state is ignored.
     */
    private static boolean takeOut(LeaseTable t, long offset, int epoch, int count, long at, State done) {
        if (!isDeliverable(t, offset, at)) {
            return false;
        }
        MessageLease l = t.get(offset);
        boolean same = l == null
                ? count == 0 && epoch == t.head().epoch()
                : l.epoch() == epoch && l.dequeueCount() == count;
        if (!same) {
            return false;
        }
        long first = l == null ? 0 : l.firstDequeueAt();
        t.put(offset, new MessageLease(done, epoch, count, 0, first));
        if (offset == t.head().lowWatermark()) {
            advanceOverDone(t);
        }
        return true;
    }

    /** The dead-letter event for a message the dispatcher found deliverable at {@code now}. */
    public static DeadLettered deadLetterOf(LeaseTable t, long offset, long now) {
        MessageLease l = t.get(offset);
        return l == null ? new DeadLettered(offset, t.head().epoch(), 0, now)
                : new DeadLettered(offset, l.epoch(), l.dequeueCount(), now);
    }

    /** The expiry event for a message the dispatcher found deliverable at {@code now}, past retention. */
    public static LeaseEvent.Expired expiryOf(LeaseTable t, long offset, long now) {
        MessageLease l = t.get(offset);
        return l == null ? new LeaseEvent.Expired(offset, t.head().epoch(), 0, now)
                : new LeaseEvent.Expired(offset, l.epoch(), l.dequeueCount(), now);
    }

    private static boolean advanceTo(LeaseTable t, long low) {
        PartitionHead h = t.head();
        if (low <= h.lowWatermark()) {
            return false;
        }
        t.removeRange(h.lowWatermark(), low);
        t.putHead(h.withLowWatermark(low));
        advanceOverDone(t);
        return true;
    }

    /** Moves the low watermark over the run of done messages that starts at it. */
    private static void advanceOverDone(LeaseTable t) {
        PartitionHead h = t.head();
        long low = h.lowWatermark();
        MessageLease l;
        while ((l = t.get(low)) != null && l.isDone()) {
            t.remove(low);
            low++;
        }
        if (low != h.lowWatermark()) {
            t.putHead(h.withLowWatermark(low));
        }
    }

    private static boolean rewind(LeaseTable t, Rewound e) {
        PartitionHead h = t.head();
        if (e.newEpoch() <= h.epoch() || e.toOffset() < 0) {
            return false;
        }
        // Messages below the rewind point that are still waiting keep their state; everything at
        // or above it is deliverable again, deleted ones included. Leases still running at the
        // rewind are kept (a valid lease is never handed out twice); they lapse as usual.
        java.util.Map<Long, MessageLease> held = new java.util.TreeMap<>();
        t.forEach(e.toOffset(), Long.MAX_VALUE, (o, l) -> {
            if (l.isHeldAt(e.at())) {
                held.put(o, l);
            }
        });
        t.removeRange(e.toOffset(), Long.MAX_VALUE);
        held.forEach(t::put);
        t.putHead(new PartitionHead(Math.min(h.lowWatermark(), e.toOffset()), e.newEpoch(), h.ownerEpoch()));
        return true;
    }
}
