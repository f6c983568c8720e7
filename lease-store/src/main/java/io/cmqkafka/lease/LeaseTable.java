package io.cmqkafka.lease;

import java.util.function.BiConsumer;

/**
 * The state of one queue partition, as {@link LeaseRules} sees it. Two implementations share the
 * rules: {@link InMemoryLeaseTable} (the dispatcher's mirror) and the Kafka Streams store.
 */
public interface LeaseTable {

    PartitionHead head();

    void putHead(PartitionHead head);

    /** The entry at {@code offset}, or null if the message is untouched. */
    MessageLease get(long offset);

    void put(long offset, MessageLease lease);

    void remove(long offset);

    /** Removes every entry with {@code from <= offset < to}. */
    void removeRange(long from, long to);

    /** Visits entries with {@code from <= offset < to} in offset order. */
    void forEach(long from, long to, BiConsumer<Long, MessageLease> visitor);

    /** Drops the head and all entries. */
    void clear();
}
