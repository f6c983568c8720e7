package io.cmqkafka.adapter.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmqkafka.lease.LeaseStore;
import io.cmqkafka.lease.LeaseStoreConfig;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The engine against Kafka in a container, where a Docker engine exists; reported as skipped
 * where none does (these machines), while the same engine is tested on the embedded broker.
 */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka-native:4.4.0"); // the broker version we pin

    @Test
    void sendReceiveDeleteOnContainerKafka() throws Exception {
        String bootstrap = KAFKA.getBootstrapServers();
        EngineSettings s = new EngineSettings(bootstrap, "cmq.", (short) 1, 1, 2, 100, 1 << 20, 100, 0);
        try (LeaseStore leases = new LeaseStore(new LeaseStoreConfig(bootstrap, "cmq-lease-store", s.leaseTopic(), 4,
                (short) 1, 1, Files.createTempDirectory("tc-lease"), 0, null, Duration.ofSeconds(1)))) {
            leases.start();
            leases.awaitRunning(Duration.ofSeconds(60));
            try (QueueEngine e = new QueueEngine(s, EngineClock.SYSTEM, new ObjectMapper(), leases)) {
                e.createQueue("tc", QueueEngineIT.DEFAULTS).toCompletableFuture().get(60, TimeUnit.SECONDS);
                e.send("tc", List.of("a"), 0).toCompletableFuture().get(60, TimeUnit.SECONDS);
                List<ReceivedMessage> got = e.receive("tc", 1, 5, null).toCompletableFuture().get(60, TimeUnit.SECONDS);
                assertThat(got).extracting(ReceivedMessage::msgBody).containsExactly("a");
                assertThat(e.delete("tc", List.of(got.get(0).receiptHandle())).toCompletableFuture()
                        .get(60, TimeUnit.SECONDS)).containsOnlyNulls();
            }
        }
    }
}
