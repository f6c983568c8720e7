package io.cmqkafka.adapter.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The compacted metadata topic ({@code <cluster>.meta}, one partition): queue records keyed by
 * {@code queue/<lower-case name>}, a tombstone on delete. Every instance tails it into memory;
 * a write completes only once this instance has read it back, so a create is visible to the
 * next request on the same instance, and to the others within their poll latency.
 * <p>
 * {@link #create} is a put that must not replace a live record: the log's single partition orders racing
 * creates, and every reader applies the same rule to the same sequence (a create record meeting a live
 * record is ignored), so all instances agree that the first one won.
 */
public final class MetadataLog implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetadataLog.class);
    static final String QUEUE_PREFIX = "queue/";
    static final String CLUSTER_PREFIX = "cluster/";
    /** Marks a record written by {@link #create}. */
    static final String CREATE_HEADER = "cmq.create";
    private static final int REJECTED_KEPT = 1024;

    private final String topic;
    private final ObjectMapper json;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, QueueRecord> queues = new ConcurrentHashMap<>();
    private final Map<String, String> cluster = new ConcurrentHashMap<>();
    /** Other record families (topics, subscriptions): key prefix to type and parsed records by id. */
    private final Map<String, Class<?>> trackedTypes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> tracked = new ConcurrentHashMap<>();
    /** Per tracked prefix: whether a record still holds its id against a create (e.g. its parent exists). */
    private final Map<String, java.util.function.Predicate<Object>> liveness = new ConcurrentHashMap<>();
    /** Offsets of create records that met a live record (the latest few: their writers look them up). */
    private final java.util.concurrent.ConcurrentSkipListSet<Long> rejectedCreates =
            new java.util.concurrent.ConcurrentSkipListSet<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<CompletableFuture<Void>> syncRequests =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.List<Map.Entry<Long, CompletableFuture<Void>>> syncWaiters = new java.util.ArrayList<>();
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiters = new ConcurrentSkipListMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread tailer;
    private volatile long applied = -1;
    private volatile boolean running = true;

    public MetadataLog(String bootstrap, String topic, ObjectMapper json) {
        this.topic = topic;
        this.json = json;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
        tailer = new Thread(this::tail, "cmq-metadata-tailer");
        tailer.setDaemon(true);
    }

    /** Starts tailing and returns once everything written before now has been read. */
    public void start(Duration timeout) throws InterruptedException {
        tailer.start();
        if (!caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("metadata topic " + topic + " not read within " + timeout);
        }
    }

    private void tail() {
        TopicPartition tp = new TopicPartition(topic, 0);
        try {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            if (end == 0) {
                caughtUp.countDown();
            }
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    applyRecord(r);
                    applied = r.offset();
                }
                long pos = consumer.position(tp);
                if (pos >= end) {
                    caughtUp.countDown();
                }
                // Offsets can be skipped (compaction, transaction markers): release by position.
                while (!waiters.isEmpty() && waiters.firstKey() < pos) {
                    waiters.pollFirstEntry().getValue().complete(null);
                }
                serveSyncs(tp, pos);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("metadata tailer failed", e);
        }
    }

    /** On the tailer thread: sync requests wait for the end offset as of their arrival. */
    private void serveSyncs(TopicPartition tp, long pos) {
        if (!syncRequests.isEmpty()) {
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            CompletableFuture<Void> f;
            while ((f = syncRequests.poll()) != null) {
                syncWaiters.add(Map.entry(end, f));
            }
        }
        syncWaiters.removeIf(e -> {
            if (pos >= e.getKey()) {
                e.getValue().complete(null);
                return true;
            }
            return false;
        });
    }

    /**
     * Completes once this instance has read everything written to the log before the call (records other
     * instances, or another reader in this process, wrote).
     */
    public CompletableFuture<Void> sync() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        syncRequests.add(f);
        return f;
    }

    /** Keeps records whose key starts with {@code prefix} (e.g. {@code topic/}), parsed as {@code type}. */
    public void track(String prefix, Class<?> type) {
        track(prefix, type, r -> true);
    }

    /**
     * As {@link #track(String, Class)}; {@code live} tells whether a record still holds its id against a
     * {@link #create} (it runs on the tailer thread, in log order, so it may look at other tracked records).
     */
    public void track(String prefix, Class<?> type, java.util.function.Predicate<Object> live) {
        liveness.put(prefix, live);
        tracked.put(prefix, new ConcurrentHashMap<>());
        trackedTypes.put(prefix, type);
    }

    /** The tracked record {@code prefix + id}, or null. */
    @SuppressWarnings("unchecked")
    public <T> T get(String prefix, String id) {
        return (T) tracked.get(prefix).get(id);
    }

    /** All tracked records of a prefix, by id (a live view). */
    @SuppressWarnings("unchecked")
    public <T> Map<String, T> all(String prefix) {
        return (Map<String, T>) (Map<String, ?>) tracked.get(prefix);
    }

    /** Writes a tracked record; completes once read back. */
    public CompletableFuture<Void> put(String prefix, String id, Object value) {
        try {
            return write(prefix + id, json.writeValueAsString(value));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Writes a tracked record unless a live one holds {@code id}; completes once read back, with whether this
     * record won. A loser's record is the latest under its key, which compaction would keep instead of the
     * winner's: so the loser writes the record in force again (as a create, which live readers ignore).
     */
    public CompletableFuture<Boolean> create(String prefix, String id, Object value) {
        try {
            return append(prefix + id, json.writeValueAsString(value), true).thenCompose(offset -> {
                if (!rejectedCreates.remove(offset)) {
                    return CompletableFuture.completedFuture(true);
                }
                Object winner = get(prefix, id);
                if (winner == null) { // deleted after our record: the tombstone is the latest
                    return CompletableFuture.completedFuture(false);
                }
                try {
                    return append(prefix + id, json.writeValueAsString(winner), true).thenApply(o -> {
                        rejectedCreates.remove(o);
                        return false;
                    });
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            });
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Deletes a tracked record (tombstone); completes once read back. */
    public CompletableFuture<Void> remove(String prefix, String id) {
        return write(prefix + id, null);
    }

    private boolean applyTracked(ConsumerRecord<String, String> r) {
        for (Map.Entry<String, Class<?>> t : trackedTypes.entrySet()) {
            if (!r.key().startsWith(t.getKey())) {
                continue;
            }
            String id = r.key().substring(t.getKey().length());
            Map<String, Object> m = tracked.get(t.getKey());
            if (r.value() == null) {
                m.remove(id);
            } else if (r.headers().lastHeader(CREATE_HEADER) != null && m.get(id) != null
                    && liveness.get(t.getKey()).test(m.get(id))) {
                rejectedCreates.add(r.offset());
                if (rejectedCreates.size() > REJECTED_KEPT) {
                    rejectedCreates.pollFirst();
                }
            } else {
                try {
                    m.put(id, json.readValue(r.value(), t.getValue()));
                } catch (Exception e) {
                    LOG.warnf("skipping unreadable metadata record %s: %s", r.key(), e.getMessage());
                }
            }
            return true;
        }
        return false;
    }

    private void applyRecord(ConsumerRecord<String, String> r) {
        if (r.key() != null && applyTracked(r)) {
            return;
        }
        if (r.key() != null && r.key().startsWith(CLUSTER_PREFIX)) {
            if (r.value() == null) {
                cluster.remove(r.key());
            } else {
                cluster.put(r.key(), r.value());
            }
            return;
        }
        if (r.key() == null || !r.key().startsWith(QUEUE_PREFIX)) {
            return;
        }
        String name = r.key().substring(QUEUE_PREFIX.length());
        if (r.value() == null) {
            queues.remove(name);
            return;
        }
        try {
            queues.put(name, json.readValue(r.value(), QueueRecord.class));
        } catch (Exception e) {
            LOG.warnf("skipping unreadable metadata record %s: %s", r.key(), e.getMessage());
        }
    }

    public QueueRecord queue(String name) {
        return queues.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    public java.util.Collection<QueueRecord> queues() {
        return queues.values();
    }

    public CompletableFuture<Void> putQueue(QueueRecord q) {
        try {
            return write(QUEUE_PREFIX + q.name().toLowerCase(java.util.Locale.ROOT), json.writeValueAsString(q));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The shared secret instances use between themselves; created by the first instance. When two
     * start at once both write one and the log's last value wins for everybody.
     */
    public String clusterToken() throws Exception {
        String key = CLUSTER_PREFIX + "token";
        String t = cluster.get(key);
        if (t == null) {
            byte[] b = new byte[24];
            new java.security.SecureRandom().nextBytes(b);
            write(key, java.util.HexFormat.of().formatHex(b)).get(30, java.util.concurrent.TimeUnit.SECONDS);
            t = cluster.get(key);
        }
        return t;
    }

    public String clusterTokenNow() {
        return cluster.get(CLUSTER_PREFIX + "token");
    }

    public CompletableFuture<Void> removeQueue(String name) {
        return write(QUEUE_PREFIX + name.toLowerCase(java.util.Locale.ROOT), null);
    }

    private CompletableFuture<Void> write(String key, String value) {
        return append(key, value, false).thenApply(offset -> null);
    }

    /** Appends a record; completes with its offset once this instance has read it back. */
    private CompletableFuture<Long> append(String key, String value, boolean create) {
        CompletableFuture<Long> read = new CompletableFuture<>();
        ProducerRecord<String, String> pr = new ProducerRecord<>(topic, 0, key, value);
        if (create) {
            pr.headers().add(CREATE_HEADER, new byte[] {1});
        }
        producer.send(pr, (md, ex) -> {
            if (ex != null) {
                read.completeExceptionally(ex);
                return;
            }
            CompletableFuture<Void> seen = new CompletableFuture<>();
            seen.thenRun(() -> read.complete(md.offset()));
            if (md.offset() <= applied) {
                seen.complete(null);
            } else {
                waiters.put(md.offset(), seen);
                if (md.offset() <= applied) {
                    CompletableFuture<Void> f = waiters.remove(md.offset());
                    if (f != null) {
                        f.complete(null);
                    }
                }
            }
        });
        return read;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            tailer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close(Duration.ofSeconds(5));
    }
}
