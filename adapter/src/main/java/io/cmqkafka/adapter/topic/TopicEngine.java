package io.cmqkafka.adapter.topic;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmqkafka.adapter.engine.EngineClock;
import io.cmqkafka.adapter.engine.EngineSettings;
import io.cmqkafka.adapter.engine.MessageIds;
import io.cmqkafka.adapter.engine.MetadataLog;
import io.cmqkafka.adapter.engine.QueueRecord;
import io.cmqkafka.adapter.topic.TopicException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import static io.cmqkafka.adapter.engine.Failures.unwrap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

/**
 * CMQ topics on Kafka. A topic is the Kafka topic {@code <prefix>topic.<lower name>}; topic and subscription
 * records live in the compacted metadata topic next to the queues (keys {@code topic/...}, {@code sub/...}),
 * read through this engine's own {@link MetadataLog} reader. Each subscription is a Kafka consumer group
 * ({@code <prefix>sub.<subscriptionId>}) whose offsets are set to the topic's end when the subscription is
 * created; {@link SubscriptionRunner} runs one group member per subscription on every instance, so Kafka
 * spreads each subscription's partitions over the instances and each partition is consumed by one of them.
 */
public final class TopicEngine implements TopicService, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TopicEngine.class);
    static final String TOPIC_PREFIX = "topic/";
    static final String SUB_PREFIX = "sub/";
    /** Dropped-message counts, {@code topic-dropped/<subscriptionId>/<instanceId>}: one writer per key. */
    static final String DROPPED_PREFIX = "topic-dropped/";
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private final EngineSettings engine;
    private final TopicSettings settings;
    private final EngineClock clock;
    private final ObjectMapper json;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final MetadataLog metadata;
    private final ScheduledExecutorService timers;
    private final Pusher pusher;
    private final SubscriptionRunner runner;
    private final RetryWorker retries;
    private final Map<String, AtomicInteger> roundRobin = new java.util.concurrent.ConcurrentHashMap<>();
    /** This instance's drops per subscription id (its own share of the durable counts). */
    private final Map<String, DropCount> dropped = new java.util.concurrent.ConcurrentHashMap<>();
    /** Instance id: part of transactional ids, so two instances never share one. */
    final String instanceId = UUID.randomUUID().toString();

    public TopicEngine(EngineSettings engine, TopicSettings settings, EngineClock clock, ObjectMapper json)
            throws InterruptedException {
        this.engine = engine;
        this.settings = settings;
        this.clock = clock;
        this.json = json;
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, engine.bootstrapServers());
        this.admin = Admin.create(a);
        ensureTopic(engine.metadataTopic(), 1, Map.of("cleanup.policy", "compact",
                "min.insync.replicas", String.valueOf(engine.minInSyncReplicas())));
        ensureTopic(retryTopic(), settings.retryPartitions(), Map.of("cleanup.policy", "delete",
                "retention.ms", String.valueOf(2 * RetryPolicy.MESSAGE_LIFE_MS),
                "min.insync.replicas", String.valueOf(engine.minInSyncReplicas()),
                "max.message.bytes", String.valueOf(4 * 1024 * 1024)));
        this.producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        this.metadata = new MetadataLog(engine.bootstrapServers(), engine.metadataTopic(), json);
        metadata.track(TOPIC_PREFIX, TopicRecord.class);
        // A subscription holds its name while its topic incarnation exists: racing Subscribes are decided by
        // the metadata log's order (MetadataLog.create), the same on every instance.
        metadata.track(SUB_PREFIX, SubscriptionRecord.class, s -> isLive((SubscriptionRecord) s));
        metadata.track(DROPPED_PREFIX, Long.class);
        metadata.start(KAFKA_TIMEOUT);
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "cmq-topic-timers");
            t.setDaemon(true);
            return t;
        });
        this.pusher = new Pusher(settings, json);
        this.runner = new SubscriptionRunner(this);
        this.retries = new RetryWorker(this);
        timers.scheduleWithFixedDelay(runner::reconcile, 0, 300, TimeUnit.MILLISECONDS);
        retries.start();
    }

    Properties producerConfig() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, engine.lingerMs());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        return p;
    }

    // ---------------------------------------------------------------- accessors for the workers

    EngineSettings engineSettings() {
        return engine;
    }

    TopicSettings settings() {
        return settings;
    }

    EngineClock clock() {
        return clock;
    }

    ObjectMapper json() {
        return json;
    }

    Pusher pusher() {
        return pusher;
    }

    KafkaProducer<byte[], byte[]> producer() {
        return producer;
    }

    String retryTopic() {
        return engine.topicPrefix() + "topic-retries";
    }

    String kafkaTopic(String name) {
        return engine.topicPrefix() + "topic." + name.toLowerCase(Locale.ROOT);
    }

    String groupId(String subscriptionId) {
        return engine.topicPrefix() + "sub." + subscriptionId;
    }

    TopicRecord topic(String name) {
        return metadata.get(TOPIC_PREFIX, name.toLowerCase(Locale.ROOT));
    }

    SubscriptionRecord subscription(String key) {
        return metadata.get(SUB_PREFIX, key);
    }

    QueueRecord queue(String name) {
        return metadata.queue(name);
    }

    /** Live subscriptions: those whose topic incarnation still exists. */
    List<SubscriptionRecord> liveSubscriptions() {
        List<SubscriptionRecord> out = new ArrayList<>();
        for (SubscriptionRecord s : metadata.<SubscriptionRecord>all(SUB_PREFIX).values()) {
            if (isLive(s)) {
                out.add(s);
            }
        }
        return out;
    }

    private boolean isLive(SubscriptionRecord s) {
        TopicRecord t = topic(s.topic());
        return t != null && t.topicId().equals(s.topicId());
    }

    List<SubscriptionRecord> subscriptionsOf(TopicRecord t) {
        String prefix = t.name().toLowerCase(Locale.ROOT) + "/";
        List<SubscriptionRecord> out = new ArrayList<>();
        for (Map.Entry<String, SubscriptionRecord> e : metadata.<SubscriptionRecord>all(SUB_PREFIX).entrySet()) {
            if (e.getKey().startsWith(prefix) && e.getValue().topicId().equals(t.topicId())) {
                out.add(e.getValue());
            }
        }
        return out;
    }

    /** An instance's drops for one subscription and whether its durable count is being written. */
    private static final class DropCount {
        final java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean();
    }

    /**
     * Counts a message dropped after the retry strategy gave up. The count is kept in the metadata topic
     * under a key of this instance's own, so instances never overwrite each other and no read-modify-write
     * is needed; one write per key is in flight at a time and carries the latest total (a burst of drops
     * costs a few writes, not one each).
     */
    void countDropped(SubscriptionRecord sub) {
        DropCount c = dropped.computeIfAbsent(sub.subscriptionId(), k -> new DropCount());
        c.n.incrementAndGet();
        writeDropped(sub.subscriptionId(), c);
    }

    private void writeDropped(String subscriptionId, DropCount c) {
        if (!c.writing.compareAndSet(false, true)) {
            return; // the write in flight writes again when it sees the count moved
        }
        long n = c.n.get();
        metadata.put(DROPPED_PREFIX, subscriptionId + "/" + instanceId, n).whenComplete((v, ex) -> {
            c.writing.set(false);
            if (ex != null) {
                LOG.warnf("writing the dropped count of %s: %s (trying again)", subscriptionId, ex.toString());
                timers.schedule(() -> writeDropped(subscriptionId, c), 1, TimeUnit.SECONDS);
            } else if (c.n.get() != n) {
                writeDropped(subscriptionId, c);
            }
        });
    }

    /**
     * Messages dropped for a subscription after its retry strategy gave up, by every instance that ever
     * served it (durable counts in the metadata topic; this instance's own count is exact at once).
     */
    public long droppedCount(String subscriptionId) {
        String prefix = subscriptionId + "/";
        String own = prefix + instanceId;
        long sum = 0;
        for (Map.Entry<String, Long> e : metadata.<Long>all(DROPPED_PREFIX).entrySet()) {
            if (e.getKey().startsWith(prefix) && !e.getKey().equals(own)) {
                sum += e.getValue();
            }
        }
        DropCount c = dropped.get(subscriptionId);
        return sum + (c == null ? 0 : c.n.get());
    }

    /** Removes a gone subscription's dropped counts (best effort). */
    private void forgetDropped(String subscriptionId) {
        dropped.remove(subscriptionId);
        String prefix = subscriptionId + "/";
        for (String key : List.copyOf(metadata.<Long>all(DROPPED_PREFIX).keySet())) {
            if (key.startsWith(prefix)) {
                metadata.remove(DROPPED_PREFIX, key);
            }
        }
    }

    // ---------------------------------------------------------------- topics

    @Override
    public CompletionStage<String> createTopic(String name, int maxMsgSize, int filterType) {
        if (topic(name) != null) {
            return failed(Kind.TOPIC_EXISTS, "topic " + name + " already exists");
        }
        if (metadata.all(TOPIC_PREFIX).size() >= settings.maxTopics()) {
            return failed(Kind.TOPIC_QUOTA, "the number of topics has reached " + settings.maxTopics());
        }
        String topic = kafkaTopic(name);
        NewTopic nt = new NewTopic(topic, settings.partitions(), engine.replicationFactor()).configs(Map.of(
                "cleanup.policy", "delete",
                "retention.ms", String.valueOf(RetryPolicy.MESSAGE_LIFE_MS),
                "min.insync.replicas", String.valueOf(engine.minInSyncReplicas()),
                "message.timestamp.type", "LogAppendTime",
                "max.message.bytes", String.valueOf(2 * 1024 * 1024)));
        return admin.createTopics(List.of(nt)).topicId(topic).toCompletionStage()
                .thenApply(id -> Map.entry(id.toString(), settings.partitions()))
                .exceptionallyCompose(ex -> {
                    if (unwrap(ex) instanceof TopicExistsException) {
                        if (topic(name) != null) {
                            return failed(Kind.TOPIC_EXISTS, "topic " + name + " already exists");
                        }
                        // A Kafka topic without metadata: a create that stopped half-way (adopt it), or the
                        // previous incarnation still being deleted.
                        return admin.describeTopics(List.of(topic)).topicNameValues().get(topic).toCompletionStage()
                                .thenApply(d -> Map.entry(d.topicId().toString(), d.partitions().size()))
                                .exceptionallyCompose(dx -> unwrap(dx) instanceof UnknownTopicOrPartitionException
                                        ? failed(Kind.RECREATE_TOO_SOON, "the previous topic " + name
                                                + " is still being deleted")
                                        : CompletableFuture.failedFuture(unavailable("describing " + topic, dx)));
                    }
                    return CompletableFuture.failedFuture(unavailable("creating topic " + topic, ex));
                })
                .thenCompose(info -> {
                    long now = clock.millis() / 1000;
                    TopicRecord rec = new TopicRecord(name, info.getKey(), topic, info.getValue(), maxMsgSize,
                            filterType, now, now);
                    return metadata.put(TOPIC_PREFIX, name.toLowerCase(Locale.ROOT), rec)
                            .thenApply(v -> rec.topicId());
                });
    }

    @Override
    public CompletionStage<Void> deleteTopic(String name) {
        TopicRecord rec = topic(name);
        if (rec == null) {
            return topicNotFound(name);
        }
        if (!subscriptionsOf(rec).isEmpty()) {
            return failed(Kind.HAS_SUBSCRIPTIONS, "topic " + name + " has subscriptions");
        }
        return metadata.remove(TOPIC_PREFIX, name.toLowerCase(Locale.ROOT))
                .thenCompose(v -> admin.deleteTopics(List.of(rec.kafkaTopic())).all().toCompletionStage()
                        .exceptionally(ex -> {
                            if (!(unwrap(ex) instanceof UnknownTopicOrPartitionException)) {
                                LOG.warnf("deleting Kafka topic %s of topic %s: %s", rec.kafkaTopic(), name,
                                        ex.getMessage());
                            }
                            return null;
                        }));
    }

    @Override
    public Page<TopicRecord> listTopics(String searchWord, java.util.function.Predicate<String> visible, int offset,
            int limit) {
        String w = searchWord == null ? "" : searchWord.toLowerCase(Locale.ROOT);
        List<TopicRecord> all = metadata.<TopicRecord>all(TOPIC_PREFIX).values().stream()
                .filter(t -> t.name().toLowerCase(Locale.ROOT).contains(w))
                .filter(t -> visible == null || visible.test(t.name()))
                .sorted(Comparator.comparing(t -> t.name().toLowerCase(Locale.ROOT)))
                .toList();
        return new Page<>(all.size(), all.stream().skip(offset).limit(limit).toList());
    }

    @Override
    public CompletionStage<TopicAttributes> getTopicAttributes(String name) {
        TopicRecord rec = topic(name);
        if (rec == null) {
            return topicNotFound(name);
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < rec.partitions(); p++) {
            earliest.put(new TopicPartition(rec.kafkaTopic(), p), OffsetSpec.earliest());
            latest.put(new TopicPartition(rec.kafkaTopic(), p), OffsetSpec.latest());
        }
        CompletableFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> from =
                admin.listOffsets(earliest).all().toCompletionStage().toCompletableFuture();
        CompletableFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> to =
                admin.listOffsets(latest).all().toCompletionStage().toCompletableFuture();
        return from.thenCombine(to, (f, t) -> {
            long count = 0;
            for (TopicPartition tp : t.keySet()) {
                count += t.get(tp).offset() - f.get(tp).offset();
            }
            return new TopicAttributes(rec, count);
        }).exceptionallyCompose(ex -> CompletableFuture.failedFuture(unavailable("counting " + name, ex)));
    }

    @Override
    public CompletionStage<Void> setTopicAttributes(String name, int maxMsgSize) {
        TopicRecord rec = topic(name);
        if (rec == null) {
            return topicNotFound(name);
        }
        return metadata.put(TOPIC_PREFIX, name.toLowerCase(Locale.ROOT),
                rec.withMaxMsgSize(maxMsgSize, clock.millis() / 1000));
    }

    // ---------------------------------------------------------------- publishing

    @Override
    public CompletionStage<List<String>> publish(String topic, List<String> bodies, List<String> tags,
            String routingKey, String group) {
        TopicRecord rec = topic(topic);
        if (rec == null) {
            return topicNotFound(topic);
        }
        List<byte[]> raw = new ArrayList<>(bodies.size());
        for (String b : bodies) {
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > rec.maxMsgSize()) {
                return failed(Kind.MESSAGE_TOO_LARGE, "message of " + bytes.length + " bytes exceeds maxMsgSize "
                        + rec.maxMsgSize());
            }
            raw.add(bytes);
        }
        String key = routingKey == null || routingKey.isEmpty() ? null : routingKey;
        if (rec.filterType() == 2 && key == null) {
            return failed(Kind.LACK_ROUTING_KEY, "topic " + topic + " routes by routingKey");
        }
        List<SubscriptionRecord> subs = subscriptionsOf(rec);
        if (subs.isEmpty()) {
            return failed(Kind.NO_SUBSCRIPTION, "topic " + topic + " has no subscription");
        }
        if (subs.stream().noneMatch(s -> Filters.matches(rec.filterType(), s, tags, key))) {
            return failed(Kind.NO_MATCHING_SUBSCRIPTION, "no subscription of " + topic + " matches");
        }
        long now = clock.millis();
        AtomicInteger rr = roundRobin.computeIfAbsent(rec.topicId(), k -> new AtomicInteger());
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(raw.size());
        try {
            for (byte[] body : raw) {
                // A message group stays in one partition, whose single consumer keeps its order on the way into
                // an ordered queue; the others are spread round robin.
                int partition = group != null ? Math.floorMod(group.hashCode(), rec.partitions())
                        : Math.floorMod(rr.getAndIncrement(), rec.partitions());
                CompletableFuture<RecordMetadata> ack = new CompletableFuture<>();
                producer.send(TopicMessage.record(rec.kafkaTopic(), partition, group, body, tags, key, now), (md, ex) -> {
                    if (ex != null) {
                        ack.completeExceptionally(ex);
                    } else {
                        ack.complete(md);
                    }
                });
                acks.add(ack);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("publishing to " + topic, e));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).handle((v, ex) -> {
            if (ex != null) {
                throw unavailable("publishing to " + topic, ex);
            }
            return acks.stream().map(f -> MessageIds.of(f.join().partition(), f.join().offset())).toList();
        });
    }

    // ---------------------------------------------------------------- subscriptions

    @Override
    public CompletionStage<String> subscribe(String topic, String name, SubscriptionSpec spec) {
        TopicRecord rec = topic(topic);
        if (rec == null) {
            return topicNotFound(topic);
        }
        String key = SubscriptionRecord.key(topic, name);
        if (subscription(key) != null && subscription(key).topicId().equals(rec.topicId())) {
            return failed(Kind.SUBSCRIPTION_EXISTS, "subscription " + name + " already exists");
        }
        if (subscriptionsOf(rec).size() >= io.cmqkafka.adapter.protocol.Limits.MAX_SUBSCRIPTIONS_PER_TOPIC) {
            return failed(Kind.SUBSCRIPTION_QUOTA, "topic " + topic + " has the most subscriptions");
        }
        if (rec.filterType() == 2 && spec.bindingKeys().isEmpty()) {
            return failed(Kind.LACK_BINDING_KEY, "topic " + topic + " routes by bindingKey");
        }
        CompletableFuture<Void> endpointChecked;
        if (SubscriptionRecord.QUEUE.equals(spec.protocol())) {
            endpointChecked = queue(spec.endpoint()) != null ? CompletableFuture.completedFuture(null)
                    // The queue may have been created a moment ago through the queue engine's reader.
                    : metadata.sync().orTimeout(10, TimeUnit.SECONDS).thenCompose(v -> queue(spec.endpoint()) != null
                            ? CompletableFuture.<Void>completedFuture(null)
                            : failed(Kind.ILLEGAL_ENDPOINT, "queue " + spec.endpoint() + " does not exist"));
        } else {
            endpointChecked = CompletableFuture.supplyAsync(() -> settings.allowed().refusal(spec.endpoint()), timers)
                    .thenCompose(refusal -> refusal == null ? CompletableFuture.<Void>completedFuture(null)
                            : failed(Kind.ILLEGAL_ENDPOINT, refusal));
        }
        String subscriptionId = "sub-" + UUID.randomUUID();
        long now = clock.millis() / 1000;
        SubscriptionRecord sub = new SubscriptionRecord(rec.name(), rec.topicId(), name, subscriptionId,
                spec.protocol(), spec.endpoint(), spec.notifyStrategy(), spec.notifyContentFormat(),
                spec.filterTags(), spec.bindingKeys(), now, now);
        // The subscription receives what is published after it exists: its group starts at the topic's end,
        // committed before the record is visible (so no publish that sees the subscription is missed).
        return endpointChecked
                .thenCompose(v -> retrying(() -> endOffsets(rec).thenCompose(ends -> {
                    Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
                    ends.forEach((tp, off) -> start.put(tp, new OffsetAndMetadata(off)));
                    return admin.alterConsumerGroupOffsets(groupId(subscriptionId), start).all().toCompletionStage();
                }), 5))
                .thenCompose(v -> metadata.create(SUB_PREFIX, key, sub))
                .thenCompose(won -> {
                    if (won) {
                        return CompletableFuture.completedFuture(subscriptionId);
                    }
                    // A racing Subscribe of the same name came first in the log: ours never existed.
                    forgetGroup(subscriptionId, 0);
                    return failed(Kind.SUBSCRIPTION_EXISTS, "subscription " + name + " already exists");
                })
                .exceptionallyCompose(ex -> CompletableFuture.failedFuture(unavailable("subscribing " + name, ex)));
    }

    /**
     * Runs {@code step} again (after 200 ms, 400 ms ...) when it fails: right after a topic is created, or on
     * a first use of a group coordinator, Kafka answers with transient errors for a moment.
     */
    private <T> CompletableFuture<T> retrying(java.util.function.Supplier<CompletionStage<T>> step, int attempts) {
        return step.get().toCompletableFuture().exceptionallyCompose(ex -> {
            if (attempts <= 1 || unwrap(ex) instanceof TopicException) {
                return CompletableFuture.failedFuture(ex);
            }
            LOG.debugf("retrying after %s", ex.toString());
            CompletableFuture<T> next = new CompletableFuture<>();
            timers.schedule(() -> retrying(step, attempts - 1).whenComplete((v, e) -> {
                if (e != null) {
                    next.completeExceptionally(e);
                } else {
                    next.complete(v);
                }
            }), 200L * (6 - Math.min(attempts, 5)), TimeUnit.MILLISECONDS);
            return next;
        });
    }

    private CompletableFuture<Map<TopicPartition, Long>> endOffsets(TopicRecord rec) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < rec.partitions(); p++) {
            latest.put(new TopicPartition(rec.kafkaTopic(), p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().toCompletionStage().toCompletableFuture().thenApply(m -> {
            Map<TopicPartition, Long> out = new HashMap<>();
            m.forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        });
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic, String name) {
        return withSubscription(topic, name).thenCompose(sub -> metadata.remove(SUB_PREFIX, sub.key())
                .thenRun(() -> {
                    forgetGroup(sub.subscriptionId(), 0);
                    forgetDropped(sub.subscriptionId());
                }));
    }

    /** Deletes the subscription's consumer group once every instance has stopped its member (best effort). */
    void forgetGroup(String subscriptionId, int attempt) {
        if (attempt > 6) {
            return;
        }
        timers.schedule(() -> admin.deleteConsumerGroups(List.of(groupId(subscriptionId))).all()
                .whenComplete((v, ex) -> {
                    if (ex != null) {
                        forgetGroup(subscriptionId, attempt + 1);
                    }
                }), 2L << attempt, TimeUnit.SECONDS);
    }

    @Override
    public Page<SubscriptionRecord> listSubscriptions(String topic, String searchWord, int offset, int limit) {
        TopicRecord rec = topic(topic);
        if (rec == null) {
            throw new TopicException(Kind.TOPIC_NOT_FOUND, "topic " + topic + " does not exist");
        }
        String w = searchWord == null ? "" : searchWord.toLowerCase(Locale.ROOT);
        List<SubscriptionRecord> all = subscriptionsOf(rec).stream()
                .filter(s -> s.name().toLowerCase(Locale.ROOT).contains(w))
                .sorted(Comparator.comparing(s -> s.name().toLowerCase(Locale.ROOT)))
                .toList();
        return new Page<>(all.size(), all.stream().skip(offset).limit(limit).toList());
    }

    @Override
    public CompletionStage<SubscriptionAttributes> getSubscriptionAttributes(String topic, String name) {
        return withSubscription(topic, name).thenCompose(sub -> {
            TopicRecord rec = topic(topic);
            CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> committed = admin
                    .listConsumerGroupOffsets(groupId(sub.subscriptionId())).partitionsToOffsetAndMetadata()
                    .toCompletionStage().toCompletableFuture();
            return committed.thenCombine(endOffsets(rec), (c, ends) -> {
                long lag = 0;
                for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
                    OffsetAndMetadata at = c.get(e.getKey());
                    lag += Math.max(0, e.getValue() - (at == null ? e.getValue() : at.offset()));
                }
                return new SubscriptionAttributes(sub, lag, droppedCount(sub.subscriptionId()));
            }).exceptionallyCompose(ex -> CompletableFuture.failedFuture(unavailable("reading " + name, ex)));
        });
    }

    @Override
    public CompletionStage<Void> setSubscriptionAttributes(String topic, String name, SubscriptionPatch patch) {
        return withSubscription(topic, name).thenCompose(sub -> {
            TopicRecord rec = topic(topic);
            List<String> keys = patch.bindingKeys() != null ? patch.bindingKeys() : sub.bindingKeys();
            if (rec.filterType() == 2 && keys.isEmpty()) {
                return failed(Kind.LACK_BINDING_KEY, "topic " + topic + " routes by bindingKey");
            }
            SubscriptionRecord next = sub.with(
                    patch.notifyStrategy() != null ? patch.notifyStrategy() : sub.notifyStrategy(),
                    sub.isQueue() ? sub.notifyContentFormat()
                            : patch.notifyContentFormat() != null ? patch.notifyContentFormat()
                            : sub.notifyContentFormat(),
                    patch.filterTags() != null ? patch.filterTags() : sub.filterTags(),
                    keys, clock.millis() / 1000);
            return metadata.put(SUB_PREFIX, sub.key(), next);
        });
    }

    private CompletableFuture<SubscriptionRecord> withSubscription(String topic, String name) {
        TopicRecord rec = topic(topic);
        if (rec == null) {
            return topicNotFound(topic);
        }
        SubscriptionRecord sub = subscription(SubscriptionRecord.key(topic, name));
        if (sub == null || !sub.topicId().equals(rec.topicId())) {
            return failed(Kind.SUBSCRIPTION_NOT_FOUND, "subscription " + name + " does not exist");
        }
        return CompletableFuture.completedFuture(sub);
    }

    // ---------------------------------------------------------------- helpers

    private void ensureTopic(String topic, int partitions, Map<String, String> config) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, engine.replicationFactor()).configs(config)))
                    .all().get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic, e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    static <T> CompletableFuture<T> failed(Kind kind, String message) {
        return CompletableFuture.failedFuture(new TopicException(kind, message));
    }

    private static <T> CompletableFuture<T> topicNotFound(String name) {
        return failed(Kind.TOPIC_NOT_FOUND, "topic " + name + " does not exist");
    }


    static RuntimeException unavailable(String what, Throwable ex) {
        Throwable cause = unwrap(ex);
        if (cause instanceof TopicException te) {
            return te;
        }
        return new TopicException(Kind.UNAVAILABLE, what + " failed: " + cause.getMessage(), cause);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        runner.close();
        retries.close();
        pusher.close();
        // The latest dropped counts, in case a write was still catching up (a crash may lose the last few).
        List<CompletableFuture<Void>> counts = new ArrayList<>();
        dropped.forEach((id, c) -> counts.add(metadata.put(DROPPED_PREFIX, id + "/" + instanceId, c.n.get())));
        try {
            CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warnf("writing dropped counts on close: %s", e.toString());
        }
        metadata.close();
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }
}
