package io.cmqkafka.adapter.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * A queue whose partitions are being dispatched on this instance, with its waiting long polls.
 */
final class ActiveQueue {

    /** A receive waiting for messages. Guarded by the ActiveQueue's lock. */
    static final class Waiter {
        final int max;
        final long visibilityMillis;
        final long deadline;
        final CompletableFuture<List<PartitionDispatcher.Grant>> result = new CompletableFuture<>();
        ScheduledFuture<?> timeout;

        Waiter(int max, long visibilityMillis, long deadline) {
            this.max = max;
            this.visibilityMillis = visibilityMillis;
            this.deadline = deadline;
        }
    }

    final String queueId;
    final int queueTag;
    final PartitionDispatcher[] partitions;
    final CompletableFuture<Void> activated = new CompletableFuture<>();
    private final LinkedList<Waiter> waiters = new LinkedList<>();
    private int nextPartition;
    private final java.util.concurrent.atomic.AtomicInteger sendCounter = new java.util.concurrent.atomic.AtomicInteger();
    private ScheduledFuture<?> wakeUp;
    private long wakeUpAt = Long.MAX_VALUE;

    ActiveQueue(String queueId, PartitionDispatcher[] partitions) {
        this.queueId = queueId;
        this.queueTag = ReceiptHandle.tagOf(queueId);
        this.partitions = partitions;
    }

    /** Leases up to {@code max} messages over all partitions, starting at a rotating partition. */
    synchronized List<PartitionDispatcher.Grant> take(int max, long now, long visibleAt) {
        List<PartitionDispatcher.Grant> out = new ArrayList<>();
        int n = partitions.length;
        int start = nextPartition++ % n;
        for (int i = 0; i < n && out.size() < max; i++) {
            out.addAll(partitions[(start + i) % n].take(max - out.size(), now, visibleAt));
        }
        return out;
    }

    int nextSendPartition() {
        return Math.floorMod(sendCounter.getAndIncrement(), partitions.length);
    }

    boolean blockedByInflight() {
        for (PartitionDispatcher d : partitions) {
            if (d.isBlockedByInflight()) {
                return true;
            }
        }
        return false;
    }

    long nextChangeAfter(long now) {
        long next = Long.MAX_VALUE;
        for (PartitionDispatcher d : partitions) {
            next = Math.min(next, d.nextChangeAfter(now));
        }
        return next;
    }

    synchronized void addWaiter(Waiter w) {
        waiters.add(w);
    }

    synchronized boolean removeWaiter(Waiter w) {
        return waiters.remove(w);
    }

    synchronized boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** Serves waiting receives in arrival order while messages are deliverable. */
    synchronized void serveWaiters(long now) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            List<PartitionDispatcher.Grant> g = take(w.max, now, now + w.visibilityMillis);
            if (g.isEmpty()) {
                return;
            }
            it.remove();
            if (w.timeout != null) {
                w.timeout.cancel(false);
            }
            w.result.complete(g);
        }
    }

    synchronized List<Waiter> drainWaiters() {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        return all;
    }

    /** Keeps one timer for the earliest lease lapse or delay maturity while receives wait. */
    synchronized boolean needsWakeUpAt(long at) {
        if (at >= wakeUpAt && wakeUp != null && !wakeUp.isDone()) {
            return false;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        wakeUpAt = at;
        return true;
    }

    synchronized void setWakeUp(ScheduledFuture<?> f) {
        wakeUp = f;
    }

    synchronized void clearWakeUp() {
        wakeUpAt = Long.MAX_VALUE;
        wakeUp = null;
    }
}
