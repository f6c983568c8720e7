package io.cmqkafka.lease;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** One queue partition's view of the two Streams stores: heads and per-message entries. */
final class StoreLeaseTable implements LeaseTable {

    private final KeyValueStore<Bytes, byte[]> heads;
    private final KeyValueStore<Bytes, byte[]> entries;
    private final byte[] partitionKey;
    /**
     * {@code [0]}: no entry of this partition lies above this offset ({@link #UNKNOWN}: not looked up
     * yet), shared by the tables of one partition in one task. A receive leases fresh offsets above
     * every entry, and a store lookup of a key that is not there costs a RocksDB read (6 % of the
     * service's CPU in the full cycle); with the bound such lookups need no read.
     */
    private final long[] maxEntryOffset;
    static final long UNKNOWN = Long.MIN_VALUE;
    /** Told of every entry created above the bound (so in no layer of the store yet); null: nobody. */
    private final FreshEntryStore freshEntries;

    StoreLeaseTable(KeyValueStore<Bytes, byte[]> heads, KeyValueStore<Bytes, byte[]> entries, byte[] partitionKey) {
        this(heads, entries, partitionKey, new long[] {UNKNOWN}, null);
    }

    StoreLeaseTable(KeyValueStore<Bytes, byte[]> heads, KeyValueStore<Bytes, byte[]> entries, byte[] partitionKey,
            long[] maxEntryOffset, FreshEntryStore freshEntries) {
        this.heads = heads;
        this.entries = entries;
        this.partitionKey = partitionKey;
        this.maxEntryOffset = maxEntryOffset;
        this.freshEntries = freshEntries;
    }

    private long maxEntryOffset() {
        if (maxEntryOffset[0] == UNKNOWN) {
            long max = -1;
            try (KeyValueIterator<Bytes, byte[]> it = entries.reverseRange(key(0), key(Long.MAX_VALUE - 1))) {
                if (it.hasNext()) {
                    max = LeaseCodec.offsetOf(it.next().key.get());
                }
            }
            maxEntryOffset[0] = max;
        }
        return maxEntryOffset[0];
    }

    @Override
    public PartitionHead head() {
        byte[] v = heads.get(Bytes.wrap(partitionKey));
        return v == null ? PartitionHead.INITIAL : LeaseCodec.decodeHead(v);
    }

    @Override
    public void putHead(PartitionHead head) {
        heads.put(Bytes.wrap(partitionKey), LeaseCodec.encode(head));
    }

    @Override
    public MessageLease get(long offset) {
        if (offset > maxEntryOffset()) {
            return null;
        }
        byte[] v = entries.get(key(offset));
        return v == null ? null : LeaseCodec.decodeLease(v);
    }

    @Override
    public void put(long offset, MessageLease lease) {
        Bytes key = key(offset);
        if (offset > maxEntryOffset()) {
            maxEntryOffset[0] = offset;
            if (freshEntries != null) {
                freshEntries.markFresh(key);
            }
        }
        entries.put(key, LeaseCodec.encode(lease));
    }

    @Override
    public void remove(long offset) {
        entries.delete(key(offset));
    }

    @Override
    public void removeRange(long from, long to) {
        List<Bytes> doomed = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = range(from, to)) {
            it.forEachRemaining(kv -> doomed.add(kv.key));
        }
        doomed.forEach(entries::delete);
    }

    @Override
    public void forEach(long from, long to, BiConsumer<Long, MessageLease> visitor) {
        try (KeyValueIterator<Bytes, byte[]> it = range(from, to)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                visitor.accept(LeaseCodec.offsetOf(kv.key.get()), LeaseCodec.decodeLease(kv.value));
            }
        }
    }

    @Override
    public void clear() {
        removeRange(0, Long.MAX_VALUE);
        heads.delete(Bytes.wrap(partitionKey));
    }

    private KeyValueIterator<Bytes, byte[]> range(long from, long to) {
        // range() is inclusive at both ends; offsets are never Long.MAX_VALUE.
        return entries.range(key(from), key(to - 1));
    }

    private Bytes key(long offset) {
        return Bytes.wrap(LeaseCodec.entryKey(partitionKey, offset));
    }
}
