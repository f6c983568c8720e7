package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.QueueMeta;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exactly once into a queue across a killed instance: two service processes on one broker process share a
 * queue subscription's consumer group (each delivers some of the topic's partitions). Messages are published
 * continuously through the surviving instance while the other is killed with SIGKILL mid-delivery. Every
 * acknowledged publish must then be in the queue exactly once: one queue message per body, never two. An
 * HTTP subscription on the same topic, pushing to a receiver in this JVM, must get every acknowledged
 * message at least once.
 */
@Tag("slow")
class TopicFanoutIT {

    @Test
    void everyPublishedMessageLandsInTheQueueExactlyOnce() throws Exception {
        Path dir = Files.createTempDirectory("cmq-topic-eo");
        int kafkaPort;
        try (ServerSocket s = new ServerSocket(0)) {
            kafkaPort = s.getLocalPort();
        }
        Map<String, String> props = Map.of("cmq.kafka.bootstrap-servers", "127.0.0.1:" + kafkaPort,
                "cmq.kafka.replication-factor", "1", "cmq.kafka.min-insync-replicas", "1",
                "cmq.queue.partitions", "3", "cmq.topic.partitions", "6", "cmq.lease.standby-replicas", "0");
        ServiceProcess broker = new ServiceProcess(dir.resolve("broker"), Map.of("cmq.role", "broker",
                "cmq.kafka.embedded-port", String.valueOf(kafkaPort))).start();
        ServiceProcess survivor = null;
        ServiceProcess victim = null;
        ExecutorService pool = Executors.newCachedThreadPool();
        HttpReceiver receiver = new HttpReceiver(HttpReceiver.Answer.status(200));
        try {
            survivor = new ServiceProcess(dir.resolve("node0"), props).start();
            victim = new ServiceProcess(dir.resolve("node1"), props).start();
            Account a = CmqSdk.account(survivor.url());
            QueueMeta meta = new QueueMeta();
            meta.visibilityTimeout = 300;
            a.createQueue("eo-q", meta);
            a.createTopic("eo-t", 65536);
            a.createSubscribe("eo-t", "into-q", "eo-q", "queue");
            a.createSubscribe("eo-t", "hook", receiver.url("/hook"), "http", null, null, "EXPONENTIAL_DECAY_RETRY",
                    "SIMPLIFIED");
            Thread.sleep(3000); // both instances join the subscription's group

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            Set<String> ambiguous = ConcurrentHashMap.newKeySet();
            AtomicBoolean publishing = new AtomicBoolean(true);
            AtomicInteger seq = new AtomicInteger();
            Future<?> publisher = pool.submit(() -> {
                while (publishing.get()) {
                    List<String> bodies = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        bodies.add("eo-" + seq.incrementAndGet());
                    }
                    try {
                        a.getTopic("eo-t").batchPublishMessage(bodies);
                        acknowledged.addAll(bodies);
                    } catch (Exception e) {
                        ambiguous.addAll(bodies);
                    }
                    Thread.sleep(20);
                }
                return null;
            });
            Thread.sleep(6000);
            victim.kill();
            System.out.println("killed the second instance (SIGKILL) after " + acknowledged.size() + " publishes");
            Thread.sleep(6000);
            publishing.set(false);
            publisher.get(30, TimeUnit.SECONDS);
            System.out.printf("published %d (ambiguous %d)%n", acknowledged.size(), ambiguous.size());

            // Drain: session timeout (6 s) + transaction timeout (10 s) + lease shard failover.
            Map<String, Set<String>> idsByBody = new HashMap<>();
            com.qcloud.cmq.Queue q = a.getQueue("eo-q");
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() - quietSince < 25_000) {
                try {
                    List<Message> got = q.batchReceiveMessage(16, 2);
                    List<String> handles = new ArrayList<>();
                    for (Message m : got) {
                        idsByBody.computeIfAbsent(m.msgBody, k -> new java.util.HashSet<>()).add(m.msgId);
                        handles.add(m.receiptHandle);
                    }
                    q.batchDeleteMessage(handles);
                    quietSince = System.currentTimeMillis();
                } catch (CMQServerException e) {
                    assertThat(CmqSdk.code(e)).isIn(7000, 6000, 6010, 6020);
                }
            }
            List<String> missing = acknowledged.stream().filter(b -> !idsByBody.containsKey(b)).toList();
            List<String> duplicated = idsByBody.entrySet().stream().filter(e -> e.getValue().size() > 1)
                    .map(Map.Entry::getKey).toList();
            System.out.printf("in queue: %d distinct bodies; missing %d; duplicated %d%n", idsByBody.size(),
                    missing.size(), duplicated.size());
            assertThat(acknowledged).hasSizeGreaterThan(100);
            assertThat(missing).as("acknowledged publishes missing from the queue").isEmpty();
            assertThat(duplicated).as("bodies written into the queue twice").isEmpty();
            for (String body : idsByBody.keySet()) {
                assertThat(acknowledged.contains(body) || ambiguous.contains(body)).as(body).isTrue();
            }
            long end = System.currentTimeMillis() + 60_000;
            while (!new java.util.HashSet<>(receiver.bodies()).containsAll(acknowledged)
                    && System.currentTimeMillis() < end) {
                Thread.sleep(500);
            }
            List<String> pushed = receiver.bodies();
            System.out.printf("HTTP pushes: %d for %d distinct bodies%n", pushed.size(),
                    new java.util.HashSet<>(pushed).size());
            assertThat(new java.util.HashSet<>(pushed)).as("every acknowledged publish pushed at least once")
                    .containsAll(acknowledged);
        } finally {
            receiver.close();
            pool.shutdownNow();
            if (victim != null) {
                victim.kill();
            }
            if (survivor != null) {
                survivor.stop();
            }
            broker.stop();
        }
    }
}
