package io.cmqkafka.lease;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams topology of the lease store: the lease log applied, by {@link LeaseRules},
 * to two persistent stores (partition heads, message entries) whose changelogs make them
 * survive any instance. A wall-clock punctuation publishes per-partition counters.
 */
public final class LeaseTopology {

    public static final String HEADS_STORE = "cmq-partition-heads";
    public static final String ENTRIES_STORE = "cmq-message-leases";
    static final String SOURCE = "lease-events";
    static final String PROCESSOR = "apply-lease-events";
    /** Record header with the writing dispatcher's owner epoch (8 bytes, big-endian). */
    public static final String OWNER_EPOCH_HEADER = "cmq.owner-epoch";

    /**
     * The owner epoch of a claim written at {@code offset} of the lease log: above every earlier
     * claim's, and above 0 (the epoch of a partition never claimed) even at offset 0.
     */
    public static long claimEpoch(long offset) {
        return offset + 1;
    }

    /** The owner epoch a record was written under; -1: none (an event that needs no owner). */
    public static long ownerEpochOf(org.apache.kafka.common.header.Headers headers) {
        org.apache.kafka.common.header.Header h = headers.lastHeader(OWNER_EPOCH_HEADER);
        return h != null && h.value() != null && h.value().length == 8 ? java.nio.ByteBuffer.wrap(h.value()).getLong() : -1;
    }

    private LeaseTopology() {
    }

    /**
     * @param eventTopic    the lease log
     * @param listener      told about barriers and counters; called on stream threads
     * @param sweepInterval how often (wall clock) counters are recomputed
     */
    public static Topology build(String eventTopic, LeaseStoreListener listener, Duration sweepInterval) {
        Topology t = new Topology();
        t.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), eventTopic);
        t.addProcessor(PROCESSOR, () -> new ApplyProcessor(listener, sweepInterval), SOURCE);
        // Cached: a partition head is written once per commit, not once per event, and a message leased
        // and deleted within one commit interval writes nothing to the store or its changelog (see
        // skipDeletesOfAbsentKeys). Reads (the processor, interactive queries by LeaseStore.load) go through
        // the cache; a crash loses only uncommitted cache content, which exactly-once processing replays.
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEADS_STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        t.addStateStore(Stores.keyValueStoreBuilder(
                FreshEntryStore.supplier(Stores.persistentKeyValueStore(ENTRIES_STORE)),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingEnabled(), PROCESSOR);
        return t;
    }

    /**
     * A caching store flushes a deleted key as a delete of the underlying store and a changelog
     * tombstone, even when the key was put and deleted since the last flush and the store never held
     * it: one tombstone per message in the full cycle (as many changelog records as messages, issue 7).
     * With a flush listener set, Kafka's caching store first looks the key up and skips that write (the
     * optimisation its KTables use): the store and its changelog never held the key. The listener
     * itself has nothing to do. That lookup misses for nearly every such key, and a miss is an expensive
     * RocksDB read, so the entries store answers it from memory ({@link FreshEntryStore}). Kafka's internal
     * {@code CachedStateStore} is the only way to set the listener (the store a processor gets delegates it
     * to the caching layer); a store that is not one is left as it is.
     */
    @SuppressWarnings("unchecked")
    static <S extends org.apache.kafka.streams.processor.StateStore> S skipDeletesOfAbsentKeys(S store) {
        if (store instanceof org.apache.kafka.streams.state.internals.CachedStateStore<?, ?> cached) {
            ((org.apache.kafka.streams.state.internals.CachedStateStore<Object, Object>) cached)
                    .setFlushListener(record -> { }, false);
        }
        return store;
    }

    static final class ApplyProcessor implements Processor<byte[], byte[], Void, Void> {
        private static final Logger LOG = LoggerFactory.getLogger(ApplyProcessor.class);

        private final LeaseStoreListener listener;
        private final Duration sweepInterval;
        private KeyValueStore<Bytes, byte[]> heads;
        private KeyValueStore<Bytes, byte[]> entries;
        private FreshEntryStore freshEntries;
        private ProcessorContext<Void, Void> context;
        /** Per queue partition of this task: see {@link StoreLeaseTable}; only this processor writes the store. */
        private final java.util.Map<Bytes, long[]> maxEntryOffsets = new java.util.HashMap<>();

        ApplyProcessor(LeaseStoreListener listener, Duration sweepInterval) {
            this.listener = listener;
            this.sweepInterval = sweepInterval;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.heads = skipDeletesOfAbsentKeys(context.getStateStore(HEADS_STORE));
            this.entries = skipDeletesOfAbsentKeys(context.getStateStore(ENTRIES_STORE));
            this.freshEntries = FreshEntryStore.under(entries);
            // init runs again when Streams revives this task after an error and restores its store from the
            // changelog: look the bounds up again rather than trust the ones of the task's earlier life.
            maxEntryOffsets.clear();
            context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
            listener.onShardActive(context.taskId().partition());
        }

        @Override
        public void close() {
            listener.onShardRevoked(context.taskId().partition());
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            if (record.key() == null || record.key().length != QueuePartition.KEY_BYTES || record.value() == null) {
                LOG.warn("skipping malformed lease event");
                return;
            }
            LeaseEvent event;
            try {
                event = LeaseCodec.decodeEvent(record.value());
            } catch (RuntimeException e) {
                LOG.warn("skipping undecodable lease event: {}", e.getMessage());
                return;
            }
            if (event instanceof LeaseEvent.Barrier b) {
                listener.onBarrier(b.token());
                return;
            }
            StoreLeaseTable table = new StoreLeaseTable(heads, entries, record.key(),
                    maxEntryOffsets.computeIfAbsent(Bytes.wrap(record.key()), k -> new long[] {StoreLeaseTable.UNKNOWN}),
                    freshEntries);
            if (event instanceof LeaseEvent.Claimed) {
                // A claim's owner epoch is its own offset in the log: later claims always win, and the
                // claiming dispatcher learns its epoch from the append's acknowledgement.
                long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
                LeaseRules.apply(table, new LeaseEvent.Claimed(claimEpoch(offset)));
                return;
            }
            long epoch = ownerEpochOf(record.headers());
            if (epoch >= 0 && epoch < table.head().ownerEpoch()) {
                return; // written by a dispatcher that has since lost the partition (ClaimWatcher refuses it too)
            }
            LeaseRules.apply(table, event);
            if (event instanceof LeaseEvent.Dropped) {
                // The queue is gone and its entries with it: without this, every queue partition ever deleted
                // would keep its bound for the task's lifetime (a later table looks the bound up again).
                maxEntryOffsets.remove(Bytes.wrap(record.key()));
            }
        }

        /** Recomputes, for every partition of this shard, how many leases are held now. */
        private void sweep(long now) {
            int shard = context.taskId().partition();
            java.util.Map<QueuePartition, LeaseCounters> counters = new java.util.HashMap<>();
            try (KeyValueIterator<Bytes, byte[]> it = entries.all()) {
                while (it.hasNext()) {
                    var kv = it.next();
                    byte[] k = kv.key.get();
                    QueuePartition qp = QueuePartition.fromBytes(java.util.Arrays.copyOf(k, QueuePartition.KEY_BYTES));
                    MessageLease l = LeaseCodec.decodeLease(kv.value);
                    LeaseCounters c = counters.computeIfAbsent(qp, x -> new LeaseCounters());
                    if (l.isHeldAt(now)) {
                        c.held++;
                    } else if (l.isDone()) {
                        c.done++;
                    } else {
                        c.lapsed++;
                    }
                }
            }
            listener.onCounters(shard, now, counters);
        }
    }

    /** Per-partition counters from the last sweep. */
    public static final class LeaseCounters {
        /** Leases running at sweep time (CMQ's inactive messages). */
        public long held;
        /** Leases that lapsed: the messages are deliverable again. */
        public long lapsed;
        /** Deleted or dead-lettered above the low watermark. */
        public long done;
    }
}
