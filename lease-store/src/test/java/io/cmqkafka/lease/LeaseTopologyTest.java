package io.cmqkafka.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.lease.LeaseEvent.Deleted;
import io.cmqkafka.lease.LeaseEvent.Leased;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Streams topology, driven by TopologyTestDriver: wall-clock time is advanced, never slept. */
class LeaseTopologyTest {

    static final QueuePartition QP = new QueuePartition(Uuid.randomUuid(), 2);

    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> events;
    final List<Long> barriers = new ArrayList<>();
    final List<Map<QueuePartition, LeaseTopology.LeaseCounters>> sweeps = new ArrayList<>();
    Instant start = Instant.parse("2026-01-01T00:00:00Z");

    @BeforeEach
    void setUp() throws Exception {
        LeaseStoreListener listener = new LeaseStoreListener() {
            @Override
            public void onBarrier(long token) {
                barriers.add(token);
            }

            @Override
            public void onCounters(int shard, long now, Map<QueuePartition, LeaseTopology.LeaseCounters> c) {
                sweeps.add(c);
            }
        };
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "lease-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("lease-topology").toString());
        driver = new TopologyTestDriver(LeaseTopology.build("events", listener, Duration.ofSeconds(1)), p, start);
        events = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    /** Records piped so far: the offset the next one gets. */
    long piped;

    void pipe(LeaseEvent e) {
        events.pipeInput(QP.toBytes(), LeaseCodec.encode(e));
        piped++;
    }

    /** Pipes a claim (whatever epoch it carries) and returns the owner epoch the store gives it. */
    long claim() {
        long epoch = LeaseTopology.claimEpoch(piped);
        pipe(new LeaseEvent.Claimed(0));
        return epoch;
    }

    long now() {
        return start.toEpochMilli();
    }

    @Test
    void storeFollowsTheRulesAndCountersFollowTheWallClock() {
        long t0 = now();
        pipe(new Leased(0, 0, 1, t0 + 30_000, t0));
        pipe(new Leased(1, 0, 1, t0 + 60_000, t0));
        pipe(new Leased(1, 0, 2, t0 + 90_000, t0)); // refused: offset 1 is held
        pipe(new Leased(2, 0, 1, t0 + 30_000, t0));
        pipe(new Deleted(2, 0, 1, t0 + 1_000));

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        LeaseTopology.LeaseCounters c = sweeps.get(sweeps.size() - 1).get(QP);
        assertThat(c.held).isEqualTo(2);
        assertThat(c.done).isEqualTo(1);

        // 30 s later the first lease lapsed; the second is still held.
        driver.advanceWallClockTime(Duration.ofSeconds(30));
        c = sweeps.get(sweeps.size() - 1).get(QP);
        assertThat(c.held).isEqualTo(1);
        assertThat(c.lapsed).isEqualTo(1);

        driver.advanceWallClockTime(Duration.ofSeconds(30));
        c = sweeps.get(sweeps.size() - 1).get(QP);
        assertThat(c.held).isZero();
        assertThat(c.lapsed).isEqualTo(2);

        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        MessageLease l1 = LeaseCodec.decodeLease(entries.get(Bytes.wrap(LeaseCodec.entryKey(QP.toBytes(), 1))));
        assertThat(l1.dequeueCount()).as("the refused lease changed nothing").isEqualTo(1);
    }

    MessageLease leaseAt(long offset) {
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        return LeaseCodec.decodeLease(entries.get(Bytes.wrap(LeaseCodec.entryKey(QP.toBytes(), offset))));
    }

    /**
     * Through the topology, as the store applies the log: a lease is exclusive until it lapses,
     * a lapsed message is leased again with the next dequeue count, and only the current holder's
     * delete, made while its lease is valid, applies.
     */
    @Test
    void aLapsedLeaseIsTakenAgainAndOnlyTheCurrentHolderDeletesInTime() {
        long t0 = now();
        pipe(new Leased(5, 0, 1, t0 + 30_000, t0));
        driver.advanceWallClockTime(Duration.ofSeconds(10));
        pipe(new Leased(5, 0, 2, t0 + 40_000, t0 + 10_000)); // refused: the first lease holds until t0 + 30 s
        assertThat(leaseAt(5).dequeueCount()).isEqualTo(1);
        assertThat(leaseAt(5).visibleAt()).isEqualTo(t0 + 30_000);

        driver.advanceWallClockTime(Duration.ofSeconds(21));
        pipe(new Leased(5, 0, 2, t0 + 61_000, t0 + 31_000)); // lapsed: taken again
        assertThat(leaseAt(5).dequeueCount()).isEqualTo(2);
        assertThat(leaseAt(5).firstDequeueAt()).as("first dequeue time kept").isEqualTo(t0);

        pipe(new Deleted(5, 0, 1, t0 + 32_000)); // the first holder's handle: stale, ignored
        assertThat(leaseAt(5).state()).isEqualTo(MessageLease.State.LEASED);
        pipe(new Deleted(5, 0, 2, t0 + 61_000)); // the current handle, but after its lease lapsed: ignored
        assertThat(leaseAt(5).state()).isEqualTo(MessageLease.State.LEASED);
        pipe(new Leased(5, 0, 3, t0 + 92_000, t0 + 62_000));
        pipe(new Deleted(5, 0, 3, t0 + 63_000)); // the holder, in time: deleted for good
        assertThat(leaseAt(5).state()).isEqualTo(MessageLease.State.DELETED);
        pipe(new Leased(5, 0, 4, t0 + 200_000, t0 + 100_000)); // a deleted message is never leased again
        assertThat(leaseAt(5).state()).isEqualTo(MessageLease.State.DELETED);
        assertThat(leaseAt(5).dequeueCount()).isEqualTo(3);
    }

    @Test
    void deletesFromTheWatermarkCompactTheStore() {
        long t0 = now();
        for (int o = 0; o < 3; o++) {
            pipe(new Leased(o, 0, 1, t0 + 30_000, t0));
        }
        for (int o = 0; o < 3; o++) {
            pipe(new Deleted(o, 0, 1, t0 + 1));
        }
        KeyValueStore<Bytes, byte[]> heads = driver.getKeyValueStore(LeaseTopology.HEADS_STORE);
        assertThat(LeaseCodec.decodeHead(heads.get(Bytes.wrap(QP.toBytes()))).lowWatermark()).isEqualTo(3);
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        try (var it = entries.all()) {
            assertThat(it.hasNext()).as("no state left for done messages").isFalse();
        }
    }

    /**
     * A message leased and deleted between two flushes of the store's cache leaves no trace in the store's
     * changelog (no tombstone for a key it never held); one whose lease was flushed gets its tombstone.
     */
    @Test
    void aLeaseDeletedBeforeTheCacheFlushWritesNoTombstone() {
        long t0 = now();
        // The driver flushes the cache after every input record: put and delete in one record.
        pipe(new LeaseEvent.Batch(List.of(new Leased(0, 0, 1, t0 + 30_000, t0), new Deleted(0, 0, 1, t0 + 1))));
        pipe(new Leased(1, 0, 1, t0 + 30_000, t0));
        pipe(new Deleted(1, 0, 1, t0 + 2));
        assertThat(storedHead().lowWatermark()).isEqualTo(2);
        var changelog = driver.createOutputTopic("lease-test-" + LeaseTopology.ENTRIES_STORE + "-changelog",
                new org.apache.kafka.common.serialization.BytesDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        List<Long> puts = new ArrayList<>();
        List<Long> tombstones = new ArrayList<>();
        for (var r : changelog.readRecordsToList()) {
            long offset = LeaseCodec.offsetOf(r.key().get());
            (r.value() == null ? tombstones : puts).add(offset);
        }
        assertThat(puts).containsExactly(1L);
        assertThat(tombstones).containsExactly(1L);
        // Offset 0 was never written below the cache: the flush learnt that without reading RocksDB. Offset 1
        // was, so its delete had to be looked up and written (the tombstone above).
        FreshEntryStore fresh = FreshEntryStore.under(driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE));
        assertThat(fresh).as("the entries store has the fresh-key layer").isNotNull();
        assertThat(fresh.readsSaved()).isEqualTo(1);
        assertThat(fresh.freshCount()).isZero();
    }

    void pipeAs(long ownerEpoch, LeaseEvent e) {
        org.apache.kafka.common.header.internals.RecordHeaders h = new org.apache.kafka.common.header.internals.RecordHeaders();
        h.add(LeaseTopology.OWNER_EPOCH_HEADER, java.nio.ByteBuffer.allocate(8).putLong(ownerEpoch).array());
        events.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(QP.toBytes(), LeaseCodec.encode(e), h));
        piped++;
    }

    @Test
    void eventsOfAnOwnerThatLostThePartitionAreIgnored() {
        long t0 = now();
        long first = claim();
        assertThat(first).as("a claim at offset 0 is still above the epoch of an unclaimed partition").isEqualTo(1);
        pipeAs(first, new Leased(0, 0, 1, t0 + 30_000, t0));
        long second = claim(); // a new owner took over
        pipeAs(first, new Deleted(0, 0, 1, t0 + 1)); // the old owner, too late: ignored
        pipeAs(first, new Leased(1, 0, 1, t0 + 30_000, t0)); // ignored
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        MessageLease l0 = LeaseCodec.decodeLease(entries.get(Bytes.wrap(LeaseCodec.entryKey(QP.toBytes(), 0))));
        assertThat(l0.state()).isEqualTo(MessageLease.State.LEASED);
        assertThat(entries.get(Bytes.wrap(LeaseCodec.entryKey(QP.toBytes(), 1)))).isNull();
        pipeAs(second, new Deleted(0, 0, 1, t0 + 2)); // the current owner's delete applies
        KeyValueStore<Bytes, byte[]> heads = driver.getKeyValueStore(LeaseTopology.HEADS_STORE);
        PartitionHead head = LeaseCodec.decodeHead(heads.get(Bytes.wrap(QP.toBytes())));
        assertThat(head.lowWatermark()).isEqualTo(1);
        assertThat(head.ownerEpoch()).as("the offset of the second claim, plus one").isEqualTo(LeaseTopology.claimEpoch(2));
        pipeAs(first, new LeaseEvent.Claimed(1_000_000)); // a claim's own value is not its epoch
        assertThat(LeaseCodec.decodeHead(heads.get(Bytes.wrap(QP.toBytes()))).ownerEpoch())
                .isEqualTo(LeaseTopology.claimEpoch(piped - 1));
    }

    @Test
    void barriersAndDroppedQueues() {
        long t0 = now();
        pipe(new Leased(0, 0, 1, t0 + 30_000, t0));
        pipe(new LeaseEvent.Barrier(42));
        assertThat(barriers).containsExactly(42L);
        pipe(new LeaseEvent.Dropped());
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        try (var it = entries.all()) {
            assertThat(it.hasNext()).isFalse();
        }
        // Garbage on the log is skipped, not fatal.
        events.pipeInput(new byte[] {1, 2}, new byte[] {9, 9});
        events.pipeInput(QP.toBytes(), new byte[] {1, 99});
        pipe(new LeaseEvent.Barrier(43));
        assertThat(barriers).containsExactly(42L, 43L);
    }

    MessageLease storedLease(long offset) {
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        byte[] v = entries.get(Bytes.wrap(LeaseCodec.entryKey(QP.toBytes(), offset)));
        return v == null ? null : LeaseCodec.decodeLease(v);
    }

    PartitionHead storedHead() {
        KeyValueStore<Bytes, byte[]> heads = driver.getKeyValueStore(LeaseTopology.HEADS_STORE);
        return LeaseCodec.decodeHead(heads.get(Bytes.wrap(QP.toBytes())));
    }

    @Test
    void deadLettersAndRewindsInTheStore() {
        long t0 = now();
        pipe(new Leased(0, 0, 1, t0 + 10_000, t0));
        pipe(new Leased(1, 0, 1, t0 + 10_000, t0));
        pipe(new Leased(2, 0, 1, t0 + 90_000, t0));
        pipe(new LeaseEvent.DeadLettered(1, 0, 1, t0 + 5_000)); // still held: refused
        assertThat(storedLease(1).state()).isEqualTo(MessageLease.State.LEASED);
        pipe(new LeaseEvent.DeadLettered(1, 0, 1, t0 + 10_000)); // lapsed: moved
        assertThat(storedLease(1).state()).isEqualTo(MessageLease.State.DEAD_LETTERED);
        pipe(new Deleted(0, 0, 1, t0 + 1));
        assertThat(storedHead().lowWatermark()).as("over the deleted and the dead-lettered").isEqualTo(2);

        // Rewind to 0 at t0 + 20 s: 0 and 1 come back, the lease on 2 (until t0 + 90 s) is kept.
        pipe(new LeaseEvent.Rewound(0, 1, t0 + 20_000));
        assertThat(storedHead().lowWatermark()).isZero();
        assertThat(storedHead().epoch()).isEqualTo(1);
        assertThat(storedLease(0)).isNull();
        assertThat(storedLease(1)).isNull();
        assertThat(storedLease(2).isHeldAt(t0 + 20_000)).isTrue();
        pipe(new Deleted(2, 0, 1, t0 + 21_000)); // its holder's handle still works
        assertThat(storedLease(2).state()).isEqualTo(MessageLease.State.DELETED);
    }

    @Test
    void batchesApplyInTheStoreAndFollowTheOwnerEpoch() {
        long t0 = now();
        long first = claim();
        pipeAs(first, new LeaseEvent.Batch(List.of(new Leased(0, 0, 1, t0 + 30_000, t0), new Leased(1, 0, 1, t0 + 30_000, t0),
                new Leased(2, 0, 1, t0 + 30_000, t0))));
        assertThat(storedLease(2).isHeldAt(t0 + 1)).isTrue();
        pipeAs(first, new LeaseEvent.Batch(List.of(new Deleted(0, 0, 1, t0 + 1), new Deleted(1, 0, 1, t0 + 1))));
        assertThat(storedHead().lowWatermark()).isEqualTo(2);
        long second = claim();
        pipeAs(first, new LeaseEvent.Batch(List.of(new Deleted(2, 0, 1, t0 + 2)))); // the old owner: ignored
        assertThat(storedLease(2).state()).isEqualTo(MessageLease.State.LEASED);
        pipeAs(second, new LeaseEvent.Batch(List.of(new Deleted(2, 0, 1, t0 + 3))));
        assertThat(storedHead().lowWatermark()).isEqualTo(3);
    }

    /**
     * A table of a partition that the processor has not touched since it started (a restored store)
     * finds the entries that are there: the bound it keeps to skip lookups of fresh offsets starts
     * from the store's highest entry.
     */
    @Test
    void aFreshTableSeesTheEntriesAlreadyInTheStore() {
        long t0 = now();
        pipe(new Leased(3, 0, 1, t0 + 30_000, t0));
        pipe(new Leased(7, 0, 1, t0 + 30_000, t0));
        KeyValueStore<Bytes, byte[]> heads = driver.getKeyValueStore(LeaseTopology.HEADS_STORE);
        KeyValueStore<Bytes, byte[]> entries = driver.getKeyValueStore(LeaseTopology.ENTRIES_STORE);
        StoreLeaseTable fresh = new StoreLeaseTable(heads, entries, QP.toBytes());
        assertThat(fresh.get(7)).isNotNull();
        assertThat(fresh.get(3)).isNotNull();
        assertThat(fresh.get(8)).isNull();
        fresh.put(9, fresh.get(7));
        assertThat(fresh.get(9)).as("above the old bound, written since").isNotNull();
        pipe(new Leased(7, 0, 2, t0 + 60_000, t0 + 1)); // refused: 7 is held (the processor saw it)
        assertThat(storedLease(7).dequeueCount()).isEqualTo(1);
    }
}
