package io.cmqkafka.adapter.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmqkafka.adapter.kafka.EmbeddedKafkaBroker;
import io.cmqkafka.lease.LeaseCodec;
import io.cmqkafka.lease.LeaseEvent;
import io.cmqkafka.lease.LeaseShardWriter;
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
 * The zombie-owner window of the lease log, on a real broker: once the next owner of a shard has
 * opened its writer, the previous owner (which may not know yet that it lost the shard) can get
 * no event acknowledged, and none of its later events reaches the store (read_committed).
 */
class LeaseFencingIT {

    static final String TOPIC = "fencing.lease-events";

    @Test
    void theNextOwnersWriterFencesThePreviousOne() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            Properties base = new Properties();
            base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            base.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
            LeaseShardWriter oldOwner = new LeaseShardWriter(base, "fencing-lease-shard-0", 0, () -> true);
            oldOwner.append(event(new LeaseEvent.Leased(0, 0, 1, 30_000, 1))).get(30, TimeUnit.SECONDS);

            LeaseShardWriter newOwner = new LeaseShardWriter(base, "fencing-lease-shard-0", 0, () -> true);
            newOwner.append(event(new LeaseEvent.Claimed(2))).get(30, TimeUnit.SECONDS);

            // The old owner still thinks it owns the shard: its lease must not be acknowledged.
            assertThatThrownBy(() -> oldOwner.append(event(new LeaseEvent.Leased(1, 0, 1, 30_000, 2)))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(LeaseShardWriter.NotOwnerException.class);
            // And it stays fenced.
            assertThatThrownBy(() -> oldOwner.append(event(new LeaseEvent.Deleted(0, 0, 1, 3)))
                    .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LeaseShardWriter.NotOwnerException.class);
            newOwner.append(event(new LeaseEvent.Leased(2, 0, 1, 30_000, 4))).get(30, TimeUnit.SECONDS);

            // What the store (read_committed) sees: the old owner's event before the takeover, then
            // only the new owner's.
            assertThat(committedEvents(broker.bootstrapServers(), 3)).containsExactly(
                    new LeaseEvent.Leased(0, 0, 1, 30_000, 1), new LeaseEvent.Claimed(2),
                    new LeaseEvent.Leased(2, 0, 1, 30_000, 4));
            oldOwner.close();
            newOwner.close();
        }
    }

    @Test
    void aClosedWriterCommitsWhatWasQueuedAndThenRefuses() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            Properties base = new Properties();
            base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            LeaseShardWriter w = new LeaseShardWriter(base, "closing-lease-shard-0", 0, () -> true);
            // Started (a writer closed before it starts never opens: it could fence the next owner).
            w.append(event(new LeaseEvent.Claimed(1))).get(30, TimeUnit.SECONDS);
            List<java.util.concurrent.CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                acks.add(w.append(event(new LeaseEvent.Leased(i, 0, 1, 30_000, 1))));
            }
            w.close(); // a shard handed over: what was decided before must reach the log
            for (var a : acks) {
                a.get(1, TimeUnit.SECONDS);
            }
            assertThat(committedEvents(broker.bootstrapServers(), 51)).hasSize(51);
            assertThatThrownBy(() -> w.append(event(new LeaseEvent.Claimed(3))).get(1, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(LeaseShardWriter.NotOwnerException.class);
        }
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
    /**
     * A writer whose producer breaks without being fenced (the broker answered a retried commit
     * with INVALID_TXN_STATE, seen in a benchmark run) starts a new producer while this instance
     * still owns the shard, and goes on; the broken transaction's events never become visible.
     * Once the shard is not owned here any more, a broken writer stops instead.
     */
    @Test
    void aBrokenWriterRestartsWhileItOwnsTheShardAndStopsOtherwise() throws Exception {
        try (EmbeddedKafkaBroker broker = brokerWithLeaseLog()) {
            Properties base = new Properties();
            base.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            java.util.concurrent.atomic.AtomicBoolean breakNextCommit = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean owner = new java.util.concurrent.atomic.AtomicBoolean(true);
            LeaseShardWriter w = new LeaseShardWriter(base, "broken-lease-shard-0", 0, owner::get,
                    p -> new BreakingProducer(p, breakNextCommit));
            try {
                w.append(event(new LeaseEvent.Leased(0, 0, 1, 30_000, 1))).get(30, TimeUnit.SECONDS);
                breakNextCommit.set(true);
                assertThatThrownBy(() -> w.append(event(new LeaseEvent.Leased(1, 0, 1, 30_000, 2)))
                        .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseShardWriter.NotOwnerException.class);
                // Restarted: a later event is written by a new producer (events queued while it
                // restarts fail, as a client's retry would find).
                appendEventually(w, new LeaseEvent.Leased(2, 0, 1, 30_000, 3));
                assertThat(committedEvents(broker.bootstrapServers(), 2)).containsExactly(
                        new LeaseEvent.Leased(0, 0, 1, 30_000, 1), new LeaseEvent.Leased(2, 0, 1, 30_000, 3));

                owner.set(false); // the shard moved away (this instance has not closed the writer yet)
                breakNextCommit.set(true);
                assertThatThrownBy(() -> w.append(event(new LeaseEvent.Leased(3, 0, 1, 30_000, 4)))
                        .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(LeaseShardWriter.NotOwnerException.class);
                for (int i = 0; i < 10; i++) {
                    Thread.sleep(100);
                    assertThatThrownBy(() -> w.append(event(new LeaseEvent.Leased(4, 0, 1, 30_000, 5)))
                            .get(30, TimeUnit.SECONDS)).as("stopped, not restarted")
                            .hasCauseInstanceOf(LeaseShardWriter.NotOwnerException.class);
                }
                assertThat(committedEvents(broker.bootstrapServers(), 2)).hasSize(2);
            } finally {
                w.close();
            }
        }
    }

    static void appendEventually(LeaseShardWriter w, LeaseEvent e) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                w.append(event(e)).get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException failed) {
                assertThat(System.nanoTime()).as("never written: %s", failed.getCause()).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    /** A real producer whose next commit, when armed, fails as a producer in a fatal state does. */
    static final class BreakingProducer extends org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> {
        private final java.util.concurrent.atomic.AtomicBoolean breakNextCommit;
        private volatile boolean broken;

        BreakingProducer(Properties p, java.util.concurrent.atomic.AtomicBoolean breakNextCommit) {
            super(p, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer());
            this.breakNextCommit = breakNextCommit;
        }

        @Override
        public void commitTransaction() {
            if (breakNextCommit.getAndSet(false)) {
                broken = true;
                throw new org.apache.kafka.common.errors.InvalidTxnStateException("injected");
            }
            super.commitTransaction();
        }

        @Override
        public void abortTransaction() {
            if (broken) {
                throw new org.apache.kafka.common.KafkaException("Cannot execute transactional method because we are in an error state");
            }
            super.abortTransaction();
        }
    }

    static EmbeddedKafkaBroker brokerWithLeaseLog() throws Exception {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Files.createTempDirectory("fencing"), 0).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return broker;
    }

    static ProducerRecord<byte[], byte[]> event(LeaseEvent e) {
        return new ProducerRecord<>(TOPIC, 0, new byte[] {1}, LeaseCodec.encode(e));
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
