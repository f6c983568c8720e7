package io.cmqkafka.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real broker holding hanging transactions: transactional batches whose coordinator has no
 * matching transaction (what Kafka leaves behind when a coordinator skips the markers of offline
 * partitions, as the embedded broker does after a SIGKILL mid-commit). The broker here appends
 * them because it does not verify transactional produce requests against their coordinator.
 */
class HangingTransactionIT {

    static final Duration MIN_AGE = Duration.ofMinutes(1);
    static final long OLD = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();

    static EmbeddedKafkaBroker broker;
    static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = new EmbeddedKafkaBroker(Files.createTempDirectory("hanging-txn"), 0,
                Map.of("transaction.partition.verification.enable", "false")).start();
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        admin = Admin.create(p);
        admin.createTopics(List.of(new NewTopic("cmq.queue.hang", 1, (short) 1),
                new NewTopic("cmq.queue.live", 1, (short) 1), new NewTopic("cmq.queue.fresh", 1, (short) 1),
                new NewTopic("cmq-lease-store-cmq-message-leases-changelog", 1, (short) 1),
                new NewTopic("other-app.events", 1, (short) 1), new NewTopic("cmq.scratch", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    HangingTransactionSweeper sweeper() {
        return new HangingTransactionSweeper(broker.bootstrapServers(), new HangingTransactionSweeper.Scope(
                List.of("cmq.", "cmq-lease-store-"), List.of("cmq-lease-store-", "cmq.")), MIN_AGE,
                System::currentTimeMillis);
    }

    @Test
    void abortsOnlyOldTransactionsOnOwnTopicsThatTheirCoordinatorDoesNotHave() throws Exception {
        // A producer the coordinator knows, with no transaction open (its state is Empty), as after
        // the coordinator recorded a commit whose markers it skipped.
        TransactionDescription known = committedOnce("cmq-lease-store-0f6c-1");
        TopicPartition changelog = new TopicPartition("cmq-lease-store-cmq-message-leases-changelog", 0);
        TopicPartition queue = new TopicPartition("cmq.queue.hang", 0);
        TopicPartition foreign = new TopicPartition("other-app.events", 0);
        TopicPartition fresh = new TopicPartition("cmq.queue.fresh", 0);
        appendTransactionalBatch(changelog, known.producerId(), (short) known.producerEpoch(), OLD);
        appendTransactionalBatch(queue, 987_654L, (short) 0, OLD); // a producer no coordinator knows
        appendTransactionalBatch(foreign, 987_655L, (short) 0, OLD);
        appendTransactionalBatch(fresh, 987_656L, (short) 0, System.currentTimeMillis());
        for (TopicPartition tp : List.of(changelog, queue, foreign, fresh)) {
            assertThat(lastStableOffset(tp)).as("%s held back", tp).isLessThan(endOffset(tp));
        }

        try (HangingTransactionSweeper sweeper = sweeper()) {
            var aborted = sweeper.sweep();
            assertThat(aborted).extracting(HangingTransactionSweeper.OpenTransaction::partition)
                    .containsExactlyInAnyOrder(changelog, queue);
            assertThat(sweeper.sweep()).as("nothing left to abort").isEmpty();
        }
        assertThat(lastStableOffset(changelog)).isEqualTo(endOffset(changelog));
        assertThat(lastStableOffset(queue)).isEqualTo(endOffset(queue));
        assertThat(lastStableOffset(foreign)).as("another application's partition").isLessThan(endOffset(foreign));
        assertThat(lastStableOffset(fresh)).as("younger than the minimum age").isLessThan(endOffset(fresh));
    }

    @Test
    void leavesATransactionItsCoordinatorHasOpenAloneHoweverOld() throws Exception {
        TopicPartition live = new TopicPartition("cmq.queue.live", 0);
        try (KafkaProducer<String, String> producer = transactional("cmq.fanout.live-1")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(live.topic(), live.partition(), OLD, "k", "v")).get();
            assertThat(lastStableOffset(live)).isLessThan(endOffset(live));
            try (HangingTransactionSweeper sweeper = sweeper()) {
                assertThat(sweeper.sweep()).isEmpty();
            }
            producer.commitTransaction(); // not fenced, not aborted: it commits
        }
        // The commit marker is written after commitTransaction returns.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lastStableOffset(live) < endOffset(live) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(lastStableOffset(live)).isEqualTo(endOffset(live));
    }

    private static KafkaProducer<String, String> transactional(String id) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static TransactionDescription committedOnce(String transactionalId) throws Exception {
        try (KafkaProducer<String, String> producer = transactional(transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("cmq.scratch", "k", "v")).get();
            producer.commitTransaction();
        }
        return admin.describeTransactions(Set.of(transactionalId)).all().get(30, TimeUnit.SECONDS)
                .get(transactionalId);
    }

    /** A transactional batch appended as is (Produce v11: no implicit add to a transaction). */
    private static void appendTransactionalBatch(TopicPartition tp, long producerId, short epoch, long timestamp)
            throws Exception {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, 0,
                new SimpleRecord(timestamp, null, "left open".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(tp.topic()).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(tp.partition()).setRecords(records))));
        short version = 11;
        ProduceRequest request = new ProduceRequest.Builder(version, version, new ProduceRequestData()
                .setAcks((short) -1).setTimeoutMs(10_000).setTransactionalId("forged").setTopicData(topics))
                .build(version);
        ByteBuffer out = request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, version, "test", 1));
        String[] hostPort = broker.bootstrapServers().split(":");
        try (Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            DataOutputStream w = new DataOutputStream(s.getOutputStream());
            w.writeInt(out.remaining());
            w.write(out.array(), out.arrayOffset() + out.position(), out.remaining());
            w.flush();
            DataInputStream r = new DataInputStream(s.getInputStream());
            byte[] body = new byte[r.readInt()];
            r.readFully(body);
            ByteBuffer in = ByteBuffer.wrap(body);
            ResponseHeader.parse(in, ApiKeys.PRODUCE.responseHeaderVersion(version));
            ProduceResponse response = ProduceResponse.parse(new ByteBufferAccessor(in), version);
            response.data().responses().forEach(t -> t.partitionResponses().forEach(pr ->
                    assertThat(Errors.forCode(pr.errorCode())).as("append to %s", tp).isEqualTo(Errors.NONE)));
        }
    }

    private static long endOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                .offset();
    }

    private static long lastStableOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
    }
}
