package io.cmqkafka.adapter.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.jboss.logging.Logger;

/**
 * Finds transactions left open on a partition that their coordinator no longer tracks ("hanging"
 * transactions, KIP-664) on this service's topics, and aborts them, as {@code kafka-transactions.sh
 * find-hanging} and {@code abort} would.
 *
 * <p>Why: a hanging transaction holds the partition's last stable offset forever. Every
 * {@code read_committed} reader stops there: a queue partition's messages stay invisible, and a
 * lease store changelog or {@code __consumer_offsets} partition keeps its lease shard from ever
 * being restored, so the service never gets ready. Kafka 4.4 leaves one behind when a broker's
 * partitions go offline while its coordinator completes a commit: the coordinator skips their
 * markers ("Couldn't find leader endpoint ... likely deleted already") and records the transaction
 * as complete. The single-node embedded broker does exactly that after it is killed with SIGKILL
 * mid-commit: on restart its old registration is fenced and its partitions go offline for a moment
 * while the reloaded coordinator retries the markers.
 *
 * <p>A transaction is aborted only if all hold: it is on one of this service's topics, or on
 * {@code __consumer_offsets} under one of this service's transactional ids (other applications'
 * transactions are never touched); its last write is older than {@code minAge} (far beyond the
 * service's transaction timeouts, 4 and 10 s); its coordinator has no active transaction of that
 * producer that includes the partition; and a second look at the partition still finds it open.
 * Aborting a transaction the coordinator had decided to commit undoes it on that partition only
 * where the markers never arrived, which is what Kafka's own tool does; for the lease store that
 * means re-reading a few lease events, and the lease rules ignore an event that already took effect.
 */
public final class HangingTransactionSweeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HangingTransactionSweeper.class);
    static final String OFFSETS_TOPIC = "__consumer_offsets";

    /** A transaction open on one partition, as the partition leader reports it. */
    record OpenTransaction(TopicPartition partition, long producerId, int producerEpoch, int coordinatorEpoch,
            long startOffset, long lastTimestamp) {

        static OpenTransaction of(TopicPartition tp, ProducerState s) {
            return new OpenTransaction(tp, s.producerId(), s.producerEpoch(), s.coordinatorEpoch().orElse(-1),
                    s.currentTransactionStartOffset().orElseThrow(), s.lastTimestamp());
        }
    }

    /** A producer's transaction as its coordinator reports it. */
    record CoordinatorView(String transactionalId, TransactionDescription transaction) {
    }

    /**
     * What is this service's: topics (queues, topics, lease log, lease store changelogs) and
     * transactional ids (lease store, topic fan-out), by name prefix.
     */
    public record Scope(List<String> topicPrefixes, List<String> transactionalIdPrefixes) {

        public Scope {
            topicPrefixes = List.copyOf(topicPrefixes);
            transactionalIdPrefixes = List.copyOf(transactionalIdPrefixes);
        }

        boolean isOwnTopic(String topic) {
            return topicPrefixes.stream().anyMatch(topic::startsWith);
        }

        boolean isOwnTransactionalId(String id) {
            return transactionalIdPrefixes.stream().anyMatch(id::startsWith);
        }

        /** Own topics: any hanging transaction there is ours. Offsets are shared: only under our transactional ids. */
        boolean mayAbort(OpenTransaction t, Optional<CoordinatorView> coordinator) {
            if (!OFFSETS_TOPIC.equals(t.partition().topic())) {
                return isOwnTopic(t.partition().topic());
            }
            return coordinator.isPresent() && isOwnTransactionalId(coordinator.get().transactionalId());
        }
    }

    private final Admin admin;
    private final Scope scope;
    private final Duration minAge;
    private final LongSupplier wallClockMillis;
    private boolean failing;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hanging-transaction-sweeper");
        t.setDaemon(true);
        return t;
    });

    public HangingTransactionSweeper(String bootstrapServers, Scope scope, Duration minAge,
            LongSupplier wallClockMillis) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "cmq-hanging-transaction-sweeper");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.admin = Admin.create(p);
        this.scope = scope;
        this.minAge = minAge;
        this.wallClockMillis = wallClockMillis;
    }

    /** Sweeps now and then every {@code interval}; failures are logged and the next sweep tries again. */
    public void start(Duration interval) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                sweep();
                failing = false;
            } catch (Exception e) {
                // Once per run of failures: a cluster that refuses describeProducers (ACLs) should be known.
                if (!failing) {
                    LOG.warnf("hanging transaction sweep failed (the next one retries): %s", e.toString());
                }
                failing = true;
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One sweep; returns the transactions it aborted. */
    public List<OpenTransaction> sweep() throws InterruptedException, ExecutionException, TimeoutException {
        List<TopicPartition> partitions = watchedPartitions();
        List<OpenTransaction> old = openTransactions(partitions).stream()
                .filter(t -> wallClockMillis.getAsLong() - t.lastTimestamp() >= minAge.toMillis())
                .toList();
        if (old.isEmpty()) {
            return List.of();
        }
        Map<Long, CoordinatorView> coordinatorViews = coordinatorViews(old);
        List<OpenTransaction> hanging = new ArrayList<>();
        for (OpenTransaction t : old) {
            Optional<CoordinatorView> view = Optional.ofNullable(coordinatorViews.get(t.producerId()));
            if (isHanging(t, view) && scope.mayAbort(t, view)) {
                hanging.add(t);
            }
        }
        if (hanging.isEmpty()) {
            return List.of();
        }
        // The coordinator may have completed the transaction between the two looks: abort only what is still open.
        Set<OpenTransaction> stillOpen = new HashSet<>(openTransactions(hanging.stream().map(OpenTransaction::partition)
                .distinct().toList()));
        List<OpenTransaction> aborted = new ArrayList<>();
        for (OpenTransaction t : hanging) {
            if (!stillOpen.contains(t)) {
                continue;
            }
            LOG.warnf("aborting a hanging transaction on %s: producer %d epoch %d, open since offset %d, last "
                    + "written %d s ago, and its coordinator has no such transaction (%s); it held back every "
                    + "read_committed reader of the partition", t.partition(), t.producerId(), t.producerEpoch(),
                    t.startOffset(), (wallClockMillis.getAsLong() - t.lastTimestamp()) / 1000,
                    Optional.ofNullable(coordinatorViews.get(t.producerId())).map(v -> v.transactionalId() + " "
                            + v.transaction().state() + " " + v.transaction().topicPartitions()).orElse("unknown producer"));
            admin.abortTransaction(new AbortTransactionSpec(t.partition(), t.producerId(), (short) t.producerEpoch(),
                    t.coordinatorEpoch())).all().get(30, TimeUnit.SECONDS);
            aborted.add(t);
        }
        return aborted;
    }

    /**
     * Hanging: the coordinator has no transaction of this producer that is active and includes the
     * partition (a transaction being committed or aborted still counts as active: its markers are coming).
     */
    static boolean isHanging(OpenTransaction t, Optional<CoordinatorView> coordinator) {
        if (coordinator.isEmpty()) {
            return true;
        }
        TransactionDescription d = coordinator.get().transaction();
        boolean active = d.state() == TransactionState.ONGOING || d.state() == TransactionState.PREPARE_COMMIT
                || d.state() == TransactionState.PREPARE_ABORT || d.state() == TransactionState.PREPARE_EPOCH_FENCE;
        return !(active && d.producerId() == t.producerId() && d.topicPartitions().contains(t.partition()));
    }

    private List<TopicPartition> watchedPartitions() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = new HashSet<>();
        for (String name : admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(30, TimeUnit.SECONDS)) {
            if (scope.isOwnTopic(name) || OFFSETS_TOPIC.equals(name)) {
                topics.add(name);
            }
        }
        List<TopicPartition> out = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            for (TopicPartitionInfo p : d.partitions()) {
                out.add(new TopicPartition(d.name(), p.partition()));
            }
        }
        return out;
    }

    private List<OpenTransaction> openTransactions(Collection<TopicPartition> partitions)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<OpenTransaction> out = new ArrayList<>();
        if (partitions.isEmpty()) {
            return out;
        }
        Map<TopicPartition, PartitionProducerState> states = admin.describeProducers(partitions).all()
                .get(30, TimeUnit.SECONDS);
        states.forEach((tp, state) -> {
            for (ProducerState s : state.activeProducers()) {
                if (s.currentTransactionStartOffset().isPresent()) {
                    out.add(OpenTransaction.of(tp, s));
                }
            }
        });
        return out;
    }

    /** Per producer id: its transaction as its coordinator reports it; absent if no coordinator knows the producer. */
    private Map<Long, CoordinatorView> coordinatorViews(List<OpenTransaction> open)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<Long> producerIds = new HashSet<>();
        open.forEach(t -> producerIds.add(t.producerId()));
        Map<String, Long> producerIdsByName = new HashMap<>();
        for (TransactionListing l : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds))
                .all().get(30, TimeUnit.SECONDS)) {
            producerIdsByName.put(l.transactionalId(), l.producerId());
        }
        Map<Long, CoordinatorView> out = new HashMap<>();
        if (!producerIdsByName.isEmpty()) {
            admin.describeTransactions(producerIdsByName.keySet()).all().get(30, TimeUnit.SECONDS)
                    .forEach((name, d) -> out.put(producerIdsByName.get(name), new CoordinatorView(name, d)));
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
