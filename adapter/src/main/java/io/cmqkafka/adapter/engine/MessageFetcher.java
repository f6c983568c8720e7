package io.cmqkafka.adapter.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * One consumer thread that fills the windows of every active partition dispatcher on this
 * instance. Partitions are assigned manually (the lease store, not a consumer group, decides who
 * serves a partition) and paused while their window is full, which bounds memory per partition.
 */
final class MessageFetcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MessageFetcher.class);
    static final String DELIVER_AT_HEADER = "cmq.deliver-at";
    /** A message moved from another queue keeps its message id and enqueue time (headers). */
    static final String MSG_ID_HEADER = "cmq.msg-id";
    static final String ENQUEUE_TIME_HEADER = "cmq.enqueue-time";

    /** Called on the fetcher thread after a partition's window changed. */
    interface Listener {
        void onFetched(PartitionDispatcher d, List<io.cmqkafka.lease.LeaseEvent> toAppend, boolean newMessages);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionDispatcher> assigned = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Listener listener;
    private final Thread thread;
    private volatile boolean running = true;

    MessageFetcher(String bootstrap, String clientId, Listener listener) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Queue subscriptions write through transactions: never dispatch aborted writes.
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.listener = listener;
        thread = new Thread(this::run, "cmq-message-fetcher");
        thread.setDaemon(true);
        thread.start();
    }

    void assign(TopicPartition tp, PartitionDispatcher d, long from, long seekToken) {
        known.add(tp);
        command(() -> {
            assigned.put(tp, d);
            reassign = true;
            toPosition.put(tp, new Seek(from, seekToken));
        });
    }

    private final java.util.Set<TopicPartition> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

    // Fetcher thread only: the changes of one round of commands, applied together (one assign() and
    // one endOffsets round trip for all partitions activated at once, instead of one each).
    private boolean reassign;
    private final Map<TopicPartition, Seek> toPosition = new java.util.LinkedHashMap<>();

    /** Where a partition is to be read from, and the token its dispatcher waits for. */
    private record Seek(long from, long token) {
    }

    boolean isAssigned(TopicPartition tp) {
        return known.contains(tp);
    }

    void unassign(TopicPartition tp) {
        known.remove(tp);
        command(() -> {
            toPosition.remove(tp);
            if (assigned.remove(tp) != null) {
                reassign = true;
            }
        });
    }

    /**
     * Re-reads a partition from {@code from} (after a resync or rewind). Until this runs, the
     * dispatcher ignores batches fetched from the old position ({@code seekToken}).
     */
    void seek(TopicPartition tp, long from, long seekToken) {
        command(() -> {
            if (assigned.containsKey(tp)) {
                toPosition.put(tp, new Seek(from, seekToken));
            }
        });
    }

    /** Applies the assignment changes and seeks that the commands of this round asked for. */
    private void applyCommands() {
        if (reassign) {
            reassign = false;
            consumer.assign(new ArrayList<>(assigned.keySet()));
        }
        if (toPosition.isEmpty()) {
            return;
        }
        List<TopicPartition> tps = new ArrayList<>(toPosition.keySet());
        for (Map.Entry<TopicPartition, Seek> e : toPosition.entrySet()) {
            consumer.seek(e.getKey(), e.getValue().from());
            PartitionDispatcher d = assigned.get(e.getKey());
            if (d != null) {
                d.seeked(e.getValue().token()); // seek() drops what was fetched from the old position
            }
        }
        consumer.resume(tps);
        toPosition.clear();
        Map<TopicPartition, Long> ends;
        try {
            ends = consumer.endOffsets(tps, END_OFFSETS_TIMEOUT);
        } catch (RuntimeException e) {
            // One partition whose topic is gone (a queue deleted while it was being activated) must not hold
            // up the others, nor this thread for the consumer's 60 s default: ask one by one, briefly.
            ends = new HashMap<>();
            for (TopicPartition tp : tps) {
                try {
                    ends.putAll(consumer.endOffsets(List.of(tp), END_OFFSETS_TIMEOUT));
                } catch (RuntimeException one) {
                    LOG.debugf("end offset of %s: %s", tp, one.getMessage());
                }
            }
        }
        for (TopicPartition tp : tps) {
            PartitionDispatcher d = assigned.get(tp);
            Long end = ends.get(tp);
            if (d != null && end != null) { // unknown end: the engine stops waiting for priming after 10 s
                d.primeUpTo(end);
            }
        }
    }

    private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(2);

    // No consumer.wakeup(): a WakeupException in the middle of dispatch() would drop fetched
    // records. Commands wait at most one short poll instead.
    private void command(Runnable r) {
        commands.add(r);
        synchronized (this) {
            notifyAll();
        }
    }

    private void run() {
        while (running) {
            try {
                Runnable r;
                while ((r = commands.poll()) != null) {
                    r.run();
                }
                applyCommands();
                if (assigned.isEmpty()) {
                    synchronized (this) {
                        if (commands.isEmpty() && running) {
                            wait(200);
                        }
                    }
                    continue;
                }
                resumeWhereRoom();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
                dispatch(records);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("message fetcher: " + e.getMessage(), e);
                    sleepQuietly();
                }
            }
        }
    }

    private void resumeWhereRoom() {
        for (Map.Entry<TopicPartition, PartitionDispatcher> e : assigned.entrySet()) {
            if (e.getValue().wantsMore()) {
                consumer.seek(e.getKey(), e.getValue().resumeFrom());
                consumer.resume(List.of(e.getKey()));
            }
        }
    }

    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        // paused() builds a new set on each call: once per poll, not once per partition.
        java.util.Set<TopicPartition> paused = consumer.paused();
        for (Map.Entry<TopicPartition, PartitionDispatcher> e : assigned.entrySet()) {
            TopicPartition tp = e.getKey();
            if (paused.contains(tp)) {
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
            long position = consumer.position(tp);
            long end = position + consumer.currentLag(tp).orElse(0L);
            List<StoredMessage> batch = new ArrayList<>(rs.size());
            for (ConsumerRecord<byte[], byte[]> r : rs) {
                batch.add(toMessage(r));
            }
            List<io.cmqkafka.lease.LeaseEvent> toAppend = new ArrayList<>(0);
            PartitionDispatcher.FetchControl fc = e.getValue().offer(batch, position, end, toAppend);
            if (fc.pauseAt() >= 0) {
                consumer.seek(tp, fc.pauseAt());
                consumer.pause(List.of(tp));
            }
            if (!batch.isEmpty() || !toAppend.isEmpty()) {
                listener.onFetched(e.getValue(), toAppend, !batch.isEmpty());
            }
        }
    }

    static StoredMessage toMessage(ConsumerRecord<byte[], byte[]> r) {
        long deliverAt = 0;
        Header h = r.headers().lastHeader(DELIVER_AT_HEADER);
        if (h != null && h.value() != null && h.value().length == 8) {
            deliverAt = java.nio.ByteBuffer.wrap(h.value()).getLong();
        }
        byte[] v = r.value() == null ? new byte[0] : r.value();
        String msgId = null;
        long enqueueTime = r.timestamp();
        Header id = r.headers().lastHeader(MSG_ID_HEADER);
        if (id != null && id.value() != null) {
            msgId = new String(id.value(), StandardCharsets.UTF_8);
            Header t = r.headers().lastHeader(ENQUEUE_TIME_HEADER);
            if (t != null && t.value() != null && t.value().length == 8) {
                enqueueTime = java.nio.ByteBuffer.wrap(t.value()).getLong();
            }
        }
        String group = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        return new StoredMessage(r.offset(), new String(v, StandardCharsets.UTF_8), enqueueTime, deliverAt,
                v.length + 64, msgId, group);
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
