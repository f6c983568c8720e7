package io.cmqkafka.lease;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing of lease writers by the lease log itself: tells whether an event this instance appended
 * was written while its dispatcher still held the partition, i.e. no later owner's claim of the
 * partition comes before it in the log. The request that decided the event is answered only then.
 *
 * <p>Why this is enough: a dispatcher's owner epoch comes from the log offset of its {@link
 * LeaseEvent.Claimed} record ({@link LeaseTopology#claimEpoch}), and the store ignores an event whose epoch is older than the
 * partition's latest claim (the {@link LeaseTopology} processor). A new owner claims, then waits
 * until the store has applied its claim and loads the state. So an event of the old owner that comes
 * before the claim is in the state the new owner loads; one that comes after is ignored by every
 * store, and this watcher, reading the same log in the same order, refuses it, so its request fails
 * instead of being acknowledged. An owner that lost a partition without noticing (cut off from the
 * group coordinator, a long pause) can therefore never get a lease or a delete acknowledged that the
 * next owner does not honour.
 *
 * <p>It replaces one Kafka transaction per group of events (session 3 to 5): the same guarantee for
 * one fetch response, which a tailing consumer gets anyway, instead of four broker round trips and
 * three transaction-log writes.
 */
public final class ClaimWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimWatcher.class);
    /** Header on every owner event this instance appends: its writer id (8 bytes, big-endian). */
    public static final String WRITER_HEADER = "cmq.writer";

    /** Thrown into the futures of events a later owner's claim came before. */
    public static final class NotOwnerException extends KafkaException {
        public NotOwnerException(String message) {
            super(message);
        }
    }

    /** What the tail knows of one shard (one lease-log partition). Guarded by itself. */
    private static final class Shard {
        /** The next offset the tail reads: every record below it has been looked at. */
        long position = -1;
        /** The owner epoch of the latest claim of each queue partition, as the tail read it. */
        final Map<QueuePartition, Long> latestClaim = new HashMap<>();
        /** Events Kafka acknowledged that the tail has not reached yet, by offset. */
        final TreeMap<Long, CompletableFuture<Void>> waiting = new TreeMap<>();
        /** Decisions on our events the tail reached before their acknowledgement arrived. */
        final TreeMap<Long, Boolean> decided = new TreeMap<>();
    }

    private final String topic;
    private final long writerId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final byte[] writerHeader = ByteBuffer.allocate(8).putLong(writerId).array();
    private final Shard[] shards;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;

    public ClaimWatcher(String bootstrapServers, String topic, int shards, String clientId) {
        this.topic = topic;
        this.shards = new Shard[shards];
        for (int i = 0; i < shards; i++) {
            this.shards[i] = new Shard();
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The store reads exactly-once (read_committed): see the log as it does.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "lease-claim-watcher");
        this.thread.setDaemon(true);
    }

    /** The header value that marks an event as this instance's. */
    public byte[] writerHeader() {
        return writerHeader.clone();
    }

    /**
     * Starts tailing every shard from its end. Returns once the start positions are known, so every
     * claim this instance makes afterwards is read.
     */
    public void start(Duration timeout) {
        List<TopicPartition> all = new ArrayList<>();
        for (int i = 0; i < shards.length; i++) {
            all.add(new TopicPartition(topic, i));
        }
        consumer.assign(all);
        consumer.seekToEnd(all);
        for (TopicPartition tp : all) {
            long position = consumer.position(tp, timeout);
            synchronized (shards[tp.partition()]) {
                shards[tp.partition()].position = position;
            }
        }
        thread.start();
    }

    /**
     * Completes once the tail has read the event Kafka acknowledged at {@code offset} of
     * {@code shard}: normally if no later claim of its partition came before it, else with a
     * {@link NotOwnerException}. Call with the offsets of one shard in the order Kafka acknowledged
     * them (a producer's callbacks of one partition are).
     */
    public CompletableFuture<Void> confirm(int shard, QueuePartition qp, long ownerEpoch, long offset) {
        Shard s = shards[shard];
        CompletableFuture<Void> done = new CompletableFuture<>();
        Boolean accepted;
        synchronized (s) {
            // Acknowledgements come in offset order: decisions below this one are for events whose
            // acknowledgement failed although they were written; nobody will ask for them.
            s.decided.headMap(offset).clear();
            accepted = s.decided.remove(offset);
            if (accepted == null) {
                if (offset >= s.position && !closed) {
                    s.waiting.put(offset, done);
                    return done;
                }
                accepted = false; // read already but not ours, or closed: never acknowledge blindly
            }
        }
        settle(done, accepted, qp, ownerEpoch, offset);
        return done;
    }

    private void run() {
        try {
            while (!closed) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofSeconds(1));
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> part = records.records(tp);
                    List<Runnable> settled = new ArrayList<>();
                    Shard s = shards[tp.partition()];
                    synchronized (s) {
                        for (ConsumerRecord<byte[], byte[]> r : part) {
                            read(s, r, settled);
                        }
                        s.position = consumer.position(tp);
                    }
                    settled.forEach(Runnable::run); // outside the lock: completions run callers' code
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.error("lease claim watcher stopped; owner events can no longer be confirmed", e);
            }
        } finally {
            failAll();
        }
    }

    private void read(Shard s, ConsumerRecord<byte[], byte[]> r, List<Runnable> settled) {
        byte[] key = r.key();
        if (key == null || key.length != QueuePartition.KEY_BYTES) {
            return;
        }
        QueuePartition qp = null;
        if (LeaseCodec.isClaim(r.value())) {
            qp = QueuePartition.fromBytes(key);
            s.latestClaim.put(qp, LeaseTopology.claimEpoch(r.offset()));
        }
        Header writer = r.headers().lastHeader(WRITER_HEADER);
        if (writer == null || !java.util.Arrays.equals(writer.value(), writerHeader)) {
            return;
        }
        if (qp == null) {
            qp = QueuePartition.fromBytes(key);
        }
        long epoch = LeaseTopology.ownerEpochOf(r.headers());
        Long latest = s.latestClaim.get(qp);
        boolean accepted = latest != null && latest == epoch;
        CompletableFuture<Void> w = s.waiting.remove(r.offset());
        if (w == null) {
            s.decided.put(r.offset(), accepted);
        } else {
            QueuePartition p = qp;
            settled.add(() -> settle(w, accepted, p, epoch, r.offset()));
        }
    }

    private void settle(CompletableFuture<Void> done, boolean accepted, QueuePartition qp, long epoch, long offset) {
        if (accepted) {
            done.complete(null);
        } else {
            done.completeExceptionally(new NotOwnerException("lease event of " + qp + " at offset " + offset
                    + " of " + topic + " came after a later owner's claim (owner epoch " + epoch + ")"));
        }
    }

    private void failAll() {
        List<CompletableFuture<Void>> rest = new ArrayList<>();
        for (Shard s : shards) {
            synchronized (s) {
                rest.addAll(s.waiting.values());
                s.waiting.clear();
            }
        }
        for (CompletableFuture<Void> w : rest) {
            w.completeExceptionally(new NotOwnerException("lease claim watcher closed"));
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        if (thread.isAlive()) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            failAll();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
