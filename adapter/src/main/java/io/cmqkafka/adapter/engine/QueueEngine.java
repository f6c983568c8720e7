package io.cmqkafka.adapter.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmqkafka.adapter.engine.QueueException.Kind;
import io.cmqkafka.lease.LeaseEvent;
import io.cmqkafka.lease.LeaseStore;
import io.cmqkafka.lease.QueuePartition;
import static io.cmqkafka.adapter.engine.Failures.unwrap;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

/**
 * The queue engine: CMQ queue semantics on Kafka. A queue is a topic; its metadata lives in the
 * metadata log; leases, deletes and dequeue counts live in the lease store; dispatchers on this
 * instance serve receives from bounded windows of each partition.
 */
public final class QueueEngine implements QueueService, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(QueueEngine.class);
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final EngineSettings settings;
    private final EngineClock clock;
    private final Admin admin;
    /** Carry sends; a queue always uses the same one (see {@link #producerFor}). */
    private final List<KafkaProducer<byte[], byte[]>> producers;
    private final MetadataLog metadata;
    private final LeaseStore leases;
    private final MessageFetcher fetcher;
    private final ScheduledExecutorService timers;
    /**
     * Reads lease state out of the store when a partition is taken over. Loads can take long (a
     * large store, a slow barrier after a restart), so they never run on {@link #timers}, which
     * answers long polls when they time out.
     */
    private final java.util.concurrent.ExecutorService loader;
    /** Fetches producer metadata of queue topics, so that no send blocks an event loop on it. */
    private final java.util.concurrent.ExecutorService topicMetadata;
    /** Per queue topic: done once the producer knows the topic's partitions. */
    private final Map<String, CompletableFuture<Void>> topicsKnown = new ConcurrentHashMap<>();
    private final Map<String, ActiveQueue> active = new ConcurrentHashMap<>();
    private final PeerClient peers;
    private final String selfUrl;

    public QueueEngine(EngineSettings settings, EngineClock clock, ObjectMapper json, LeaseStore leases)
            throws InterruptedException {
        this(settings, clock, json, leases, PeerClient.NONE, null);
    }

    /**
     * @param peers   calls to the instances that own other partitions
     * @param selfUrl this instance's own address as peers see it ({@code http://host:port})
     */
    public QueueEngine(EngineSettings settings, EngineClock clock, ObjectMapper json, LeaseStore leases,
            PeerClient peers, String selfUrl) throws InterruptedException {
        this.settings = settings;
        this.clock = clock;
        this.leases = leases;
        this.peers = peers;
        this.selfUrl = selfUrl;
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        this.admin = Admin.create(a);
        ensureTopic(settings.metadataTopic(), 1, Map.of("cleanup.policy", "compact",
                "min.insync.replicas", String.valueOf(settings.minInSyncReplicas())));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, settings.lingerMs());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        // send() may run on an HTTP event-loop thread: never block it for long on metadata.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        List<KafkaProducer<byte[], byte[]>> ps = new java.util.ArrayList<>();
        for (int i = 0; i < Math.max(1, settings.producers()); i++) {
            p.put(ProducerConfig.CLIENT_ID_CONFIG, settings.topicPrefix() + "queue-producer-" + i);
            ps.add(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
        }
        this.producers = List.copyOf(ps);
        this.metadata = new MetadataLog(settings.bootstrapServers(), settings.metadataTopic(), json);
        this.metadata.start(KAFKA_TIMEOUT);
        try {
            this.metadata.clusterToken();
        } catch (Exception e) {
            throw new IllegalStateException("cannot establish the cluster token", e);
        }
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "cmq-engine-timers");
            t.setDaemon(true);
            return t;
        });
        this.loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cmq-engine-loader");
            t.setDaemon(true);
            return t;
        });
        this.topicMetadata = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cmq-engine-topic-metadata");
            t.setDaemon(true);
            return t;
        });
        this.fetcher = new MessageFetcher(settings.bootstrapServers(), settings.topicPrefix() + "fetcher",
                this::onFetched);
        // Messages that reach a dead-letter limit or outlive retention leave without waiting for a receive.
        timers.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        leases.setOwnershipListener(new LeaseStore.ShardOwnershipListener() {
            @Override
            public void onShardRevoked(int shard) {
                QueueEngine.this.onShardRevoked(shard);
            }

            @Override
            public void onShardActive(int shard) {
                // Take over the partitions of queues in use right away (off the stream thread: the
                // barrier needs it), so a failover does not wait for the next receive.
                try {
                    loader.execute(() -> {
                        for (QueueRecord rec : metadata.queues()) {
                            ActiveQueue aq = active.get(rec.queueId());
                            if (aq != null) {
                                activate(rec);
                            }
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the engine is shutting down; nothing to take over
                }
            }
        });
    }

    // ---------------------------------------------------------------- queue management

    @Override
    public CompletionStage<String> createQueue(String name, QueueSettings s) {
        if (metadata.queue(name) != null) {
            return failed(Kind.QUEUE_EXISTS, "queue " + name + " already exists");
        }
        if (metadata.queues().size() >= settings.maxQueues()) {
            return failed(Kind.QUOTA_EXCEEDED, "the number of queues has reached " + settings.maxQueues());
        }
        try {
            checkDeadLetterPolicy(name, s.deadLetterPolicy());
        } catch (QueueException e) {
            return CompletableFuture.failedFuture(e);
        }
        String topic = settings.queueTopic(name);
        NewTopic nt = new NewTopic(topic, settings.queuePartitions(), settings.replicationFactor())
                .configs(queueTopicConfig(s));
        CreateTopicsResult r = admin.createTopics(List.of(nt));
        return r.topicId(topic).toCompletionStage()
                .thenApply(id -> new TopicInfo(id, settings.queuePartitions()))
                .exceptionallyCompose(ex -> {
                    if (unwrap(ex) instanceof TopicExistsException) {
                        if (metadata.queue(name) != null) {
                            return failed(Kind.QUEUE_EXISTS, "queue " + name + " already exists");
                        }
                        // A topic without metadata: an earlier create that stopped half-way. Adopt it;
                        // if it is gone by now it was the old incarnation being deleted.
                        return describe(topic).exceptionallyCompose(dx -> unwrap(dx) instanceof UnknownTopicOrPartitionException
                                ? failed(Kind.RECREATE_TOO_SOON, "the previous queue " + name + " is still being deleted")
                                : CompletableFuture.failedFuture(dx));
                    }
                    return CompletableFuture.failedFuture(unavailable("creating topic " + topic, ex));
                })
                .thenCompose(info -> {
                    long nowSec = clock.millis() / 1000;
                    QueueRecord rec = new QueueRecord(name, info.id().toString(), topic, info.partitions(), s,
                            nowSec, nowSec);
                    return metadata.putQueue(rec).thenApply(v -> rec.queueId());
                });
    }

    private record TopicInfo(Uuid id, int partitions) {
    }

    private CompletionStage<TopicInfo> describe(String topic) {
        return admin.describeTopics(List.of(topic)).topicNameValues().get(topic).toCompletionStage()
                .thenApply((TopicDescription d) -> new TopicInfo(d.topicId(), d.partitions().size()));
    }

    private Map<String, String> queueTopicConfig(QueueSettings s) {
        return Map.of(
                "cleanup.policy", "delete",
                "retention.ms", String.valueOf(s.msgRetentionSeconds() * 1000L),
                "segment.ms", String.valueOf(segmentMillis(s.msgRetentionSeconds())),
                "min.insync.replicas", String.valueOf(settings.minInSyncReplicas()),
                // Broker time stamps are monotonic per partition: rewind by time finds production order.
                "message.timestamp.type", "LogAppendTime",
                "max.message.bytes", String.valueOf(2 * 1024 * 1024),
                // Fewer index pages to fault in (see LeaseStore.INDEX_INTERVAL_BYTES).
                "index.interval.bytes", String.valueOf(LeaseStore.INDEX_INTERVAL_BYTES));
    }

    /**
     * Kafka deletes whole segments only: a tenth of the retention keeps messages from outliving it by
     * more than 10 % (dispatchers never deliver them past it anyway) without a flood of small files.
     */
    static long segmentMillis(int retentionSeconds) {
        return Math.max(60_000L, Math.min(7 * 24 * 3600_000L, retentionSeconds * 100L));
    }

    @Override
    public CompletionStage<Void> deleteQueue(String name) {
        QueueRecord rec = metadata.queue(name);
        if (rec == null) {
            return notFound(name);
        }
        if (!deadLetterSources(name).isEmpty()) {
            return failed(Kind.DEAD_LETTER_QUEUE_BOUND, "queue " + name + " is the dead-letter queue of "
                    + deadLetterSources(name).get(0).name());
        }
        return metadata.removeQueue(name).thenCompose(v -> {
            ActiveQueue aq = active.remove(rec.queueId());
            if (aq != null) {
                deactivate(aq, rec);
            }
            for (int p = 0; p < rec.partitions(); p++) {
                leases.append(qp(rec, p), new LeaseEvent.Dropped());
            }
            return admin.deleteTopics(List.of(rec.topic())).all().toCompletionStage()
                    .exceptionally(ex -> {
                        if (!(unwrap(ex) instanceof UnknownTopicOrPartitionException)) {
                            LOG.warnf("deleting topic %s of queue %s: %s", rec.topic(), name, ex.getMessage());
                        }
                        return null;
                    });
        });
    }

    private void deactivate(ActiveQueue aq, QueueRecord rec) {
        topicsKnown.remove(rec.topic());
        for (PartitionDispatcher d : aq.partitions) {
            d.deactivate();
            fetcher.unassign(new TopicPartition(rec.topic(), d.partition));
        }
        aq.releaseWaiters();
    }

    @Override
    public QueuePage listQueues(String searchWord, java.util.function.Predicate<String> visible, int offset,
            int limit) {
        return page(metadata.queues(), searchWord, visible, offset, limit);
    }

    @Override
    public QueuePage listDeadLetterSourceQueues(String deadLetterQueue, String searchWord,
            java.util.function.Predicate<String> visible, int offset, int limit) {
        if (metadata.queue(deadLetterQueue) == null) {
            throw new QueueException(Kind.QUEUE_NOT_FOUND, "queue " + deadLetterQueue + " does not exist");
        }
        return page(deadLetterSources(deadLetterQueue), searchWord, visible, offset, limit);
    }

    private static QueuePage page(java.util.Collection<QueueRecord> queues, String searchWord,
            java.util.function.Predicate<String> visible, int offset, int limit) {
        String w = searchWord == null ? "" : searchWord.toLowerCase(Locale.ROOT);
        List<QueueRecord> all = queues.stream()
                .filter(q -> q.name().toLowerCase(Locale.ROOT).contains(w))
                .filter(q -> visible == null || visible.test(q.name()))
                .sorted(Comparator.comparing(q -> q.name().toLowerCase(Locale.ROOT)))
                .toList();
        List<QueuePage.Entry> page = all.stream().skip(offset).limit(limit)
                .map(q -> new QueuePage.Entry(q.queueId(), q.name())).toList();
        return new QueuePage(all.size(), page);
    }

    @Override
    public CompletionStage<QueueAttributes> getQueueAttributes(String name) {
        QueueRecord rec = metadata.queue(name);
        if (rec == null) {
            return notFound(name);
        }
        return activate(rec).thenCompose(aq -> attributes(rec, aq));
    }

    /** Counters summed over this instance's partitions and those of every other owner. */
    private CompletableFuture<QueueAttributes> attributes(QueueRecord rec, ActiveQueue aq) {
        int rewindSeconds = rec.settings().rewindSeconds();
        CompletableFuture<Map<Integer, Long>> rewindFrom = rewindSeconds == 0 ? completed(null)
                : offsetsAt(rec, clock.millis() - rewindSeconds * 1000L).exceptionally(ex -> null);
        return rewindFrom.thenCompose(from -> {
            List<CompletableFuture<long[]>> parts = new ArrayList<>();
            parts.add(completed(localCounters(aq, null, from)));
            for (Map.Entry<String, List<Integer>> owner : remoteOwners(aq).entrySet()) {
                parts.add(peers.counters(owner.getKey(), rec.name(), rec.queueId(), owner.getValue(),
                        from == null ? null : owner.getValue().stream().map(from::get).toList())
                        .exceptionally(ex -> new long[COUNTERS]));
            }
            return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(v -> {
                long[] sum = new long[COUNTERS];
                for (CompletableFuture<long[]> f : parts) {
                    long[] c = f.join();
                    sum[0] += c[0];
                    sum[1] += c[1];
                    sum[2] += c[2];
                    if (c[3] > 0 && (sum[3] == 0 || c[3] < sum[3])) {
                        sum[3] = c[3];
                    }
                    sum[4] += c[4];
                }
                DeadLetterPolicy dl = rec.settings().deadLetterPolicy();
                QueueRecord dlq = dl == null ? null : metadata.queue(dl.deadLetterQueue());
                return new QueueAttributes(rec.queueId(), rec.name(), rec.settings(), rec.createTime(),
                        rec.lastModifyTime(), sum[0], sum[1], sum[2], sum[4], sum[3] / 1000,
                        dlq == null ? null : dlq.queueId());
            });
        });
    }

    /** Per partition, the first offset whose broker time is at or after {@code millis} (the log end if none). */
    private CompletableFuture<Map<Integer, Long>> offsetsAt(QueueRecord rec, long millis) {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> byTime = new java.util.HashMap<>();
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < rec.partitions(); p++) {
            byTime.put(new TopicPartition(rec.topic(), p), org.apache.kafka.clients.admin.OffsetSpec.forTimestamp(millis));
            latest.put(new TopicPartition(rec.topic(), p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        CompletableFuture<Map<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>> t =
                admin.listOffsets(byTime).all().toCompletionStage().toCompletableFuture();
        CompletableFuture<Map<TopicPartition, org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo>> e =
                admin.listOffsets(latest).all().toCompletionStage().toCompletableFuture();
        return t.thenCombine(e, (at, end) -> {
            Map<Integer, Long> out = new java.util.HashMap<>();
            at.forEach((tp, info) -> out.put(tp.partition(), info.offset() >= 0 ? info.offset() : end.get(tp).offset()));
            return out;
        });
    }

    private static final int COUNTERS = 5;

    @Override
    public CompletionStage<QueueAttributes> setQueueAttributes(String name, QueueSettings.Patch patch) {
        QueueRecord rec = metadata.queue(name);
        if (rec == null) {
            return notFound(name);
        }
        QueueSettings next = rec.settings().with(patch);
        if (patch.deadLetterPolicy() != null) {
            try {
                checkDeadLetterPolicy(name, patch.deadLetterPolicy());
            } catch (QueueException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        QueueRecord updated = rec.withSettings(next, clock.millis() / 1000);
        CompletionStage<Void> topicChange = CompletableFuture.completedFuture(null);
        if (next.msgRetentionSeconds() != rec.settings().msgRetentionSeconds()) {
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, rec.topic());
            AlterConfigOp op = new AlterConfigOp(new ConfigEntry("retention.ms",
                    String.valueOf(next.msgRetentionSeconds() * 1000L)), AlterConfigOp.OpType.SET);
            AlterConfigOp seg = new AlterConfigOp(new ConfigEntry("segment.ms",
                    String.valueOf(segmentMillis(next.msgRetentionSeconds()))), AlterConfigOp.OpType.SET);
            topicChange = admin.incrementalAlterConfigs(Map.of(res, List.of(op, seg))).all().toCompletionStage();
        }
        return topicChange.thenCompose(v -> metadata.putQueue(updated))
                .thenCompose(v -> activate(updated))
                .thenCompose(aq -> attributes(updated, aq));
    }

    // ---------------------------------------------------------------- messages

    @Override
    public CompletionStage<List<String>> send(String queue, List<String> bodies, int delaySeconds, String group) {
        QueueRecord rec = metadata.queue(queue);
        if (rec == null) {
            return notFound(queue);
        }
        List<byte[]> raw = new ArrayList<>(bodies.size());
        for (String b : bodies) {
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > rec.settings().maxMsgSize()) {
                return failed(Kind.MESSAGE_TOO_LARGE, "message of " + bytes.length + " bytes exceeds maxMsgSize "
                        + rec.settings().maxMsgSize());
            }
            raw.add(bytes);
        }
        // Sends never wait for (or fail with) the loading of lease state: any instance can append.
        ActiveQueue queueState = activeQueue(rec);
        activate(rec); // loads owned partitions in the background; the send does not wait for it
        return topicKnown(rec.topic()).thenCompose(x -> completed(queueState)).thenCompose(aq -> {
            // Backlog estimate: this instance's partitions, scaled to the whole queue.
            long local = 0;
            int owned = 0;
            for (PartitionDispatcher d : aq.partitions) {
                if (d.isActive()) {
                    local += d.backlogUpperBound();
                    owned++;
                }
            }
            long backlog = owned == 0 ? 0 : local * aq.partitions.length / owned;
            if (backlog + raw.size() > rec.settings().maxMsgHeapNum()) {
                return failed(Kind.HEAP_FULL, "queue holds " + backlog + " messages (maxMsgHeapNum "
                        + rec.settings().maxMsgHeapNum() + ")");
            }
            long deliverAt = delaySeconds > 0 ? clock.millis() + delaySeconds * 1000L : 0;
            byte[] groupKey = group != null && rec.settings().ordered() ? group.getBytes(StandardCharsets.UTF_8) : null;
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(raw.size());
            for (byte[] body : raw) {
                // Explicit round robin: the sticky partitioner would pile a burst onto one partition,
                // and a partition is the unit of parallelism across instances. A message group of an
                // ordered queue stays in one partition, where its order is the log's.
                int partition = groupKey != null ? Math.floorMod(group.hashCode(), aq.partitions.length)
                        : aq.nextSendPartition();
                ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(rec.topic(), partition, groupKey, body);
                if (deliverAt > 0) {
                    pr.headers().add(new RecordHeader(MessageFetcher.DELIVER_AT_HEADER,
                            ByteBuffer.allocate(8).putLong(deliverAt).array()));
                }
                acks.add(produce(pr));
            }
            return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).handle((v, ex) -> {
                if (ex != null) {
                    throw unavailable("sending to queue " + queue, ex);
                }
                List<String> ids = new ArrayList<>(acks.size());
                for (CompletableFuture<RecordMetadata> f : acks) {
                    RecordMetadata md = f.join();
                    aq.partitions[md.partition()].noteAppended(md.offset());
                    ids.add(MessageIds.of(md.partition(), md.offset()));
                }
                return ids;
            });
        });
    }

    @Override
    public CompletionStage<List<ReceivedMessage>> receive(String queue, int max, Integer pollingWaitSeconds,
            Integer visibilityTimeoutSeconds) {
        QueueRecord rec = metadata.queue(queue);
        if (rec == null) {
            return notFound(queue);
        }
        int wait = pollingWaitSeconds != null ? pollingWaitSeconds : rec.settings().pollingWaitSeconds();
        long visibility = 1000L * (visibilityTimeoutSeconds != null ? visibilityTimeoutSeconds
                : rec.settings().visibilityTimeout());
        long deadline = clock.millis() + wait * 1000L;
        return activate(rec).thenCompose(aq -> takeLocal(rec, aq, max, visibility, null)
                .thenCompose(got -> got.isEmpty() ? takeRemote(rec, aq, max, visibility) : completed(got))
                .thenCompose(got -> {
                    if (!got.isEmpty()) {
                        return completed(got);
                    }
                    // Messages wait behind a window full of leased or delayed ones: say so (CMQ's
                    // 6070) rather than let the client poll an apparently empty queue.
                    if (aq.blockedByInflight()) {
                        return failed(Kind.TOO_MANY_INFLIGHT,
                                "too many received or delayed messages ahead of waiting ones");
                    }
                    if (wait <= 0) {
                        return completed(List.of());
                    }
                    return longPoll(rec, aq, max, visibility, deadline);
                }));
    }

    private CompletableFuture<List<ReceivedMessage>> takeLocal(QueueRecord rec, ActiveQueue aq, int max,
            long visibility, List<Integer> only) {
        long now = clock.millis();
        List<PartitionDispatcher.Grant> grants = aq.take(max, now, now + visibility, only);
        return grants.isEmpty() ? completed(List.of()) : confirm(rec, aq, grants);
    }

    /** Asks the owners of this queue's other partitions, one after the other, without waiting. */
    private CompletableFuture<List<ReceivedMessage>> takeRemote(QueueRecord rec, ActiveQueue aq, int max,
            long visibility) {
        CompletableFuture<List<ReceivedMessage>> chain = completed(List.of());
        for (Map.Entry<String, List<Integer>> owner : remoteOwners(aq).entrySet()) {
            chain = chain.thenCompose(got -> !got.isEmpty() ? completed(got)
                    : peers.receive(owner.getKey(), rec.name(), rec.queueId(), owner.getValue(), max, visibility)
                            .exceptionally(ex -> {
                                LOG.debugf("receive from %s failed: %s", owner.getKey(), ex.getMessage());
                                return List.of();
                            }));
        }
        return chain;
    }

    /**
     * Waits for a message on any partition of the queue: a local waiter for this instance's
     * partitions, and for each other owner a wait-then-pull loop. The waiter object makes sure
     * that only one of them answers.
     */
    private CompletableFuture<List<ReceivedMessage>> longPoll(QueueRecord rec, ActiveQueue aq, int max,
            long visibility, long deadline) {
        ActiveQueue.Waiter w = new ActiveQueue.Waiter(max, visibility, deadline);
        aq.addWaiter(w);
        w.timeout = timers.schedule(() -> {
            if (aq.removeWaiter(w)) {
                w.local.complete(List.of());
            }
        }, Math.max(1, deadline - clock.millis()), TimeUnit.MILLISECONDS);
        aq.serveWaiters(clock.millis()); // a message may have come in meanwhile
        scheduleWakeUp(aq);
        for (Map.Entry<String, List<Integer>> owner : remoteOwners(aq).entrySet()) {
            awaitRemote(rec, aq, w, owner.getKey(), owner.getValue());
        }
        CompletableFuture<List<ReceivedMessage>> local = w.local.thenCompose(
                g -> g.isEmpty() ? completed(List.<ReceivedMessage>of()) : confirm(rec, aq, g));
        return local.applyToEither(w.remote, x -> x);
    }

    private void awaitRemote(QueueRecord rec, ActiveQueue aq, ActiveQueue.Waiter w, String owner,
            List<Integer> parts) {
        long left = w.deadline - clock.millis();
        if (left <= 0 || w.local.isDone() || w.remote.isDone()) {
            return;
        }
        peers.await(owner, rec.name(), rec.queueId(), parts, left).whenComplete((available, ex) -> {
            if (ex != null || !Boolean.TRUE.equals(available)) {
                if (ex != null && w.deadline - clock.millis() > 1000) {
                    timers.schedule(() -> awaitRemote(rec, aq, w, owner, parts), 500, TimeUnit.MILLISECONDS);
                }
                return;
            }
            if (!aq.removeWaiter(w)) {
                return; // answered already
            }
            peers.receive(owner, rec.name(), rec.queueId(), parts, w.max, w.visibilityMillis)
                    .exceptionally(e -> List.of())
                    .thenAccept(got -> {
                        if (!got.isEmpty()) {
                            w.timeout.cancel(false);
                            w.remote.complete(got);
                        } else if (w.deadline > clock.millis()) {
                            aq.addWaiter(w); // someone else was faster: keep waiting
                            aq.serveWaiters(clock.millis());
                            awaitRemote(rec, aq, w, owner, parts);
                        } else {
                            w.local.complete(List.of());
                        }
                    });
        });
    }

    /** Owner URL to the partitions of this queue it owns, for partitions this instance does not own. */
    private Map<String, List<Integer>> remoteOwners(ActiveQueue aq) {
        Map<String, List<Integer>> out = new java.util.LinkedHashMap<>();
        for (PartitionDispatcher d : aq.partitions) {
            int shard = leases.shardOf(d.qp);
            if (leases.isLocal(shard)) {
                continue;
            }
            leases.ownerOf(shard).ifPresent(h -> {
                String url = urlOf(h);
                if (!url.equals(selfUrl)) {
                    out.computeIfAbsent(url, k -> new ArrayList<>()).add(d.partition);
                }
            });
        }
        return out;
    }

    /** Appends the lease events; the receive is answered only once Kafka has them. */
    private CompletableFuture<List<ReceivedMessage>> confirm(QueueRecord rec, ActiveQueue aq,
            List<PartitionDispatcher.Grant> grants) {
        // One lease-log record per partition: the grants of one partition come from one take,
        // under one owner epoch.
        Map<Integer, List<LeaseEvent>> perPartition = new java.util.TreeMap<>();
        Map<Integer, Long> epochs = new java.util.HashMap<>();
        for (PartitionDispatcher.Grant g : grants) {
            perPartition.computeIfAbsent(g.partition(), k -> new ArrayList<>()).add(g.lease());
            epochs.put(g.partition(), g.ownerEpoch());
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>(perPartition.size());
        for (Map.Entry<Integer, List<LeaseEvent>> e : perPartition.entrySet()) {
            acks.add(leases.appendAll(aq.partitions[e.getKey()].qp, e.getValue(), epochs.get(e.getKey())));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).handle((v, ex) -> {
            if (ex != null) {
                // The mirror holds leases Kafka may not have: reload it from the store.
                for (PartitionDispatcher.Grant g : grants) {
                    resync(rec, aq.partitions[g.partition()]);
                }
                throw unavailable("recording leases of queue " + rec.name(), ex);
            }
            List<ReceivedMessage> out = new ArrayList<>(grants.size());
            for (PartitionDispatcher.Grant g : grants) {
                int p = g.partition();
                StoredMessage m = g.message();
                LeaseEvent.Leased l = g.lease();
                out.add(new ReceivedMessage(m.body(), m.msgIdIn(p),
                        new ReceiptHandle(aq.queueTag, p, m.offset(), l.epoch(), l.dequeueCount()).encode(),
                        m.enqueueTime() / 1000, g.state().firstDequeueAt() / 1000, l.visibleAt() / 1000,
                        l.dequeueCount()));
            }
            return out;
        });
    }

    @Override
    public CompletionStage<List<Kind>> delete(String queue, List<String> receiptHandles) {
        QueueRecord rec = metadata.queue(queue);
        if (rec == null) {
            return notFound(queue);
        }
        return activate(rec).thenCompose(aq -> deleteAll(rec, aq, receiptHandles, true));
    }

    /**
     * One outcome per handle. Handles of partitions this instance owns are done here by {@code local},
     * all handles of one partition together (one lease-log record); the others go to their owner by
     * {@code remote}, one call per owner ({@code forward}), or are answered UNAVAILABLE (a peer's
     * call that reached an instance no longer owning the partition).
     */
    private CompletableFuture<List<Kind>> perHandle(ActiveQueue aq, List<String> handles, boolean forward,
            java.util.function.BiFunction<PartitionDispatcher, List<ReceiptHandle>, CompletableFuture<List<Kind>>> local,
            java.util.function.BiFunction<String, List<String>, CompletableFuture<List<Kind>>> remote) {
        Kind[] out = new Kind[handles.size()];
        Map<PartitionDispatcher, List<Integer>> byPartition = new java.util.LinkedHashMap<>();
        Map<String, List<Integer>> byOwner = new java.util.LinkedHashMap<>();
        ReceiptHandle[] decoded = new ReceiptHandle[handles.size()];
        for (int i = 0; i < handles.size(); i++) {
            ReceiptHandle h = ReceiptHandle.decode(handles.get(i));
            if (h == null || h.queueTag() != aq.queueTag || h.partition() >= aq.partitions.length) {
                out[i] = Kind.INVALID_RECEIPT_HANDLE;
                continue;
            }
            decoded[i] = h;
            PartitionDispatcher d = aq.partitions[h.partition()];
            int shard = leases.shardOf(d.qp);
            java.util.Optional<org.apache.kafka.streams.state.HostInfo> owner;
            if (leases.isLocal(shard)) {
                byPartition.computeIfAbsent(d, k -> new ArrayList<>()).add(i);
            } else if (forward && (owner = leases.ownerOf(shard)).isPresent()) {
                byOwner.computeIfAbsent(urlOf(owner.get()), k -> new ArrayList<>()).add(i);
            } else {
                out[i] = Kind.UNAVAILABLE;
            }
        }
        List<CompletableFuture<Void>> groups = new ArrayList<>();
        for (Map.Entry<PartitionDispatcher, List<Integer>> g : byPartition.entrySet()) {
            List<Integer> idx = g.getValue();
            groups.add(fill(out, idx, local.apply(g.getKey(), idx.stream().map(i -> decoded[i]).toList())));
        }
        for (Map.Entry<String, List<Integer>> g : byOwner.entrySet()) {
            List<Integer> idx = g.getValue();
            groups.add(fill(out, idx, remote.apply(g.getKey(), idx.stream().map(handles::get).toList())));
        }
        return CompletableFuture.allOf(groups.toArray(CompletableFuture[]::new)).thenApply(v -> Arrays.asList(out));
    }

    /** Puts a group's outcomes at its indices; a failed or malformed answer makes them UNAVAILABLE. */
    private static CompletableFuture<Void> fill(Kind[] out, List<Integer> idx, CompletableFuture<List<Kind>> group) {
        return group.handle((kinds, ex) -> {
            for (int j = 0; j < idx.size(); j++) {
                out[idx.get(j)] = ex == null && kinds != null && kinds.size() == idx.size() ? kinds.get(j)
                        : Kind.UNAVAILABLE;
            }
            if (ex != null) {
                LOG.debugf("receipt handles not handled: %s", ex.getMessage());
            }
            return null;
        });
    }

    private CompletableFuture<List<Kind>> deleteAll(QueueRecord rec, ActiveQueue aq, List<String> handles,
            boolean forward) {
        return perHandle(aq, handles, forward, (d, hs) -> deleteLocal(rec, d, hs),
                (owner, hs) -> peers.delete(owner, rec.name(), rec.queueId(), hs));
    }

    @Override
    public CompletionStage<VisibilityChange> changeVisibility(String queue, List<String> receiptHandles,
            int visibilityTimeoutSeconds) {
        QueueRecord rec = metadata.queue(queue);
        if (rec == null) {
            return notFound(queue);
        }
        long millis = visibilityTimeoutSeconds * 1000L;
        long nextVisible = (clock.millis() + millis) / 1000;
        return activate(rec).thenCompose(aq -> changeVisibilityAll(rec, aq, receiptHandles, millis, true))
                .thenApply(outcomes -> new VisibilityChange(outcomes, nextVisible));
    }

    private CompletableFuture<List<Kind>> changeVisibilityAll(QueueRecord rec, ActiveQueue aq, List<String> handles,
            long millis, boolean forward) {
        return perHandle(aq, handles, forward, (d, hs) -> changeVisibilityLocal(rec, aq, d, hs, millis),
                (owner, hs) -> peers.changeVisibility(owner, rec.name(), rec.queueId(), hs, millis));
    }

    private CompletableFuture<List<Kind>> changeVisibilityLocal(QueueRecord rec, ActiveQueue aq,
            PartitionDispatcher d, List<ReceiptHandle> handles, long millis) {
        return d.ensureLoaded(gen -> load(rec, d, gen)).thenCompose(v -> {
            long epoch = d.ownerEpoch();
            long now = clock.millis();
            Kind[] out = new Kind[handles.size()];
            List<LeaseEvent> events = new ArrayList<>();
            for (int i = 0; i < handles.size(); i++) {
                LeaseEvent.VisibilityChanged e = d.changeVisibility(handles.get(i), now, now + millis);
                if (e == null) {
                    out[i] = Kind.INVALID_RECEIPT_HANDLE;
                } else {
                    events.add(e);
                }
            }
            return record(rec, d, events, epoch, out, "visibility change").thenApply(kinds -> {
                // An earlier end may let waiting receives have the message sooner.
                aq.serveWaiters(clock.millis());
                scheduleWakeUp(aq);
                return kinds;
            });
        });
    }

    private static String urlOf(org.apache.kafka.streams.state.HostInfo h) {
        return "http://" + h.host() + ":" + h.port();
    }

    private CompletableFuture<List<Kind>> deleteLocal(QueueRecord rec, PartitionDispatcher d,
            List<ReceiptHandle> handles) {
        return d.ensureLoaded(gen -> load(rec, d, gen)).thenCompose(v -> {
            long epoch = d.ownerEpoch();
            long now = clock.millis();
            Kind[] out = new Kind[handles.size()];
            List<LeaseEvent> events = new ArrayList<>();
            for (int i = 0; i < handles.size(); i++) {
                LeaseEvent.Deleted e = d.delete(handles.get(i), now);
                if (e == null) {
                    out[i] = Kind.INVALID_RECEIPT_HANDLE;
                } else if (e != PartitionDispatcher.ALREADY_DELETED) {
                    events.add(e);
                }
            }
            return record(rec, d, events, epoch, out, "delete");
        });
    }

    /**
     * Appends the events a request decided on one partition as one record. The outcomes not set
     * yet (null) mean success once Kafka has the record; if it does not, every handle that was
     * not invalid answers UNAVAILABLE (a repeated one too: its first delete may be the lost one)
     * and the mirror reloads from the store.
     */
    private CompletableFuture<List<Kind>> record(QueueRecord rec, PartitionDispatcher d, List<LeaseEvent> events,
            long epoch, Kind[] out, String what) {
        return leases.appendAll(d.qp, events, epoch).handle((x, ex) -> {
            if (ex != null) {
                LOG.warnf("%s in %s not acknowledged: %s", what, d.qp, ex.getMessage());
                resync(rec, d);
                for (int i = 0; i < out.length; i++) {
                    if (out[i] == null) {
                        out[i] = Kind.UNAVAILABLE;
                    }
                }
            }
            return Arrays.asList(out);
        });
    }

    // ---------------------------------------------------------------- serving peers

    /** The current shared secret of the cluster's internal calls. */
    public String clusterToken() {
        return metadata.clusterTokenNow();
    }

    private QueueRecord recordFor(String queue, String queueId) {
        QueueRecord rec = metadata.queue(queue);
        if (rec == null || !rec.queueId().equals(queueId)) {
            throw new QueueException(Kind.QUEUE_NOT_FOUND, "queue " + queue + " does not exist");
        }
        return rec;
    }

    /** A peer's receive on partitions this instance owns (those it no longer owns are skipped). */
    public CompletableFuture<List<ReceivedMessage>> serveReceive(String queue, String queueId, List<Integer> parts,
            int max, long visibilityMillis) {
        QueueRecord rec = recordFor(queue, queueId);
        return activate(rec).thenCompose(aq -> takeLocal(rec, aq, max, visibilityMillis, parts));
    }

    /** Completes true when one of {@code parts} has a deliverable message, false after {@code waitMillis}. */
    public CompletableFuture<Boolean> serveAwait(String queue, String queueId, List<Integer> parts, long waitMillis) {
        QueueRecord rec = recordFor(queue, queueId);
        return activate(rec).thenCompose(aq -> {
            ActiveQueue.Watcher w = new ActiveQueue.Watcher(parts);
            aq.addWatcher(w);
            aq.serveWaiters(clock.millis());
            scheduleWakeUp(aq);
            timers.schedule(() -> {
                aq.removeWatcher(w);
                w.available.complete(false);
            }, Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
            return w.available;
        });
    }

    public CompletableFuture<List<Kind>> serveDelete(String queue, String queueId, List<String> handles) {
        QueueRecord rec = recordFor(queue, queueId);
        return activate(rec).thenCompose(aq -> deleteAll(rec, aq, handles, false));
    }

    public CompletableFuture<List<Kind>> serveChangeVisibility(String queue, String queueId, List<String> handles,
            long millis) {
        QueueRecord rec = recordFor(queue, queueId);
        return activate(rec).thenCompose(aq -> changeVisibilityAll(rec, aq, handles, millis, false));
    }

    /** {@code rewindFrom}: per requested partition, the first offset a rewind may reach (null: rewind off). */
    public CompletableFuture<long[]> serveCounters(String queue, String queueId, List<Integer> parts,
            List<Long> rewindFrom) {
        QueueRecord rec = recordFor(queue, queueId);
        Map<Integer, Long> from = null;
        if (rewindFrom != null && rewindFrom.size() == parts.size()) {
            from = new java.util.HashMap<>();
            for (int i = 0; i < parts.size(); i++) {
                from.put(parts.get(i), rewindFrom.get(i));
            }
        }
        Map<Integer, Long> f = from;
        return activate(rec).thenApply(aq -> localCounters(aq, parts, f));
    }

    public CompletableFuture<Void> serveRewind(String queue, String queueId, List<Integer> parts, List<Long> offsets) {
        QueueRecord rec = recordFor(queue, queueId);
        return activate(rec).thenCompose(aq -> {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                PartitionDispatcher d = aq.partitions[parts.get(i)];
                done.add(leases.isLocal(leases.shardOf(d.qp)) ? rewindLocal(rec, d, offsets.get(i))
                        : failed(Kind.UNAVAILABLE, "partition " + d.qp + " moved"));
            }
            return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
        });
    }

    /**
     * active, inactive, delayed, oldest enqueue time (ms, 0 = none), rewindable over local
     * partitions; {@code rewindFrom} partition to the first offset a rewind may reach, or null.
     */
    private long[] localCounters(ActiveQueue aq, List<Integer> only, Map<Integer, Long> rewindFrom) {
        long now = clock.millis();
        long[] c = new long[COUNTERS];
        for (PartitionDispatcher d : aq.partitions) {
            if ((only != null && !only.contains(d.partition)) || !leases.isLocal(leases.shardOf(d.qp))) {
                continue;
            }
            Long from = rewindFrom == null ? null : rewindFrom.get(d.partition);
            PartitionDispatcher.Counters pc = d.counters(now, from == null ? -1 : from);
            c[0] += pc.active();
            c[1] += pc.inactive();
            c[2] += pc.delayed();
            if (pc.oldestEnqueueTime() > 0 && (c[3] == 0 || pc.oldestEnqueueTime() < c[3])) {
                c[3] = pc.oldestEnqueueTime();
            }
            c[4] += pc.rewindable();
        }
        return c;
    }

    // ---------------------------------------------------------------- rewind

    @Override
    public CompletionStage<Void> rewindQueue(String name, long startConsumeTimeSeconds) {
        QueueRecord rec = metadata.queue(name);
        if (rec == null) {
            return notFound(name);
        }
        int window = rec.settings().rewindSeconds();
        if (window == 0) {
            return failed(Kind.REWIND_DISABLED, "queue " + name + " has rewindSeconds 0");
        }
        long now = clock.millis();
        long from = startConsumeTimeSeconds * 1000;
        if (from > now || from < now - window * 1000L) {
            return failed(Kind.REWIND_TIME_OUT_OF_RANGE, "rewind time outside the last " + window + " s");
        }
        return offsetsAt(rec, from).thenCompose(offsets -> rewindTo(rec, offsets));
    }

    @Override
    public CompletionStage<Void> rewindQueueToOffsets(String name, Map<Integer, Long> offsets) {
        QueueRecord rec = metadata.queue(name);
        if (rec == null) {
            return notFound(name);
        }
        if (offsets == null || offsets.isEmpty()) {
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> earliest = new java.util.HashMap<>();
            for (int p = 0; p < rec.partitions(); p++) {
                earliest.put(new TopicPartition(rec.topic(), p), org.apache.kafka.clients.admin.OffsetSpec.earliest());
            }
            return admin.listOffsets(earliest).all().toCompletionStage().thenCompose(r -> {
                Map<Integer, Long> all = new java.util.HashMap<>();
                r.forEach((tp, info) -> all.put(tp.partition(), info.offset()));
                return rewindTo(rec, all);
            });
        }
        for (Integer p : offsets.keySet()) {
            if (p < 0 || p >= rec.partitions()) {
                return failed(Kind.NO_SUCH_PARTITION, "queue " + name + " has partitions 0-" + (rec.partitions() - 1));
            }
        }
        return rewindTo(rec, offsets);
    }

    /** Rewinds each partition at its owner; completes when every owner has its Rewound event acknowledged. */
    private CompletableFuture<Void> rewindTo(QueueRecord rec, Map<Integer, Long> offsets) {
        return activate(rec).thenCompose(aq -> {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            Map<String, List<Integer>> remote = remoteOwners(aq);
            for (PartitionDispatcher d : aq.partitions) {
                Long to = offsets.get(d.partition);
                if (to != null && leases.isLocal(leases.shardOf(d.qp))) {
                    done.add(rewindLocal(rec, d, to));
                } else if (to != null && remote.values().stream().noneMatch(l -> l.contains(d.partition))) {
                    done.add(failed(Kind.UNAVAILABLE, "partition " + d.qp + " has no owner right now"));
                }
            }
            for (Map.Entry<String, List<Integer>> owner : remote.entrySet()) {
                List<Integer> parts = owner.getValue().stream().filter(offsets::containsKey).toList();
                if (!parts.isEmpty()) {
                    done.add(peers.rewind(owner.getKey(), rec.name(), rec.queueId(), parts,
                            parts.stream().map(offsets::get).toList()));
                }
            }
            return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new));
        });
    }

    private CompletableFuture<Void> rewindLocal(QueueRecord rec, PartitionDispatcher d, long toOffset) {
        return d.ensureLoaded(gen -> load(rec, d, gen)).thenCompose(v -> {
            PartitionDispatcher.Rewind r = d.rewind(toOffset, clock.millis());
            if (r == null) {
                return failed(Kind.UNAVAILABLE, "partition " + d.qp + " moved while rewinding");
            }
            fetchFrom(rec, d, r.start());
            return leases.append(d.qp, r.event(), r.ownerEpoch()).handle((x, ex) -> {
                if (ex != null) {
                    resync(rec, d);
                    throw unavailable("rewinding " + d.qp, ex);
                }
                return (Void) null;
            });
        });
    }

    private void fetchFrom(QueueRecord rec, PartitionDispatcher d, PartitionDispatcher.FetchStart start) {
        TopicPartition tp = new TopicPartition(rec.topic(), d.partition);
        if (fetcher.isAssigned(tp)) {
            fetcher.seek(tp, start.from(), start.seekToken());
        } else {
            fetcher.assign(tp, d, start.from(), start.seekToken());
        }
    }

    // ---------------------------------------------------------------- dead letters

    /** Queues whose dead-letter policy names {@code deadLetterQueue}. */
    private List<QueueRecord> deadLetterSources(String deadLetterQueue) {
        return metadata.queues().stream()
                .filter(q -> q.settings().deadLetterPolicy() != null
                        && q.settings().deadLetterPolicy().deadLetterQueue().equalsIgnoreCase(deadLetterQueue))
                .toList();
    }

    /** The rules of CMQ: the dead-letter queue exists, has none itself, is no source's, and has at most 6 sources. */
    private void checkDeadLetterPolicy(String source, DeadLetterPolicy p) {
        if (p == null) {
            return;
        }
        QueueRecord dlq = metadata.queue(p.deadLetterQueue());
        if (dlq == null) {
            throw new QueueException(Kind.DEAD_LETTER_QUEUE_NOT_FOUND, "queue " + p.deadLetterQueue() + " does not exist");
        }
        if (dlq.name().equalsIgnoreCase(source) || dlq.settings().deadLetterPolicy() != null
                || !deadLetterSources(source).isEmpty()) {
            throw new QueueException(Kind.DEAD_LETTER_NESTING, "dead-letter queues cannot be nested");
        }
        long others = deadLetterSources(dlq.name()).stream().filter(q -> !q.name().equalsIgnoreCase(source)).count();
        if (others >= MAX_DEAD_LETTER_SOURCES) {
            throw new QueueException(Kind.DEAD_LETTER_TOO_MANY_SOURCES,
                    "queue " + dlq.name() + " is the dead-letter queue of " + others + " queues already");
        }
    }

    /** CMQ: a queue may be the dead-letter queue of at most 6 queues. */
    public static final int MAX_DEAD_LETTER_SOURCES = 6;

    @Override
    public CompletionStage<String> unbindDeadLetterQueue(String name) {
        QueueRecord rec = metadata.queue(name);
        if (rec == null) {
            return notFound(name);
        }
        if (rec.settings().deadLetterPolicy() == null) {
            return failed(Kind.DEAD_LETTER_QUEUE_NOT_FOUND, "queue " + name + " has no dead-letter queue");
        }
        QueueRecord updated = rec.withSettings(rec.settings().withDeadLetterPolicy(null), clock.millis() / 1000);
        return metadata.putQueue(updated).thenApply(v -> {
            ActiveQueue aq = active.get(rec.queueId());
            if (aq != null) {
                aq.rules = rulesOf(updated);
            }
            return rec.queueId();
        });
    }

    @Override
    public CompletionStage<Long> redriveDeadLetters(String deadLetterQueue, String target, long max) {
        QueueRecord dlq = metadata.queue(deadLetterQueue);
        if (dlq == null) {
            return notFound(deadLetterQueue);
        }
        QueueRecord to;
        if (target != null) {
            to = metadata.queue(target);
            if (to == null) {
                return notFound(target);
            }
        } else {
            List<QueueRecord> sources = deadLetterSources(dlq.name());
            if (sources.size() != 1) {
                return failed(Kind.REDRIVE_TARGET_REQUIRED, "queue " + dlq.name() + " is the dead-letter queue of "
                        + sources.size() + " queues: name the target");
            }
            to = sources.get(0);
        }
        return redriveBatch(dlq, to, max, 0);
    }

    /**
     * Leases a batch on the dead-letter queue, appends it to the target, then deletes it: a crash in
     * between leaves the copies and the lapsing leases bring the originals back (at least once).
     */
    private CompletableFuture<Long> redriveBatch(QueueRecord from, QueueRecord to, long max, long moved) {
        int n = (int) Math.min(16, max - moved);
        if (n <= 0) {
            return completed(moved);
        }
        return receive(from.name(), n, 0, REDRIVE_LEASE_SECONDS).toCompletableFuture()
                .exceptionally(ex -> unwrap(ex) instanceof QueueException qe && qe.kind() == Kind.TOO_MANY_INFLIGHT
                        ? List.of() : rethrow(ex))
                .thenCompose(got -> {
                    if (got.isEmpty()) {
                        return completed(moved);
                    }
                    List<StoredMessage> copies = got.stream().map(m -> new StoredMessage(0, m.msgBody(),
                            m.enqueueTime() * 1000, 0, 0, m.msgId(), null)).toList();
                    return copyTo(to, copies, 0)
                            .thenCompose(v -> delete(from.name(), got.stream().map(ReceivedMessage::receiptHandle)
                                    .toList()))
                            .thenCompose(outcomes -> redriveBatch(from, to, max, moved + got.size()));
                });
    }

    private static final int REDRIVE_LEASE_SECONDS = 60;

    private static <T> T rethrow(Throwable ex) {
        throw ex instanceof CompletionException ce ? ce : new CompletionException(ex);
    }

    /** The rules dispatchers apply; a dead-letter policy only while its dead-letter queue exists. */
    private DispatchRules rulesOf(QueueRecord rec) {
        DeadLetterPolicy p = rec.settings().deadLetterPolicy();
        return new DispatchRules(p != null && metadata.queue(p.deadLetterQueue()) != null ? p : null,
                rec.settings().ordered(), rec.settings().msgRetentionSeconds() * 1000L);
    }

    /** Every second: dead letters and expired messages leave without waiting for a receive to find them. */
    private void sweep() {
        try {
            long now = clock.millis();
            for (QueueRecord rec : metadata.queues()) {
                ActiveQueue aq = active.get(rec.queueId());
                if (aq == null) {
                    continue;
                }
                // Also retries loading partitions whose load failed (a slow barrier after a restart),
                // so a queue nobody calls still moves its dead letters; loads run on the loader.
                activate(rec);
                for (PartitionDispatcher d : aq.partitions) {
                    d.sweep(now, aq.rules);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("dead-letter and retention sweep: " + e.getMessage(), e);
        }
    }

    /** Dispatcher lock held: only hand the work over. */
    private void onRemovals(PartitionDispatcher d, List<PartitionDispatcher.Removal> removals) {
        timers.execute(() -> {
            List<PartitionDispatcher.Removal> dead = new ArrayList<>();
            List<LeaseEvent> expired = new ArrayList<>();
            for (PartitionDispatcher.Removal r : removals) {
                if (r.isDeadLetter()) {
                    dead.add(r);
                } else {
                    expired.add(r.event()); // expired: nothing to copy
                }
            }
            if (!expired.isEmpty()) {
                leases.appendAll(d.qp, expired, removals.get(0).ownerEpoch());
            }
            if (!dead.isEmpty()) {
                moveToDeadLetterQueue(d, dead);
            }
        });
    }

    /**
     * Copies the messages to the dead-letter queue (body, message id and enqueue time kept), then
     * records them as dead-lettered. A crash in between copies them again on the next owner: at
     * least once, never lost. If the copy fails, the partition reloads its state from the store,
     * where the messages are still waiting.
     */
    private void moveToDeadLetterQueue(PartitionDispatcher d, List<PartitionDispatcher.Removal> letters) {
        String queueId = d.qp.queueId().toString();
        QueueRecord src = metadata.queues().stream().filter(q -> q.queueId().equals(queueId)).findFirst().orElse(null);
        if (src == null) {
            return; // the source queue is gone, and its messages with it
        }
        DeadLetterPolicy policy = src.settings().deadLetterPolicy();
        QueueRecord dlq = policy == null ? null : metadata.queue(policy.deadLetterQueue());
        if (dlq == null) {
            resync(src, d);
            return;
        }
        List<StoredMessage> messages = letters.stream().map(PartitionDispatcher.Removal::message).toList();
        copyTo(dlq, messages, d.partition).thenCompose(v -> {
            // One scan's removals: one dispatcher, one owner epoch.
            return leases.appendAll(d.qp, letters.stream().map(PartitionDispatcher.Removal::event).toList(),
                    letters.get(0).ownerEpoch());
        }).whenComplete((v, ex) -> {
            if (ex != null) {
                LOG.warnf("moving %d messages of %s to dead-letter queue %s failed: %s", letters.size(), src.name(),
                        dlq.name(), ex.getMessage());
                resync(src, d);
            } else {
                LOG.debugf("moved %d messages of %s to dead-letter queue %s", letters.size(), src.name(), dlq.name());
            }
        });
    }

    /**
     * Appends messages taken from another queue to {@code target}, keeping their message id and
     * enqueue time ({@code fromPartition}: theirs, for ids not yet kept in a header).
     */
    private CompletableFuture<Void> copyTo(QueueRecord target, List<StoredMessage> messages, int fromPartition) {
        ActiveQueue aq = activeQueue(target);
        List<CompletableFuture<RecordMetadata>> copies = new ArrayList<>(messages.size());
        for (StoredMessage m : messages) {
            ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(target.topic(), aq.nextSendPartition(), null,
                    m.body().getBytes(StandardCharsets.UTF_8));
            pr.headers().add(new RecordHeader(MessageFetcher.MSG_ID_HEADER,
                    m.msgIdIn(fromPartition).getBytes(StandardCharsets.UTF_8)));
            pr.headers().add(new RecordHeader(MessageFetcher.ENQUEUE_TIME_HEADER,
                    ByteBuffer.allocate(8).putLong(m.enqueueTime()).array()));
            copies.add(produce(pr));
        }
        return CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).thenRun(() -> {
            for (CompletableFuture<RecordMetadata> c : copies) {
                RecordMetadata md = c.join();
                aq.partitions[md.partition()].noteAppended(md.offset());
            }
        });
    }

    // ---------------------------------------------------------------- activation and wake-ups

    /** The queue's dispatchers, with those of partitions this instance owns loaded. */
    private ActiveQueue activeQueue(QueueRecord rec) {
        return active.computeIfAbsent(rec.queueId(), id -> {
            PartitionDispatcher[] ds = new PartitionDispatcher[rec.partitions()];
            for (int p = 0; p < ds.length; p++) {
                ds[p] = new PartitionDispatcher(qp(rec, p), settings.windowMessages(), settings.windowBytes(),
                        this::onRemovals);
            }
            return new ActiveQueue(rec.queueId(), rec.topic(), ds);
        });
    }

    /** Whether {@code rec} is still the queue of its name (not deleted, not re-created since). */
    private boolean isCurrent(QueueRecord rec) {
        QueueRecord now = metadata.queue(rec.name());
        return now != null && now.queueId().equals(rec.queueId());
    }

    private CompletableFuture<ActiveQueue> activate(QueueRecord rec) {
        ActiveQueue aq = activeQueue(rec);
        topicKnown(rec.topic()); // ahead of the first send
        aq.rules = rulesOf(rec);
        List<CompletableFuture<Void>> loads = new ArrayList<>();
        for (PartitionDispatcher d : aq.partitions) {
            if (leases.isLocal(leases.shardOf(d.qp))) {
                loads.add(d.ensureLoaded(gen -> load(rec, d, gen)));
            }
        }
        if (loads.isEmpty()) {
            return completed(aq);
        }
        // A partition that cannot be loaded now (its shard is moving) is simply not served by this
        // instance for the moment; the others still are.
        return CompletableFuture.allOf(loads.toArray(CompletableFuture[]::new)).handle((v, ex) -> {
            if (ex != null) {
                LOG.debugf("queue %s: some partitions not loaded: %s", rec.name(), ex.getMessage());
            }
            return aq;
        });
    }

    /**
     * Takes a partition over: claims it (events of an earlier owner that come after the claim are
     * ignored, and their requests fail), waits until the store has applied the claim and so every
     * earlier event, loads its state, and starts fetching from the low watermark.
     */
    private CompletableFuture<Void> load(QueueRecord rec, PartitionDispatcher d, long generation) {
        return leases.claim(d.qp)
                .orTimeout(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(epoch -> {
                    var table = leases.load(d.qp);
                    if (table.head().ownerEpoch() != epoch) {
                        // Another owner claimed it after us: not ours to serve.
                        throw new QueueException(Kind.UNAVAILABLE, "partition " + d.qp + " claimed again (epoch "
                                + table.head().ownerEpoch() + ", ours " + epoch + ")");
                    }
                    PartitionDispatcher.FetchStart start = d.reset(table, epoch, generation);
                    if (start == null) {
                        throw new QueueException(Kind.UNAVAILABLE, "partition " + d.qp + " moved while loading");
                    }
                    return start;
                }, loader)
                .thenCompose(start -> {
                    if (!isCurrent(rec)) {
                        // Deleted while loading (a send or peer call raced the delete): never start
                        // fetching a topic that is going away, the fetcher would ask for it forever.
                        d.deactivate();
                        active.remove(rec.queueId());
                        throw new QueueException(Kind.QUEUE_NOT_FOUND, "queue " + rec.name() + " was deleted");
                    }
                    fetchFrom(rec, d, start);
                    // Serve once the window holds the backlog (or is full), so the first receive
                    // after a start sees what is waiting; never wait long for it.
                    return d.primed().completeOnTimeout(null, 10, TimeUnit.SECONDS);
                });
    }

    private void resync(QueueRecord rec, PartitionDispatcher d) {
        d.deactivate();
        if (leases.isLocal(leases.shardOf(d.qp))) {
            d.ensureLoaded(gen -> load(rec, d, gen)).whenComplete((v, ex) -> {
                if (ex != null) {
                    LOG.errorf(ex, "cannot reload lease state of %s", d.qp);
                }
            });
        }
    }

    /** Stream thread, before a shard is handed over: stop its dispatchers at once. */
    private void onShardRevoked(int shard) {
        for (ActiveQueue aq : active.values()) {
            boolean touched = false;
            for (PartitionDispatcher d : aq.partitions) {
                if (leases.shardOf(d.qp) == shard) {
                    d.deactivate();
                    fetcher.unassign(new TopicPartition(aq.topic, d.partition));
                    touched = true;
                }
            }
            if (touched) {
                aq.releaseWaiters();
            }
        }
    }

    /** Fetcher thread: new messages, or offsets that hold none. */
    private void onFetched(PartitionDispatcher d, List<LeaseEvent> toAppend, boolean newMessages) {
        leases.appendAll(d.qp, toAppend, d.ownerEpoch());
        if (newMessages) {
            ActiveQueue aq = active.get(d.qp.queueId().toString());
            if (aq != null && aq.hasWaiters()) {
                aq.serveWaiters(clock.millis());
                scheduleWakeUp(aq);
            }
        }
    }

    /** While receives wait, wake them when the earliest lease lapses or delay matures. */
    private void scheduleWakeUp(ActiveQueue aq) {
        if (!aq.hasWaiters()) {
            return;
        }
        long now = clock.millis();
        long at = aq.nextChangeAfter(now);
        if (at == Long.MAX_VALUE || !aq.needsWakeUpAt(at)) {
            return;
        }
        aq.setWakeUp(timers.schedule(() -> {
            aq.clearWakeUp();
            aq.serveWaiters(clock.millis());
            scheduleWakeUp(aq);
        }, Math.max(1, at - now), TimeUnit.MILLISECONDS));
    }

    private static <T> CompletableFuture<T> completed(T v) {
        return CompletableFuture.completedFuture(v);
    }

    /**
     * Completes once the producer has the topic's metadata. The first send to a topic would otherwise
     * wait for it inside {@code producer.send()}, on the HTTP event loop, stalling every connection
     * of that loop (with 100 new queues, sends waited up to 2 s).
     */
    private CompletableFuture<Void> topicKnown(String topic) {
        CompletableFuture<Void> known = topicsKnown.get(topic);
        if (known != null && known.isDone()) {
            return known;
        }
        return topicsKnown.computeIfAbsent(topic, t -> CompletableFuture.runAsync(() -> {
            try {
                producerFor(t).partitionsFor(t);
            } catch (RuntimeException e) {
                topicsKnown.remove(t); // the send goes on and reports what the producer says; retry next time
            }
        }, topicMetadata));
    }

    /**
     * The producer of a queue topic. One per queue keeps a queue's sends on one connection (and
     * its partitions' idempotent sequences in one producer), while different queues spread over
     * several: a slow append to one queue's partition holds only the queues that share its producer.
     */
    private KafkaProducer<byte[], byte[]> producerFor(String topic) {
        return producers.get(Math.floorMod(topic.hashCode(), producers.size()));
    }

    private CompletableFuture<RecordMetadata> produce(ProducerRecord<byte[], byte[]> pr) {
        CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
        producerFor(pr.topic()).send(pr, (md, ex) -> {
            if (ex != null) {
                ack.completeExceptionally(ex);
            } else {
                ack.complete(md);
            }
        });
        return ack;
    }

    // ---------------------------------------------------------------- helpers

    private QueuePartition qp(QueueRecord rec, int p) {
        return new QueuePartition(Uuid.fromString(rec.queueId()), p);
    }

    private void ensureTopic(String topic, int partitions, Map<String, String> config) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, settings.replicationFactor()).configs(config)))
                    .all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    private static <T> CompletableFuture<T> failed(Kind kind, String message) {
        return CompletableFuture.failedFuture(new QueueException(kind, message));
    }

    private static <T> CompletableFuture<T> notFound(String name) {
        return failed(Kind.QUEUE_NOT_FOUND, "queue " + name + " does not exist");
    }


    private static RuntimeException unavailable(String what, Throwable ex) {
        Throwable cause = unwrap(ex);
        if (cause instanceof QueueException qe) {
            return qe;
        }
        return new QueueException(Kind.UNAVAILABLE, what + " failed: " + cause.getMessage(), cause);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        loader.shutdownNow();
        topicMetadata.shutdownNow();
        fetcher.close();
        metadata.close();
        producers.forEach(x -> x.close(Duration.ofSeconds(5)));
        admin.close(Duration.ofSeconds(5));
    }
}
