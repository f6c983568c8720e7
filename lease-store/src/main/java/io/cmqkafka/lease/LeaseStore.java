package io.cmqkafka.lease;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running lease store: appends events to the lease log and runs the Streams application
 * that applies them. A dispatcher that takes over a queue partition calls {@link #claim} and
 * then {@link #load} to start from exactly the state every earlier event produced; its events are
 * fenced by the claim ({@link ClaimWatcher}).
 */
public final class LeaseStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);

    /**
     * {@code index.interval.bytes} of the queue topics, the changelogs and the embedded broker's own
     * topics: an index entry per 64 KiB of log instead of Kafka's 4 KiB. Each new page of a segment's
     * sparse, memory-mapped index faults in a disk block on first write, which stalled appends
     * 25-150 ms on the benchmark VM (100 light queues stalled together on their 5th message). 16x
     * fewer pages; a fetch scans at most 64 KiB of batch headers from an entry.
     */
    public static final int INDEX_INTERVAL_BYTES = 64 * 1024;

    /**
     * {@code index.interval.bytes} of the lease log: Kafka's default. Every fetch looks its start
     * offset up in the index and then reads batch headers one by one (a {@code pread} each) up to it.
     * The lease log is read at its tail by the claim watcher once per appended event, and its batches
     * are small (an event or a few, 100-300 B): at 64 KiB the broker spent a third of its CPU in that
     * scan in the latency scenario (issue 7). Its few partitions fault in an index page per 2 MiB.
     */
    public static final int LEASE_LOG_INDEX_INTERVAL_BYTES = 4096;

    /** How long an owner event may wait to be confirmed before its request fails. */
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

    private final LeaseStoreConfig config;
    /** Every lease event of this instance (idempotent, acks=all; owner events are confirmed by the watcher). */
    private final KafkaProducer<byte[], byte[]> producer;
    /** Confirms owner events against later claims (null: {@code fencedWrites} off). */
    private final ClaimWatcher watcher;
    /**
     * Per queue partition, the highest owner epoch one of whose events failed to be acknowledged. Later
     * events of that epoch are refused even if Kafka has them: the dispatcher decided them on a state
     * that assumed the failed one, and reloads under a new epoch anyway.
     */
    private final Map<QueuePartition, Long> brokenEpochs = new ConcurrentHashMap<>();
    private final KafkaStreams streams;
    private final Map<Long, CompletableFuture<Void>> barriers = new ConcurrentHashMap<>();
    private final Map<QueuePartition, LeaseTopology.LeaseCounters> counters = new ConcurrentHashMap<>();
    private final java.util.Set<Integer> activeShards = ConcurrentHashMap.newKeySet();
    private volatile ShardOwnershipListener ownershipListener = new ShardOwnershipListener() { };
    private volatile Map<Integer, org.apache.kafka.streams.state.HostInfo> owners = Map.of();
    private volatile long ownersReadAt;
    private final DeadInstanceFencer fencer;
    /** This instance's static group membership (see {@link DeadInstanceFencer}); null: dynamic. */
    private final String groupInstanceIdPrefix;
    /** Open while this store runs; peers probe it (null: no static membership). */
    private final LivenessBeacon beacon;

    /** Told when this instance gains or loses the active task of a shard. */
    public interface ShardOwnershipListener {
        default void onShardActive(int shard) {
        }

        /** Stop writing events for the shard's partitions before returning (stream thread). */
        default void onShardRevoked(int shard) {
        }
    }

    public LeaseStore(LeaseStoreConfig config) {
        this.config = config;
        String host = config.applicationServer() == null ? null
                : config.applicationServer().substring(0, Math.max(0, config.applicationServer().lastIndexOf(':')));
        if (host != null && config.livenessPort() >= 0 && DeadInstanceFencer.isPlainHost(host)) {
            try {
                beacon = new LivenessBeacon(config.livenessPort());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot open the lease store's liveness port " + config.livenessPort(), e);
            }
            groupInstanceIdPrefix = DeadInstanceFencer.instanceIdPrefix(host, beacon.port());
            LOG.info("lease store liveness port {} (group.instance.id {}-<thread>)", beacon.port(), groupInstanceIdPrefix);
        } else {
            beacon = null;
            groupInstanceIdPrefix = null;
        }
        // Clients opened so far, closed again if a later step fails (they own threads and connections).
        KafkaProducer<byte[], byte[]> openedWriter = null;
        ClaimWatcher openedWatcher = null;
        KafkaStreams openedStreams = null;
        try {
            ensureEventTopic();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            // One producer for every shard: a short linger lets the records of concurrent requests (one per
            // request and partition) share one produce request. Answers still wait for acks=all; the linger
            // adds at most this much to a receive's latency.
            p.put(ProducerConfig.LINGER_MS_CONFIG, Integer.getInteger("lease-store.writer-linger-ms", 1));
            p.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-lease-writer");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
            producer = openedWriter = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
            watcher = openedWatcher = config.fencedWrites() ? new ClaimWatcher(config.bootstrapServers(),
                    config.eventTopic(), config.shards(), config.applicationId() + "-claim-watcher") : null;

            LeaseStoreListener listener = new LeaseStoreListener() {
                @Override
                public void onBarrier(long token) {
                    CompletableFuture<Void> f = barriers.remove(token);
                    if (f != null) {
                        f.complete(null);
                    }
                }

                @Override
                public void onShardActive(int shard) {
                    activeShards.add(shard);
                    ownersReadAt = 0;
                    LOG.info("lease shard {} is active on this instance", shard);
                    ownershipListener.onShardActive(shard);
                }

                @Override
                public void onShardRevoked(int shard) {
                    activeShards.remove(shard);
                    ownersReadAt = 0;
                    ownershipListener.onShardRevoked(shard);
                    // Events decided here go to the log before the next owner's claim, so their requests
                    // succeed (any that come after it are refused by the watcher and ignored by the store).
                    producer.flush();
                }

                @Override
                public void onCounters(int shard, long now, Map<QueuePartition, LeaseTopology.LeaseCounters> c) {
                    counters.keySet().removeIf(qp -> shardOf(qp) == shard && !c.containsKey(qp));
                    counters.putAll(c);
                }
            };
            streams = openedStreams = new KafkaStreams(
                    LeaseTopology.build(config.eventTopic(), listener, config.sweepInterval()), streamsProperties());
            fencer = Boolean.parseBoolean(System.getProperty("lease-store.fence-departed", "true"))
                    ? new DeadInstanceFencer(config.applicationId(), config.bootstrapServers(),
                            () -> streams.metadataForLocalThreads().stream().map(t -> t.threadName()).toList(),
                            groupInstanceIdPrefix, DeadInstanceFencer.EndpointProbe.TCP)
                    : null;
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("lease store stream thread failed; replacing it", e);
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
        } catch (RuntimeException e) {
            closeQuietly(openedStreams, openedWatcher, openedWriter);
            // Peers would take an open liveness port for a running instance: close it with the failure.
            if (beacon != null) {
                beacon.close();
            }
            throw e;
        }
    }

    private static void closeQuietly(KafkaStreams streams, ClaimWatcher watcher, KafkaProducer<byte[], byte[]> writer) {
        // Each on its own: one that fails to close must not leave the others open.
        List<Runnable> closes = new java.util.ArrayList<>();
        if (streams != null) {
            closes.add(() -> streams.close(Duration.ofSeconds(5)));
        }
        if (watcher != null) {
            closes.add(watcher::close);
        }
        if (writer != null) {
            closes.add(() -> writer.close(Duration.ZERO));
        }
        for (Runnable close : closes) {
            try {
                close.run();
            } catch (RuntimeException suppressed) {
                LOG.warn("closing a client of a lease store that failed to start", suppressed);
            }
        }
    }

    private Properties streamsProperties() {
        Properties s = new Properties();
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        s.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        s.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        s.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        s.put(StreamsConfig.topicPrefix("min.insync.replicas"), String.valueOf(config.minInSyncReplicas()));
        s.put(StreamsConfig.topicPrefix("index.interval.bytes"), String.valueOf(INDEX_INTERVAL_BYTES));
        // Each commit is a transaction (offsets, an end marker on every partition written). 500 ms instead of
        // 100 wrote 3x fewer transaction-state and offset records but gave no measurable CPU or throughput
        // gain on the shared benchmark machine (issue 7), so the default stays; the property is for trials.
        s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Integer.getInteger("lease-store.commit-interval-ms", 100));
        s.put(StreamsConfig.consumerPrefix("max.poll.records"), 2000);
        // Nothing waits for the store on a request's path (the ClaimWatcher confirms events; only taking a
        // partition over waits for its claim to be applied): let fetches gather up to 64 KiB or 100 ms of
        // events instead of one fetch per append. At 20 ms the empty fetches of an idle service were its
        // largest CPU cost (issue 7).
        s.put(StreamsConfig.mainConsumerPrefix("fetch.min.bytes"), 64 * 1024);
        s.put(StreamsConfig.mainConsumerPrefix("fetch.max.wait.ms"), Integer.getInteger("lease-store.fetch-max-wait-ms", 100));
        // The record cache of the two lease stores (shared by the stream threads of the instance).
        s.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG,
                Long.getLong("lease-store.cache-max-bytes", 32L * 1024 * 1024));
        // A killed instance's shards move after this long (the default is 45 s).
        s.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        // Members learn of a rebalance at their next heartbeat: a short interval shortens failover.
        s.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 500);
        // A killed instance leaves its store transaction open, which holds the next owner of its
        // shards; DeadInstanceFencer aborts it once the group drops the instance, and this timeout
        // is the fallback should that fail (Streams' default is 10 s).
        s.put(StreamsConfig.producerPrefix("transaction.timeout.ms"), 4000);
        if (config.applicationServer() != null) {
            s.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
        }
        if (groupInstanceIdPrefix != null) {
            // Static membership, so that peers can remove a killed instance from the group at once
            // instead of waiting for its session timeout (DeadInstanceFencer). Streams appends
            // "-<thread index>" per stream thread.
            s.put(StreamsConfig.mainConsumerPrefix("group.instance.id"), groupInstanceIdPrefix);
        }
        return s;
    }

    private void ensureEventTopic() {
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(a)) {
            NewTopic t = new NewTopic(config.eventTopic(), config.shards(), config.replicationFactor())
                    .configs(Map.of("min.insync.replicas", String.valueOf(config.minInSyncReplicas()),
                            // The store's changelog holds the state; the log only needs to outlive processing lag.
                            "retention.ms", String.valueOf(Duration.ofDays(7).toMillis()),
                            "index.interval.bytes", String.valueOf(LEASE_LOG_INDEX_INTERVAL_BYTES)));
            try {
                admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create lease log " + config.eventTopic(), e.getCause());
                }
                updateIndexInterval(admin);
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create lease log " + config.eventTopic(), e);
        }
    }

    /**
     * A lease log created by an earlier version indexes every 64 KiB: bring it to {@link
     * #LEASE_LOG_INDEX_INTERVAL_BYTES} (new segments use it). Not allowed to alter topics: keep going.
     */
    private void updateIndexInterval(Admin admin) {
        try {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, config.eventTopic());
            org.apache.kafka.clients.admin.Config current = admin.describeConfigs(List.of(topic)).all()
                    .get(30, TimeUnit.SECONDS).get(topic);
            ConfigEntry interval = current == null ? null : current.get("index.interval.bytes");
            if (interval != null && !String.valueOf(LEASE_LOG_INDEX_INTERVAL_BYTES).equals(interval.value())) {
                admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry(
                        "index.interval.bytes", String.valueOf(LEASE_LOG_INDEX_INTERVAL_BYTES)),
                        AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
                LOG.info("lease log {}: index.interval.bytes {} -> {}", config.eventTopic(), interval.value(),
                        LEASE_LOG_INDEX_INTERVAL_BYTES);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("cannot update index.interval.bytes of lease log {}: {}", config.eventTopic(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void start() {
        streams.setStateListener((now, before) -> {
            LOG.info("lease store {} -> {}", before, now); // rare; dates rebalances when reading a failover
            ownersReadAt = 0;
            if (fencer != null && now == KafkaStreams.State.REBALANCING) {
                fencer.checkSoon(); // a member may just have been dropped
            }
        });
        if (watcher != null) {
            watcher.start(Duration.ofSeconds(30)); // before any claim of ours
        }
        streams.start();
        if (fencer != null) {
            fencer.start(Duration.ofMillis(500));
        }
    }

    public void setOwnershipListener(ShardOwnershipListener l) {
        ownershipListener = l;
    }

    /** Whether this instance runs the active task of {@code shard}. */
    public boolean isLocal(int shard) {
        return activeShards.contains(shard);
    }

    public int shards() {
        return config.shards();
    }

    /** The instance (its application.server) that runs the active task of a shard, if known. */
    public java.util.Optional<org.apache.kafka.streams.state.HostInfo> ownerOf(int shard) {
        long now = System.currentTimeMillis();
        if (now - ownersReadAt > 1000) {
            Map<Integer, org.apache.kafka.streams.state.HostInfo> m = new HashMap<>();
            try {
                for (org.apache.kafka.streams.StreamsMetadata md : streams.metadataForAllStreamsClients()) {
                    for (org.apache.kafka.common.TopicPartition tp : md.topicPartitions()) {
                        if (tp.topic().equals(config.eventTopic())) {
                            m.put(tp.partition(), md.hostInfo());
                        }
                    }
                }
                owners = m;
                ownersReadAt = now;
            } catch (RuntimeException e) {
                LOG.debug("streams metadata not available: {}", e.getMessage());
            }
        }
        return java.util.Optional.ofNullable(owners.get(shard));
    }

    /** Waits until the Streams application has its tasks and is processing. */
    public void awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("lease store not running: " + streams.state());
            }
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("lease store stopped: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int shardOf(QueuePartition qp) {
        return Utils.toPositive(Utils.murmur2(qp.toBytes())) % config.shards();
    }

    /** Appends one event; completes when Kafka has acknowledged it on all in-sync replicas. */
    public CompletableFuture<Void> append(QueuePartition qp, LeaseEvent event) {
        return append(qp, event, -1);
    }

    /**
     * Appends an event of the dispatcher that claimed {@code qp} with {@code ownerEpoch} (see {@link
     * #claim}). Completes once Kafka has it and, with fenced writes, once the {@link ClaimWatcher}
     * has read it with no later claim of the partition before it; fails with {@link
     * ClaimWatcher.NotOwnerException} when this instance does not own the shard, or a later owner
     * claimed the partition first.
     */
    public CompletableFuture<Void> append(QueuePartition qp, LeaseEvent event, long ownerEpoch) {
        int shard = shardOf(qp);
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(config.eventTopic(), shard, qp.toBytes(),
                LeaseCodec.encode(event));
        if (ownerEpoch < 0) {
            return send(r).thenApply(md -> null);
        }
        if (!activeShards.contains(shard)) {
            return notOwned(shard);
        }
        r.headers().add(LeaseTopology.OWNER_EPOCH_HEADER, ByteBuffer.allocate(8).putLong(ownerEpoch).array());
        if (watcher == null) {
            return send(r).thenApply(md -> null);
        }
        r.headers().add(ClaimWatcher.WRITER_HEADER, watcher.writerHeader());
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The producer's callbacks of one partition run in offset order on its I/O thread: a failed event is
        // marked broken before any later one of the same epoch asks to be confirmed.
        producer.send(r, (md, ex) -> {
            if (ex != null) {
                brokenEpochs.merge(qp, ownerEpoch, Math::max);
                done.completeExceptionally(ex);
            } else if (brokenEpochs.getOrDefault(qp, -1L) >= ownerEpoch) {
                done.completeExceptionally(new ClaimWatcher.NotOwnerException("an earlier event of " + qp
                        + " under owner epoch " + ownerEpoch + " was not acknowledged"));
            } else {
                watcher.confirm(shard, qp, ownerEpoch, md.offset()).whenComplete((v, e) -> {
                    if (e != null) {
                        done.completeExceptionally(e);
                    } else {
                        done.complete(null);
                    }
                });
            }
        });
        return done.orTimeout(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> CompletableFuture<T> notOwned(int shard) {
        return CompletableFuture.failedFuture(new ClaimWatcher.NotOwnerException(
                "shard " + shard + " is not owned by this instance"));
    }

    private CompletableFuture<org.apache.kafka.clients.producer.RecordMetadata> send(ProducerRecord<byte[], byte[]> r) {
        CompletableFuture<org.apache.kafka.clients.producer.RecordMetadata> done = new CompletableFuture<>();
        producer.send(r, (md, ex) -> {
            if (ex != null) {
                done.completeExceptionally(ex);
            } else {
                done.complete(md);
            }
        });
        return done;
    }

    /**
     * Appends events of one dispatcher decided together, as one record (a {@link LeaseEvent.Batch}
     * when there are several); completes as {@link #append(QueuePartition, LeaseEvent, long)} does.
     */
    public CompletableFuture<Void> appendAll(QueuePartition qp, List<? extends LeaseEvent> events, long ownerEpoch) {
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return append(qp, events.size() == 1 ? events.get(0) : new LeaseEvent.Batch(List.copyOf(events)), ownerEpoch);
    }

    /**
     * Claims {@code qp} for a dispatcher of this instance: appends a {@link LeaseEvent.Claimed} and waits
     * until the store has applied it (and so every event before it). Completes with the new owner
     * epoch ({@link LeaseTopology#claimEpoch} of the claim's offset in the log); the state to serve
     * from is then {@link #load}'s, and holds
     * that epoch unless another owner claimed the partition since.
     */
    public CompletableFuture<Long> claim(QueuePartition qp) {
        int shard = shardOf(qp);
        if (!activeShards.contains(shard)) {
            return notOwned(shard);
        }
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(config.eventTopic(), shard, qp.toBytes(),
                LeaseCodec.encode(new LeaseEvent.Claimed(0)));
        return send(r).thenCompose(md -> barrier(qp).thenApply(v -> LeaseTopology.claimEpoch(md.offset())));
    }

    /** Completes once the store has applied every event appended to {@code qp}'s shard before now. */
    public CompletableFuture<Void> barrier(QueuePartition qp) {
        long token = ThreadLocalRandom.current().nextLong();
        CompletableFuture<Void> f = new CompletableFuture<>();
        barriers.put(token, f);
        append(qp, new LeaseEvent.Barrier(token)).whenComplete((v, ex) -> {
            if (ex != null) {
                barriers.remove(token);
                f.completeExceptionally(ex);
            }
        });
        return f;
    }

    /** Copies a partition's state out of the local store (call after {@link #claim} or {@link #barrier}). */
    public InMemoryLeaseTable load(QueuePartition qp) {
        int shard = shardOf(qp);
        ReadOnlyKeyValueStore<Bytes, byte[]> heads = streams.store(StoreQueryParameters
                .fromNameAndType(LeaseTopology.HEADS_STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                .withPartition(shard));
        ReadOnlyKeyValueStore<Bytes, byte[]> entries = streams.store(StoreQueryParameters
                .fromNameAndType(LeaseTopology.ENTRIES_STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore())
                .withPartition(shard));
        byte[] pk = qp.toBytes();
        InMemoryLeaseTable table = new InMemoryLeaseTable();
        byte[] head = heads.get(Bytes.wrap(pk));
        if (head != null) {
            table.putHead(LeaseCodec.decodeHead(head));
        }
        try (KeyValueIterator<Bytes, byte[]> it = entries.range(Bytes.wrap(LeaseCodec.entryKey(pk, 0)),
                Bytes.wrap(LeaseCodec.entryKey(pk, Long.MAX_VALUE)))) {
            while (it.hasNext()) {
                var kv = it.next();
                table.put(LeaseCodec.offsetOf(kv.key.get()), LeaseCodec.decodeLease(kv.value));
            }
        }
        return table;
    }

    /** Counters of the last sweep, for the partitions whose shards this instance owns. */
    public Map<QueuePartition, LeaseTopology.LeaseCounters> counters() {
        return new HashMap<>(counters);
    }

    @Override
    public void close() {
        barriers.values().forEach(f -> f.completeExceptionally(new IllegalStateException("lease store closed")));
        if (fencer != null) {
            fencer.close();
        }
        // Leave the group so a restarted or surviving instance takes the shards over at once,
        // instead of after the session timeout.
        streams.close(org.apache.kafka.streams.CloseOptions
                .groupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
        producer.close(Duration.ofSeconds(5));
        if (watcher != null) {
            watcher.close();
        }
        if (beacon != null) {
            beacon.close(); // only now: the group has been left, peers need not remove this instance
        }
    }
}
