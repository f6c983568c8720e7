package io.cmqkafka.adapter.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A queue known to this instance: one dispatcher per partition (active only for the partitions
 * whose lease shard this instance owns), the receives waiting here, and the peers waiting for
 * messages on this instance's partitions.
 */
final class ActiveQueue {

    /**
     * A receive waiting for messages. Whoever removes it from the queue (a local serve, a remote
     * pull, the timeout) is the only one that may answer it, so it never gets two sets of leases.
     */
    static final class Waiter {
        final int max;
        final long visibilityMillis;
        final long deadline;
        final CompletableFuture<List<PartitionDispatcher.Grant>> local = new CompletableFuture<>();
        final CompletableFuture<List<ReceivedMessage>> remote = new CompletableFuture<>();
        ScheduledFuture<?> timeout;

        Waiter(int max, long visibilityMillis, long deadline) {
            this.max = max;
            this.visibilityMillis = visibilityMillis;
            this.deadline = deadline;
        }
    }

    /** A peer waiting until one of {@code partitions} has a deliverable message. */
    static final class Watcher {
        final List<Integer> partitions;
        final CompletableFuture<Boolean> available = new CompletableFuture<>();

        Watcher(List<Integer> partitions) {
            this.partitions = partitions;
        }
    }

    final String queueId;
    final String topic;
    final int queueTag;
    final PartitionDispatcher[] partitions;
    private final LinkedList<Waiter> waiters = new LinkedList<>();
    private final List<Watcher> watchers = new ArrayList<>();
    private int nextPartition;
    private final AtomicInteger sendCounter = new AtomicInteger();
    private ScheduledFuture<?> wakeUp;
    private long wakeUpAt = Long.MAX_VALUE;
    /** From the queue's settings; refreshed whenever the engine looks the queue up. */
    volatile DispatchRules rules = DispatchRules.NONE;

    ActiveQueue(String queueId, String topic, PartitionDispatcher[] partitions) {
        this.queueId = queueId;
        this.topic = topic;
        this.queueTag = ReceiptHandle.tagOf(queueId);
        this.partitions = partitions;
    }

    int nextSendPartition() {
        return Math.floorMod(sendCounter.getAndIncrement(), partitions.length);
    }

    /** Leases up to {@code max} messages over the given partitions (null: all), rotating the start. */
    synchronized List<PartitionDispatcher.Grant> take(int max, long now, long visibleAt, List<Integer> only) {
        List<PartitionDispatcher.Grant> out = new ArrayList<>();
        int n = partitions.length;
        int start = nextPartition++ % n;
        for (int i = 0; i < n && out.size() < max; i++) {
            int p = (start + i) % n;
            if (only == null || only.contains(p)) {
                out.addAll(partitions[p].take(max - out.size(), now, visibleAt, rules));
            }
        }
        return out;
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
        return !waiters.isEmpty() || !watchers.isEmpty();
    }

    synchronized void addWatcher(Watcher w) {
        watchers.add(w);
    }

    synchronized void removeWatcher(Watcher w) {
        watchers.remove(w);
    }

    /** Serves waiting receives in arrival order while messages are deliverable, then tells peers. */
    synchronized void serveWaiters(long now) {
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter w = it.next();
            List<PartitionDispatcher.Grant> g = take(w.max, now, now + w.visibilityMillis, null);
            if (g.isEmpty()) {
                break;
            }
            it.remove();
            if (w.timeout != null) {
                w.timeout.cancel(false);
            }
            w.local.complete(g);
        }
        for (Iterator<Watcher> it = watchers.iterator(); it.hasNext();) {
            Watcher w = it.next();
            for (int p : w.partitions) {
                if (p < partitions.length && partitions[p].hasDeliverable(now, rules.ordered())) {
                    it.remove();
                    w.available.complete(true);
                    break;
                }
            }
        }
    }

    /** Answers every waiting receive with nothing (the queue is gone or its ownership moved). */
    synchronized void releaseWaiters() {
        for (Waiter w : waiters) {
            if (w.timeout != null) {
                w.timeout.cancel(false);
            }
            w.local.complete(List.of());
        }
        waiters.clear();
        for (Watcher w : watchers) {
            w.available.complete(false);
        }
        watchers.clear();
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
