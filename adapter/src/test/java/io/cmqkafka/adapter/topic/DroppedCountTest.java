package io.cmqkafka.adapter.topic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cmqkafka.adapter.engine.EngineSettings;
import io.cmqkafka.adapter.engine.ManualClock;
import io.cmqkafka.adapter.kafka.EmbeddedKafkaBroker;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@code droppedMsgCount} is the cluster's, not an instance's: two topic engines on one broker (two
 * instances) drop messages of one subscription between them and both report the total, and an engine
 * started afterwards (a restart) still reports it.
 */
class DroppedCountTest {

    // As the service's (Quarkus) mapper: derived getters such as isQueue() are written and ignored on reading.
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    static long await(LongSupplier value, long expected) throws InterruptedException {
        long end = System.currentTimeMillis() + 60_000;
        while (value.getAsLong() != expected && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        return value.getAsLong();
    }

    static long dropped(TopicEngine e, String topic, String sub) {
        try {
            return e.getSubscriptionAttributes(topic, sub).toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .droppedMsgCount();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void droppedCountIsClusterWideAndSurvivesRestart() throws Exception {
        Path dir = Files.createTempDirectory("dropped-count");
        AtomicInteger pushes = new AtomicInteger();
        HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        refusing.createContext("/", ex -> {
            pushes.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        refusing.start();
        ManualClock clock = new ManualClock();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start()) {
            EngineSettings s = new EngineSettings(broker.bootstrapServers(), "cmq.", (short) 1, 1, 2, 100, 1 << 20,
                    100, 0);
            TopicSettings ts = new TopicSettings(4, 100, Duration.ofSeconds(2), 16, EndpointPolicy.ANY, 2, 1000);
            String subscriptionId;
            int published = 12;
            try (TopicEngine a = new TopicEngine(s, ts, clock, JSON); TopicEngine b = new TopicEngine(s, ts, clock, JSON)) {
                a.createTopic("drops", 65536, 1).toCompletableFuture().get(30, TimeUnit.SECONDS);
                subscriptionId = a.subscribe("drops", "hook", new TopicService.SubscriptionSpec("http",
                        "http://127.0.0.1:" + refusing.getAddress().getPort() + "/", "EXPONENTIAL_DECAY_RETRY",
                        "SIMPLIFIED", List.of(), List.of())).toCompletableFuture().get(30, TimeUnit.SECONDS);
                // Both instances run a member of the subscription's group: wait until it is balanced, so both
                // push (and drop) some of the messages.
                try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                        java.util.Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                    String group = a.groupId(subscriptionId);
                    assertThat(await(() -> {
                        try {
                            var d = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                                    .get(10, TimeUnit.SECONDS);
                            return d.members().stream()
                                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
                        } catch (Exception e) {
                            return -1;
                        }
                    }, 2)).isEqualTo(2);
                }
                for (int i = 0; i < published; i++) {
                    a.publish("drops", List.of("m" + i), List.of(), null, null).toCompletableFuture().get(30, TimeUnit.SECONDS);
                }
                // Past the messages' one-day life: the first failed push drops each of them.
                clock.advanceSeconds(2 * 86_400);
                assertThat(await(() -> dropped(a, "drops", "hook"), published)).isEqualTo(published);
                assertThat(await(() -> dropped(b, "drops", "hook"), published)).as("the other instance's view")
                        .isEqualTo(published);
                assertThat(pushes.get()).isGreaterThanOrEqualTo(published);
            }
            try (TopicEngine restarted = new TopicEngine(s, ts, clock, JSON)) {
                assertThat(dropped(restarted, "drops", "hook")).as("after a restart").isEqualTo(published);
                restarted.unsubscribe("drops", "hook").toCompletableFuture().get(30, TimeUnit.SECONDS);
                assertThat(await(() -> restarted.droppedCount(subscriptionId), 0)).as("forgotten with the subscription")
                        .isZero();
            }
        } finally {
            refusing.stop(0);
        }
    }
}
