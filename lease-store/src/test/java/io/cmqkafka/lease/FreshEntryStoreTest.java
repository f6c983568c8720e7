package io.cmqkafka.lease;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

/** A marked key is answered as absent without a read, and any write through the store unmarks it first. */
class FreshEntryStoreTest {

    static final Bytes K = Bytes.wrap(new byte[] {1, 2, 3});

    final KeyValueStore<Bytes, byte[]> inner = Stores.inMemoryKeyValueStore("entries").get();
    final AtomicInteger innerReads = new AtomicInteger();
    final FreshEntryStore store = new FreshEntryStore(new ReadCounting(inner, innerReads));

    @Test
    void aMarkedKeyIsAbsentWithoutARead() {
        store.markFresh(K);
        assertThat(store.get(K)).isNull();
        assertThat(innerReads.get()).isZero();
        assertThat(store.readsSaved()).isEqualTo(1);
        // The mark is spent: a second lookup reads.
        assertThat(store.get(K)).isNull();
        assertThat(innerReads.get()).isEqualTo(1);
    }

    @Test
    void everyWriteUnmarksBeforeItReachesTheStore() {
        byte[] v = {9};
        store.markFresh(K);
        store.put(K, v);
        assertThat(store.get(K)).isEqualTo(v);

        Bytes k2 = Bytes.wrap(new byte[] {4});
        store.markFresh(k2);
        store.putAll(List.of(KeyValue.pair(k2, v)));
        assertThat(store.get(k2)).isEqualTo(v);

        Bytes k3 = Bytes.wrap(new byte[] {5});
        store.markFresh(k3);
        store.putIfAbsent(k3, v);
        assertThat(store.get(k3)).isEqualTo(v);

        store.markFresh(K);
        store.delete(K);
        assertThat(store.freshCount()).isZero();
        assertThat(store.readsSaved()).isZero();
    }

    @Test
    void closingDropsTheMarks() {
        store.markFresh(K);
        store.close();
        assertThat(store.freshCount()).isZero();
    }

    /** A store underneath that counts its reads; everything else goes straight through. */
    static final class ReadCounting extends WrappedStateStore<KeyValueStore<Bytes, byte[]>, Bytes, byte[]>
            implements KeyValueStore<Bytes, byte[]> {
        private final AtomicInteger reads;

        ReadCounting(KeyValueStore<Bytes, byte[]> inner, AtomicInteger reads) {
            super(inner);
            this.reads = reads;
        }

        @Override
        public byte[] get(Bytes key) {
            reads.incrementAndGet();
            return wrapped().get(key);
        }

        @Override
        public void put(Bytes key, byte[] value) {
            wrapped().put(key, value);
        }

        @Override
        public byte[] putIfAbsent(Bytes key, byte[] value) {
            return wrapped().putIfAbsent(key, value);
        }

        @Override
        public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
            wrapped().putAll(entries);
        }

        @Override
        public byte[] delete(Bytes key) {
            return wrapped().delete(key);
        }

        @Override
        public org.apache.kafka.streams.state.KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
            return wrapped().range(from, to);
        }

        @Override
        public org.apache.kafka.streams.state.KeyValueIterator<Bytes, byte[]> all() {
            return wrapped().all();
        }

        @Override
        public long approximateNumEntries() {
            return wrapped().approximateNumEntries();
        }
    }
}
