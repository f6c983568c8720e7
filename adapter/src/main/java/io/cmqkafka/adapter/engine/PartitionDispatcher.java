package io.cmqkafka.adapter.engine;

import io.cmqkafka.lease.InMemoryLeaseTable;
import io.cmqkafka.lease.LeaseEvent;
import io.cmqkafka.lease.LeaseRules;
import io.cmqkafka.lease.MessageLease;
import io.cmqkafka.lease.QueuePartition;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out the messages of one queue partition. It keeps a bounded window of fetched messages
 * at or above the low watermark, and a mirror of the partition's lease state. Every decision is
 * applied to the mirror under this object's lock, so two receives never lease the same message;
 * the caller then appends the event to the lease log and answers only after Kafka acknowledged it.
 */
final class PartitionDispatcher {

    /** One lease granted by {@link #take}: the message and the event to append. */
    record Grant(int partition, StoredMessage message, LeaseEvent.Leased lease, MessageLease state, long ownerEpoch) {
    }

    /**
     * A message taken out of the window without a receive: a dead letter ({@code DeadLettered}, to be
     * copied to the dead-letter queue) or past retention ({@code Expired}).
     */
    record Removal(StoredMessage message, LeaseEvent event, long ownerEpoch) {
        boolean isDeadLetter() {
            return event instanceof LeaseEvent.DeadLettered;
        }
    }

    /** Receives the removals a scan made; called under the dispatcher's lock, must not block. */
    interface RemovalSink {
        void accept(PartitionDispatcher d, List<Removal> removals);
    }

    /** Where fetching (re)starts and the seek the fetcher must confirm before its batches count. */
    record FetchStart(long from, long seekToken) {
    }

    /** What the fetcher must do after {@link #offer}: seek back and pause when the window is full. */
    record FetchControl(long pauseAt) {
        static final FetchControl CONTINUE = new FetchControl(-1);
    }

    final QueuePartition qp;
    final int partition;
    private final int windowMessages;
    private final long windowCapacityBytes;
    private InMemoryLeaseTable table;
    private final TreeMap<Long, StoredMessage> window = new TreeMap<>();
    private long windowBytes;
    /** Next offset the fetcher will hand to {@link #offer}. */
    private long nextFetch;
    /** One past the highest offset known to exist. */
    private long endOffset;
    private boolean paused;
    /** Completes once the window holds what the partition had when dispatching started. */
    private java.util.concurrent.CompletableFuture<Void> primed = new java.util.concurrent.CompletableFuture<>();
    private long primeTarget;
    private final RemovalSink removals;
    /**
     * Bumped whenever fetching restarts elsewhere (load, rewind). Batches are only taken while the
     * fetcher has confirmed the latest seek: one fetched from the old position would otherwise look
     * like a gap and mark unread messages as done.
     */
    private long seekToken;
    private long seekedToken = -1;

    PartitionDispatcher(QueuePartition qp, int windowMessages, long windowBytes, RemovalSink removals) {
        this.qp = qp;
        this.partition = qp.partition();
        this.windowMessages = windowMessages;
        this.windowCapacityBytes = windowBytes;
        this.removals = removals;
    }

    /** The owner epoch this dispatcher claimed the partition with; sent with every event. */
    private long ownerEpoch = -1;
    /** Bumped by {@link #deactivate}, so a load that started before is not installed after. */
    private long generation;
    private java.util.concurrent.CompletableFuture<Void> loading;

    /** Starts loading unless loaded or loading; {@code loader} gets the generation to install with. */
    synchronized java.util.concurrent.CompletableFuture<Void> ensureLoaded(
            java.util.function.LongFunction<java.util.concurrent.CompletableFuture<Void>> loader) {
        if (loading == null || loading.isCompletedExceptionally()) {
            loading = loader.apply(generation);
        }
        return loading;
    }

    synchronized long ownerEpoch() {
        return ownerEpoch;
    }

    /** This instance no longer owns the partition: forget everything, serve nothing. */
    synchronized void deactivate() {
        generation++;
        loading = null;
        table = null;
        ownerEpoch = -1;
        window.clear();
        windowBytes = 0;
        paused = false;
    }

    /** Whether some message is deliverable now (for peers waiting on this partition). */
    synchronized boolean hasDeliverable(long now, boolean ordered) {
        if (table == null) {
            return false;
        }
        java.util.Set<String> blockedGroups = null;
        for (StoredMessage m : window.values()) {
            boolean deliverable = m.deliverAt() <= now && LeaseRules.isDeliverable(table, m.offset(), now);
            String group = ordered ? m.group() : null;
            if (group == null) {
                if (deliverable) {
                    return true;
                }
            } else if (blockedGroups == null || !blockedGroups.contains(group)) {
                if (deliverable) {
                    return true;
                }
                (blockedGroups == null ? blockedGroups = new java.util.HashSet<>() : blockedGroups).add(group);
            }
        }
        return false;
    }

    /**
     * (Re)starts from a state loaded out of the lease store and claimed with {@code epoch};
     * returns where fetching starts, or -1 if the dispatcher was deactivated meanwhile.
     */
    synchronized FetchStart reset(InMemoryLeaseTable loaded, long epoch, long forGeneration) {
        if (forGeneration != generation) {
            return null;
        }
        this.ownerEpoch = epoch;
        this.table = loaded;
        window.clear();
        windowBytes = 0;
        paused = false;
        nextFetch = loaded.head().lowWatermark();
        endOffset = Math.max(endOffset, nextFetch);
        if (primed.isDone()) {
            primed = new java.util.concurrent.CompletableFuture<>();
        }
        primeTarget = Long.MAX_VALUE;
        return new FetchStart(nextFetch, ++seekToken);
    }

    /** Fetcher thread: the consumer now reads from the position of seek {@code token}. */
    synchronized void seeked(long token) {
        seekedToken = token;
    }

    /** Fetcher thread: the log end when fetching started; the window is primed once there. */
    synchronized void primeUpTo(long end) {
        primeTarget = end;
        endOffset = Math.max(endOffset, end);
        checkPrimed();
    }

    synchronized java.util.concurrent.CompletableFuture<Void> primed() {
        return primed;
    }

    private void checkPrimed() {
        if (!primed.isDone() && (nextFetch >= primeTarget || paused)) {
            primed.complete(null);
        }
    }

    synchronized boolean isActive() {
        return table != null;
    }

    /**
     * Adds fetched messages to the window. Offsets the fetcher jumped over hold no message
     * (transaction markers, retention): they are returned as a Skipped event to append.
     */
    synchronized FetchControl offer(List<StoredMessage> batch, long positionAfter, long end, List<LeaseEvent> toAppend) {
        if (table == null || seekedToken != seekToken) {
            // Deactivated (the fetcher drops the partition shortly), or fetched from before a seek.
            return FetchControl.CONTINUE;
        }
        for (StoredMessage m : batch) {
            if (m.offset() < nextFetch) {
                continue; // re-delivered after a seek
            }
            if (m.offset() > nextFetch) {
                skip(nextFetch, m.offset(), toAppend);
            }
            if (window.size() >= windowMessages || windowBytes + m.size() > windowCapacityBytes && !window.isEmpty()) {
                paused = true;
                endOffset = Math.max(endOffset, end);
                checkPrimed();
                return new FetchControl(m.offset());
            }
            nextFetch = m.offset() + 1;
            MessageLease l = table.get(m.offset());
            if (m.offset() >= table.head().lowWatermark() && (l == null || !l.isDone())) {
                window.put(m.offset(), m);
                windowBytes += m.size();
            }
        }
        if (positionAfter > nextFetch) {
            skip(nextFetch, positionAfter, toAppend);
            nextFetch = positionAfter;
        }
        endOffset = Math.max(endOffset, Math.max(end, nextFetch));
        checkPrimed();
        return FetchControl.CONTINUE;
    }

    private void skip(long from, long to, List<LeaseEvent> toAppend) {
        LeaseEvent.Skipped s = new LeaseEvent.Skipped(from, to);
        if (LeaseRules.apply(table, s)) {
            toAppend.add(s);
        }
        nextFetch = to;
    }

    /** Whether the fetcher may resume a paused partition. */
    synchronized boolean wantsMore() {
        return paused && window.size() < windowMessages * 3 / 4 && windowBytes < windowCapacityBytes * 3 / 4;
    }

    synchronized long resumeFrom() {
        paused = false;
        return nextFetch;
    }

    /**
     * Leases up to {@code max} deliverable messages, lowest offset first. Messages that reached the
     * queue's dead-letter limit ({@code policy}, may be null) are taken out instead and handed to the
     * dead-letter sink.
     */
    synchronized List<Grant> take(int max, long now, long visibleAt, DispatchRules rules) {
        return scan(max, now, visibleAt, rules);
    }

    /**
     * Takes out every deliverable message of the window that is due for the dead-letter queue or
     * past retention, without waiting for a receive to find it. Cheap when nothing can be due.
     */
    synchronized void sweep(long now, DispatchRules rules) {
        if (rules.deadLetter() == null
                && (window.isEmpty() || window.firstEntry().getValue().enqueueTime() >= rules.expireBefore(now))) {
            return;
        }
        scan(0, now, 0, rules);
    }

    /**
     * On an {@code ordered} queue a message group is blocked from its first message that is not done
     * (leased, delayed, or leased by this very scan): the window holds every undone message from
     * the low watermark in offset order, so no later message of that group is handed out before it.
     */
    private List<Grant> scan(int max, long now, long visibleAt, DispatchRules rules) {
        List<Grant> out = new ArrayList<>();
        if (table == null) {
            return out;
        }
        boolean ordered = rules.ordered();
        DeadLetterPolicy policy = removals == null ? null : rules.deadLetter();
        long expireBefore = removals == null ? Long.MIN_VALUE : rules.expireBefore(now);
        List<Removal> removed = null;
        java.util.Set<String> blockedGroups = null;
        for (Iterator<StoredMessage> it = window.values().iterator(); it.hasNext();) {
            if (max > 0 && out.size() >= max) {
                break;
            }
            StoredMessage m = it.next();
            String group = ordered ? m.group() : null;
            if (group != null && blockedGroups != null && blockedGroups.contains(group)) {
                continue;
            }
            if (m.deliverAt() > now || !LeaseRules.isDeliverable(table, m.offset(), now)) {
                if (group != null) {
                    (blockedGroups == null ? blockedGroups = new java.util.HashSet<>() : blockedGroups).add(group);
                }
                continue;
            }
            LeaseEvent out1 = null;
            if (m.enqueueTime() < expireBefore) {
                out1 = LeaseRules.expiryOf(table, m.offset(), now);
            } else if (policy != null) {
                MessageLease l = table.get(m.offset());
                if (policy.isDue(l == null ? 0 : l.dequeueCount(), m.enqueueTime(), now)) {
                    out1 = LeaseRules.deadLetterOf(table, m.offset(), now);
                }
            }
            if (out1 != null) {
                if (LeaseRules.apply(table, out1)) {
                    it.remove();
                    windowBytes -= m.size();
                    (removed == null ? removed = new ArrayList<>() : removed).add(new Removal(m, out1, ownerEpoch));
                }
                continue;
            }
            if (group != null) {
                // Leased now, or (in a sweep) left waiting: either way it goes first.
                (blockedGroups == null ? blockedGroups = new java.util.HashSet<>() : blockedGroups).add(group);
            }
            if (max <= 0) {
                continue;
            }
            LeaseEvent.Leased e = LeaseRules.nextLease(table, m.offset(), now, visibleAt);
            if (LeaseRules.apply(table, e)) {
                out.add(new Grant(partition, m, e, table.get(m.offset()), ownerEpoch));
            }
        }
        if (removed != null) {
            removals.accept(this, removed);
        }
        return out;
    }

    /** True when nothing is deliverable because the window is full of leased or delayed messages. */
    synchronized boolean isBlockedByInflight() {
        return paused && endOffset > nextFetch;
    }

    /**
     * Validates and applies a delete. Returns the event to append, or null when the handle does
     * not name a lease held now; {@link #ALREADY_DELETED} for a repeated delete of the same lease.
     */
    synchronized LeaseEvent.Deleted delete(ReceiptHandle h, long now) {
        if (table == null) {
            return null;
        }
        MessageLease held = LeaseRules.heldLease(table, h.offset(), h.epoch(), h.dequeueCount(), now);
        if (held == null) {
            MessageLease l = table.get(h.offset());
            if (l != null && l.state() == MessageLease.State.DELETED && l.epoch() == h.epoch()
                    && l.dequeueCount() == h.dequeueCount()) {
                return ALREADY_DELETED;
            }
            return null;
        }
        LeaseEvent.Deleted e = new LeaseEvent.Deleted(h.offset(), h.epoch(), h.dequeueCount(), now);
        LeaseRules.apply(table, e);
        StoredMessage m = window.remove(h.offset());
        if (m != null) {
            windowBytes -= m.size();
        }
        return e;
    }

    static final LeaseEvent.Deleted ALREADY_DELETED = new LeaseEvent.Deleted(-1, -1, -1, -1);

    /**
     * Moves the end of the lease a receipt handle names to {@code visibleAt} ({@code now}: visible
     * at once). Returns the event to append, or null when the handle does not name a lease held now.
     */
    synchronized LeaseEvent.VisibilityChanged changeVisibility(ReceiptHandle h, long now, long visibleAt) {
        if (table == null) {
            return null;
        }
        LeaseEvent.VisibilityChanged e = new LeaseEvent.VisibilityChanged(h.offset(), h.epoch(), h.dequeueCount(),
                visibleAt, now);
        return LeaseRules.apply(table, e) ? e : null;
    }

    /** A rewind applied to the mirror: the event to append and where the fetcher must restart. */
    record Rewind(LeaseEvent.Rewound event, long ownerEpoch, FetchStart start) {
    }

    /**
     * Makes every message at or above {@code toOffset} deliverable again (deleted ones included;
     * leases still running are kept) and refills the window from the new low watermark. Null when
     * this instance does not serve the partition.
     */
    synchronized Rewind rewind(long toOffset, long now) {
        if (table == null) {
            return null;
        }
        LeaseEvent.Rewound e = new LeaseEvent.Rewound(Math.max(0, toOffset), table.head().epoch() + 1, now);
        if (!LeaseRules.apply(table, e)) {
            return null;
        }
        window.clear();
        windowBytes = 0;
        paused = false;
        nextFetch = table.head().lowWatermark();
        return new Rewind(e, ownerEpoch, new FetchStart(nextFetch, ++seekToken));
    }

    /** The low watermark of the mirror (-1 when not served here). */
    synchronized long lowWatermark() {
        return table == null ? -1 : table.head().lowWatermark();
    }

    /** Earliest future time (epoch ms) a message in the window becomes deliverable, or MAX_VALUE. */
    synchronized long nextChangeAfter(long now) {
        long next = Long.MAX_VALUE;
        if (table == null) {
            return next;
        }
        for (StoredMessage m : window.values()) {
            long t = m.deliverAt() > now ? m.deliverAt() : now;
            MessageLease l = table.get(m.offset());
            if (l != null && l.isHeldAt(now)) {
                t = Math.max(t, l.visibleAt());
            }
            if (t > now) {
                next = Math.min(next, t);
            }
        }
        return next;
    }

    /**
     * Approximate counters at {@code now}. {@code rewindFrom}: the first offset a rewind may reach
     * (-1: rewind off), for the count of deleted messages a rewind would bring back.
     */
    synchronized Counters counters(long now, long rewindFrom) {
        long held = 0;
        long delayed = 0;
        long done = 0;
        long oldest = 0;
        if (table == null) {
            return new Counters(0, 0, 0, 0, 0, 0);
        }
        for (Map.Entry<Long, MessageLease> e : table.entries().entrySet()) {
            if (e.getValue().isDone()) {
                done++;
            } else if (e.getValue().isHeldAt(now)) {
                held++;
            }
        }
        for (Iterator<StoredMessage> it = window.values().iterator(); it.hasNext();) {
            StoredMessage m = it.next();
            MessageLease l = table.get(m.offset());
            boolean leased = l != null && l.isHeldAt(now);
            if (!leased && m.deliverAt() > now) {
                delayed++;
            }
            if (!leased && m.deliverAt() <= now && oldest == 0) {
                oldest = m.enqueueTime();
            }
        }
        long low = table.head().lowWatermark();
        long backlog = Math.max(0, endOffset - low - done);
        long active = Math.max(0, backlog - held - delayed);
        long rewindable = rewindFrom < 0 ? 0 : Math.max(0, low - rewindFrom) + done;
        return new Counters(backlog, active, held, delayed, oldest, rewindable);
    }

    /** Waiting messages, counted cheaply (an upper bound): for the backlog cap. */
    synchronized long backlogUpperBound() {
        return table == null ? 0 : Math.max(0, endOffset - table.head().lowWatermark());
    }

    synchronized void noteAppended(long offset) {
        endOffset = Math.max(endOffset, offset + 1);
    }

    record Counters(long backlog, long active, long inactive, long delayed, long oldestEnqueueTime, long rewindable) {
    }
}
