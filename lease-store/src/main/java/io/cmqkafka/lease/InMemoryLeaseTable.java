package io.cmqkafka.lease;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/** The dispatcher's mirror of one partition's lease state. Not thread-safe: callers lock. */
public final class InMemoryLeaseTable implements LeaseTable {

    private PartitionHead head = PartitionHead.INITIAL;
    private final TreeMap<Long, MessageLease> entries = new TreeMap<>();

    @Override
    public PartitionHead head() {
        return head;
    }

    @Override
    public void putHead(PartitionHead head) {
        this.head = head;
    }

    @Override
    public MessageLease get(long offset) {
        return entries.get(offset);
    }

    @Override
    public void put(long offset, MessageLease lease) {
        entries.put(offset, lease);
    }

    @Override
    public void remove(long offset) {
        entries.remove(offset);
    }

    @Override
    public void removeRange(long from, long to) {
        entries.subMap(from, to).clear();
    }

    @Override
    public void forEach(long from, long to, BiConsumer<Long, MessageLease> visitor) {
        for (Map.Entry<Long, MessageLease> e : entries.subMap(from, to).entrySet()) {
            visitor.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public void clear() {
        head = PartitionHead.INITIAL;
        entries.clear();
    }

    public int size() {
        return entries.size();
    }

    /** The offsets with entries, in order (for the dispatcher's window). */
    public java.util.NavigableMap<Long, MessageLease> entries() {
        return java.util.Collections.unmodifiableNavigableMap(entries);
    }
}
