package io.cmqkafka.adapter.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmqkafka.adapter.kafka.EmbeddedKafkaBroker;
import io.cmqkafka.lease.LeaseCodec;
import io.cmqkafka.lease.LeaseEvent;
import io.cmqkafka.lease.ClaimWatcher;
import io.cmqkafka.lease.InMemoryLeaseTable;
import io.cmqkafka.lease.LeaseStore;
import io.cmqkafka.lease.LeaseStoreConfig;
import io.cmqkafka.lease.QueuePartition;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The zombie-owner window of the lease log, on a real broker: once the next owner of a partition
 * has claimed it, the previous owner (which may not know yet that it lost the shard) can get no
 * event acknowledged, and none of its later events changes any store. And failover: the fencer
 * removes and aborts what a killed instance left behind.
 */
class LeaseFencingIT {

    static final String TOPIC = "fencing.lease-events";

    /**
     * Split brain: two instances both believe they own the shard (two Streams applications on one
     * lease log, so each keeps its own complete store). The later claim wins: the earlier owner's
     * events after it are acknowledged by Kafka but refused to the caller, and both stores ignore
     * them; its events before the claim count, in both stores and in the state the new owner loads.
     */
    @Test
    void aLaterClaimFencesTheEarlierOwnerAndBothStoresAgree() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog();
                LeaseStore a = leaseStore(broker, "fencing-a");
                LeaseStore b = leaseStore(broker, "fencing-b")) {
            QueuePartition qp = new QueuePartition(org.apache.kafka.common.Uuid.randomUuid(), 0);
            long epochA = a.claim(qp).get(30, TimeUnit.SECONDS);
            a.append(qp, new LeaseEvent.Leased(0, 0, 1, 30_000, 1), epochA).get(30, TimeUnit.SECONDS);

            long epochB = b.claim(qp).get(30, TimeUnit.SECONDS);
            assertThat(epochB).isGreaterThan(epochA);
            InMemoryLeaseTable loadedByB = b.load(qp);
            assertThat(loadedByB.head().ownerEpoch()).isEqualTo(epochB);
            assertThat(loadedByB.get(0)).as("the old owner's lease before the claim is honoured").isNotNull();

            // The old owner has not noticed: Kafka takes its events, but they are never acknowledged.
            assertThatThrownBy(() -> a.append(qp, new LeaseEvent.Leased(1, 0, 1, 30_000, 2), epochA)
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ClaimWatcher.NotOwnerException.class);
            assertThatThrownBy(() -> a.append(qp, new LeaseEvent.Deleted(0, 0, 1, 3), epochA)
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ClaimWatcher.NotOwnerException.class);
            b.append(qp, new LeaseEvent.Leased(2, 0, 1, 30_000, 4), epochB).get(30, TimeUnit.SECONDS);

            assertThat(committedEvents(broker.bootstrapServers(), 7)).as("all of it reached the log")
                    .contains(new LeaseEvent.Leased(1, 0, 1, 30_000, 2), new LeaseEvent.Deleted(0, 0, 1, 3));
            for (LeaseStore store : List.of(a, b)) {
                store.barrier(qp).get(30, TimeUnit.SECONDS);
                InMemoryLeaseTable t = store.load(qp);
                assertThat(t.head().ownerEpoch()).isEqualTo(epochB);
                assertThat(t.get(0).state()).as("the refused delete did not apply").isEqualTo(
                        io.cmqkafka.lease.MessageLease.State.LEASED);
                assertThat(t.get(1)).as("the refused lease did not apply").isNull();
                assertThat(t.get(2)).isNotNull();
            }
            // The old owner claims again: now the other one is fenced.
            long epochA2 = a.claim(qp).get(30, TimeUnit.SECONDS);
            a.append(qp, new LeaseEvent.Leased(3, 0, 1, 30_000, 5), epochA2).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> b.append(qp, new LeaseEvent.Leased(4, 0, 1, 30_000, 6), epochB)
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ClaimWatcher.NotOwnerException.class);
        }
    }

    /**
     * An event that Kafka did not acknowledge may still be in the log, or not: the events decided
     * after it under the same owner epoch assumed it, so they are refused too, until the dispatcher
     * claims again.
     */
    @Test
    void afterAFailedAppendTheSameEpochWritesNoMore() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog();
                LeaseStore a = leaseStore(broker, "broken-epoch")) {
            QueuePartition qp = new QueuePartition(org.apache.kafka.common.Uuid.randomUuid(), 0);
            long epoch = a.claim(qp).get(30, TimeUnit.SECONDS);
            a.append(qp, new LeaseEvent.Leased(0, 0, 1, 30_000, 1), epoch).get(30, TimeUnit.SECONDS);
            // Larger than the producer's max.request.size (1 MiB): refused by the client.
            List<LeaseEvent> tooMany = new ArrayList<>();
            for (int i = 1; i <= 40_000; i++) {
                tooMany.add(new LeaseEvent.Leased(i, 0, 1, 30_000, 2));
            }
            assertThatThrownBy(() -> a.appendAll(qp, tooMany, epoch).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            assertThatThrownBy(() -> a.append(qp, new LeaseEvent.Deleted(0, 0, 1, 3), epoch)
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ClaimWatcher.NotOwnerException.class);
            // Refused is not "not applied": the delete reached the log before any new claim, so the
            // store applied it (the safe direction: a client told to retry finds it done). What the
            // dispatcher serves next comes from the store, under a new claim.
            long next = a.claim(qp).get(30, TimeUnit.SECONDS);
            InMemoryLeaseTable reloaded = a.load(qp);
            assertThat(reloaded.head().ownerEpoch()).isEqualTo(next);
            assertThat(reloaded.head().lowWatermark()).isEqualTo(1);
            assertThat(reloaded.get(1)).as("the batch Kafka refused").isNull();
            a.append(qp, new LeaseEvent.Leased(1, 0, 1, 30_000, 4), next).get(30, TimeUnit.SECONDS);
        }
    }

    /** A lease store that fails to start closes its liveness port: peers would take it for a running instance. */
    @Test
    void aLeaseStoreThatCannotStartClosesItsLivenessPort() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            int port = closedPort();
            assertThatThrownBy(() -> new LeaseStore(new LeaseStoreConfig(broker.bootstrapServers(), "no-start",
                    "not a valid topic name!", 1, (short) 1, 1, Files.createTempDirectory("no-start"), 0,
                    "127.0.0.1:1", Duration.ofSeconds(1), true, port))).isInstanceOf(IllegalStateException.class);
            // Nobody answers on it any more (the acceptor thread lets go of it within moments).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (true) {
                try (java.net.Socket probe = new java.net.Socket()) {
                    probe.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 500);
                    assertThat(System.nanoTime()).as("liveness port %d still answers", port).isLessThan(deadline);
                    Thread.sleep(50);
                } catch (java.net.ConnectException refused) {
                    break;
                }
            }
        }
    }

    /**
     * A lease store whose Streams application cannot be built (its state directory is a file) closes the
     * clients it opened before: the lease writer's and the claim watcher's threads and connections.
     */
    @Test
    void aLeaseStoreThatCannotStartClosesItsClients() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            long watchersBefore = liveThreads("lease-claim-watcher");
            java.nio.file.Path notADirectory = Files.createTempFile("no-streams", ".state");
            assertThatThrownBy(() -> new LeaseStore(new LeaseStoreConfig(broker.bootstrapServers(), "no-streams",
                    TOPIC, 1, (short) 1, 1, notADirectory, 0, null, Duration.ofSeconds(1), true, -1)))
                    .isInstanceOf(RuntimeException.class);
            assertThat(liveThreads("no-streams-lease-writer")).as("lease writer threads").isZero();
            assertThat(liveThreads("lease-claim-watcher")).as("claim watcher threads").isEqualTo(watchersBefore);
        }
    }

    private static long liveThreads(String nameContains) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains(nameContains)).count();
    }

    /** A lease store of its own Streams application on the one-shard lease log, running. */
    static LeaseStore leaseStore(EmbeddedKafkaBroker broker, String app) throws Exception {
        LeaseStore store = new LeaseStore(new LeaseStoreConfig(broker.bootstrapServers(), app, TOPIC, 1, (short) 1, 1,
                Files.createTempDirectory(app), 0, null, Duration.ofSeconds(1), true, -1));
        store.start();
        store.awaitRunning(Duration.ofSeconds(60));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!store.isLocal(0)) {
            assertThat(System.nanoTime()).as("shard 0 never became active").isLessThan(deadline);
            Thread.sleep(20);
        }
        return store;
    }

    /**
     * Failover after kill -9: a stream thread of the dead instance leaves an open transaction that
     * holds its successor until the broker times it out. Once the group has dropped the instance,
     * the fencer aborts that transaction at once; an instance still in the group is left alone.
     */
    @Test
    void theFencerAbortsOpenTransactionsOfInstancesThatLeftTheGroup() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            String app = "fencer-app";
            String dead = java.util.UUID.randomUUID().toString();
            String alive = java.util.UUID.randomUUID().toString();
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                KafkaConsumer<byte[], byte[]> deadMember = member(broker.bootstrapServers(), app, dead);
                opened.add(() -> deadMember.close(Duration.ZERO));
                KafkaConsumer<byte[], byte[]> liveMember = member(broker.bootstrapServers(), app, alive);
                opened.add(() -> liveMember.close(Duration.ZERO));
                // Transactions as the members' stream threads would leave them: open, with a record in
                // the log, and a timeout far beyond this test.
                var deadTxn = openTransaction(broker.bootstrapServers(), app + "-" + dead + "-1");
                opened.add(() -> deadTxn.close(Duration.ZERO));
                var liveTxn = openTransaction(broker.bootstrapServers(), app + "-" + alive + "-1");
                opened.add(() -> liveTxn.close(Duration.ZERO));
                TopicPartition tp = new TopicPartition(TOPIC, 0);
                long logEnd = 2;
                assertThat(stableEnd(broker.bootstrapServers(), tp)).isZero();
                awaitMembers(broker.bootstrapServers(), app, 2, deadMember, liveMember);

                var fencer = new io.cmqkafka.lease.DeadInstanceFencer(app, broker.bootstrapServers(),
                        () -> List.of(app + "-" + alive + "-StreamThread-1"));
                opened.add(fencer);
                fencer.check(); // both members are in the group: nothing to fence
                assertThat(stableEnd(broker.bootstrapServers(), tp)).isZero();
                deadMember.close(Duration.ZERO); // the group drops it (as after its session timeout)
                awaitMembers(broker.bootstrapServers(), app, 1, liveMember);
                fencer.check();
                // The dead instance's transaction is aborted: the stable end moves up to the live
                // instance's open transaction (its record comes second in the log), not beyond.
                assertThat(stableEnd(broker.bootstrapServers(), tp)).isEqualTo(1);
                assertThatThrownBy(deadTxn::commitTransaction)
                        .isInstanceOf(org.apache.kafka.common.KafkaException.class);
                liveTxn.commitTransaction(); // not fenced
                assertThat(stableEnd(broker.bootstrapServers(), tp)).isEqualTo(logEnd + 2); // + two markers
            } finally {
                closeQuietly(opened);
            }
        }
    }

    /**
     * Failover without waiting for the session timeout: an instance whose liveness port answered
     * and then refuses connections twice is removed from the group, and its open transaction
     * aborted, in the same look. One refusal is not enough, an endpoint that never answered
     * (misconfigured, or starting) is left to the session timeout, and the fencer's own instance
     * is never probed.
     */
    @Test
    void theFencerRemovesStaticMembersWhoseEndpointStoppedAnswering() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            String app = "probe-app";
            String dead = java.util.UUID.randomUUID().toString();
            String silent = java.util.UUID.randomUUID().toString();
            String self = java.util.UUID.randomUUID().toString();
            List<AutoCloseable> opened = new ArrayList<>();
            try {
                java.net.ServerSocket deadEndpoint = new java.net.ServerSocket(0, 50,
                        java.net.InetAddress.getLoopbackAddress());
                opened.add(deadEndpoint);
                String deadId = "cmq-0000000a-127.0.0.1-" + deadEndpoint.getLocalPort();
                String silentId = "cmq-0000000b-127.0.0.1-" + closedPort();
                String selfId = "cmq-0000000c-127.0.0.1-" + closedPort();
                String bootstrap = broker.bootstrapServers();
                var deadMember = member(bootstrap, app, dead, deadId + "-1");
                opened.add(() -> deadMember.close(Duration.ZERO));
                var silentMember = member(bootstrap, app, silent, silentId + "-1");
                opened.add(() -> silentMember.close(Duration.ZERO));
                var selfMember = member(bootstrap, app, self, selfId + "-1");
                opened.add(() -> selfMember.close(Duration.ZERO));
                awaitMembers(bootstrap, app, 3, deadMember, silentMember, selfMember);
                var deadTxn = openTransaction(bootstrap, app + "-" + dead + "-1");
                opened.add(() -> deadTxn.close(Duration.ZERO));
                TopicPartition tp = new TopicPartition(TOPIC, 0);

                var fencer = new io.cmqkafka.lease.DeadInstanceFencer(app, bootstrap,
                        () -> List.of(app + "-" + self + "-StreamThread-1"), selfId,
                        io.cmqkafka.lease.DeadInstanceFencer.EndpointProbe.TCP);
                opened.add(fencer);
                for (int i = 0; i < 3; i++) {
                    fencer.check(); // the silent and own endpoints refuse, but never answered / are not probed
                }
                assertThat(memberInstanceIds(bootstrap, app)).containsExactlyInAnyOrder(
                        deadId + "-1", silentId + "-1", selfId + "-1");
                deadEndpoint.close(); // kill -9: nothing listens there any more
                fencer.check();
                assertThat(memberInstanceIds(bootstrap, app)).as("one refusal is no proof").hasSize(3);
                assertThat(stableEnd(bootstrap, tp)).isZero();
                fencer.check();
                assertThat(memberInstanceIds(bootstrap, app)).containsExactlyInAnyOrder(
                        silentId + "-1", selfId + "-1");
                assertThat(stableEnd(bootstrap, tp)).as("the removed instance's transaction is aborted")
                        .isEqualTo(2); // its record and the abort marker
            } finally {
                closeQuietly(opened);
            }
        }
    }

    /** Closes what a test opened, also after a failure (the first failure is the one to report). */
    static void closeQuietly(List<AutoCloseable> opened) {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // closing after a failure
            }
        }
    }

    static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static List<String> memberInstanceIds(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS).members().stream()
                    .map(m -> m.groupInstanceId().orElse("dynamic " + m.clientId())).toList();
        }
    }

    /** A group member with a Streams thread's default client id, polled until it has joined. */
    static KafkaConsumer<byte[], byte[]> member(String bootstrap, String app, String processId) {
        return member(bootstrap, app, processId, null);
    }

    static KafkaConsumer<byte[], byte[]> member(String bootstrap, String app, String processId,
            String groupInstanceId) {
        Properties c = new Properties();
        if (groupInstanceId != null) {
            c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        }
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, app);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, app + "-" + processId + "-StreamThread-1-consumer");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(TOPIC));
        consumer.poll(Duration.ofMillis(100));
        return consumer;
    }

    /** Polls the members (joining takes polls) until the group lists {@code n} members. */
    @SafeVarargs
    static void awaitMembers(String bootstrap, String group, int n, KafkaConsumer<byte[], byte[]>... polled)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (members(admin, group) != n) {
                assertThat(System.nanoTime()).as("group %s never had %d members", group, n).isLessThan(deadline);
                for (KafkaConsumer<byte[], byte[]> c : polled) {
                    c.poll(Duration.ofMillis(50));
                }
            }
        }
    }

    static int members(Admin admin, String group) throws Exception {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(10, TimeUnit.SECONDS).members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return 0; // no member has joined yet
            }
            throw e;
        }
    }

    static org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> openTransaction(String bootstrap,
            String txnId) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 300_000);
        var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(p,
                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, 0, new byte[] {1}, new byte[] {1})).get(30, TimeUnit.SECONDS);
        return producer;
    }

    /** The last stable offset: how far a read_committed reader (a restoring owner) can get. */
    static long stableEnd(String bootstrap, TopicPartition tp) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
        }
    }

    /** A fresh real broker with a one-partition lease log. */
    static EmbeddedKafkaBroker brokerWithLeaseLog() throws Exception {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Files.createTempDirectory("fencing"), 0).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return broker;
    }

    static List<LeaseEvent> committedEvents(String bootstrap, int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<LeaseEvent> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Read until the end of what is committed (the position passes the last stable offset).
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(LeaseCodec.decodeEvent(r.value()));
                }
                if (out.size() >= expected
                        && consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp)) {
                    break;
                }
            }
        }
        return out;
    }
}
