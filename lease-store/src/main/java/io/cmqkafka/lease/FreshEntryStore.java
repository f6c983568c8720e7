package io.cmqkafka.lease;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The persistent store of message entries, below Kafka's cache and changelog layers, that knows
 * which keys it does not hold without reading RocksDB.
 *
 * <p>Why: at each commit the cache flushes a key deleted since the last flush only after looking it
 * up in the store underneath ({@link LeaseTopology#skipDeletesOfAbsentKeys}), and in the full cycle
 * nearly every message is leased and deleted within one commit interval, so nearly every lookup
 * misses. A RocksDB read that misses is expensive here: the RocksDB Java binding reports "not found"
 * with a C++ exception, and the unwinding was 28 % of the stream thread's CPU (issue 7).
 *
 * <p>The processor {@linkplain #markFresh marks} a key when it creates an entry above its
 * partition's highest one ({@link StoreLeaseTable}): the key is then in neither the cache nor
 * RocksDB. A marked key is unmarked before anything writes it through this store, so while
 * marked it is certainly not in RocksDB, and {@link #get} answers {@code null} without a read.
 * Restoration writes to RocksDB without passing through here; marks are dropped whenever the store
 * is initialised or closed, and the processor marks only while processing, after restoration.
 */
final class FreshEntryStore extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
        implements KeyValueStore<Bytes, byte[]> {

    /** Keys created since they were last written here; read by interactive queries on other threads too. */
    private final Set<Bytes> fresh = ConcurrentHashMap.newKeySet();
    /** Lookups answered from the marks, without a read of the store underneath (tests). */
    private final java.util.concurrent.atomic.LongAdder readsSaved = new java.util.concurrent.atomic.LongAdder();

    FreshEntryStore(KeyValueStore<Bytes, byte[]> inner) {
        super(inner);
    }

    /** A supplier of this store around {@code inner}'s stores. */
    static KeyValueBytesStoreSupplier supplier(KeyValueBytesStoreSupplier inner) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new FreshEntryStore(inner.get());
            }

            @Override
            public String metricsScope() {
                return inner.metricsScope();
            }
        };
    }

    /** The store of this kind under {@code store}'s layers, or null when there is none. */
    static FreshEntryStore under(StateStore store) {
        if (store instanceof FreshEntryStore f) {
            return f;
        }
        return store instanceof WrappedStateStore<?, ?, ?> w ? w.findInner(FreshEntryStore.class) : null;
    }

    /** {@code key} is in neither the cache above nor this store: the caller has just established it. */
    void markFresh(Bytes key) {
        fresh.add(key);
    }

    /** How many keys are marked (tests). */
    int freshCount() {
        return fresh.size();
    }

    /** How many lookups were answered without a read of the store underneath (tests). */
    long readsSaved() {
        return readsSaved.sum();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        fresh.clear();
        super.init(context, root);
    }

    @Override
    public void close() {
        fresh.clear();
        super.close();
    }

    @Override
    public byte[] get(Bytes key) {
        if (fresh.remove(key)) {
            readsSaved.increment();
            return null;
        }
        return wrapped().get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        fresh.remove(key); // before the write: a marked key is never in RocksDB
        wrapped().put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        fresh.remove(key);
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> e : entries) {
            fresh.remove(e.key);
        }
        wrapped().putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        fresh.remove(key);
        return wrapped().delete(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <PS extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(
            P prefix, PS prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }
}
