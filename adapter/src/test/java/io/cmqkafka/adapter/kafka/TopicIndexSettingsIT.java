package io.cmqkafka.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.lease.LeaseStore;
import io.cmqkafka.lease.LeaseStoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The index interval of the lease log (Kafka's 4 KiB: it is read at its tail once per event, in small
 * batches), also for a lease log an earlier version created with 64 KiB, and the embedded broker's
 * thread sizing with its overrides (issue 7).
 */
class TopicIndexSettingsIT {

    private static Path dir;
    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("index-settings");
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0, Map.of("num.io.threads", "3")).start();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void newLeaseLogIndexesEvery4KiB() throws Exception {
        try (LeaseStore store = leaseStore("fresh-leases")) {
            assertThat(topicConfig("fresh-leases").get("index.interval.bytes").value())
                    .isEqualTo(String.valueOf(LeaseStore.LEASE_LOG_INDEX_INTERVAL_BYTES)).isEqualTo("4096");
        }
    }

    @Test
    void leaseLogOfAnEarlierVersionIsBroughtTo4KiB() throws Exception {
        admin.createTopics(List.of(new NewTopic("old-leases", 2, (short) 1)
                .configs(Map.of("index.interval.bytes", "65536", "retention.ms", "12345678")))).all()
                .get(30, TimeUnit.SECONDS);
        try (LeaseStore store = leaseStore("old-leases")) {
            Config c = topicConfig("old-leases");
            assertThat(c.get("index.interval.bytes").value()).isEqualTo("4096");
            assertThat(c.get("retention.ms").value()).as("other settings untouched").isEqualTo("12345678");
        }
    }

    @Test
    void embeddedBrokerSizesItsThreadsToTheMachineAndTakesOverrides() throws Exception {
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
        Config c = admin.describeConfigs(List.of(node)).all().get(30, TimeUnit.SECONDS).get(node);
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(c.get("num.io.threads").value()).as("override").isEqualTo("3");
        assertThat(c.get("num.network.threads").value())
                .isEqualTo(String.valueOf(Math.max(1, Math.min(3, cores / 2))));
        assertThat(c.get("log.index.interval.bytes").value())
                .isEqualTo(String.valueOf(LeaseStore.INDEX_INTERVAL_BYTES));
    }

    private static LeaseStore leaseStore(String topic) {
        return new LeaseStore(new LeaseStoreConfig(broker.bootstrapServers(), topic + "-store", topic, 2, (short) 1, 1,
                dir.resolve(topic + "-state"), 0, null, Duration.ofSeconds(1)));
    }

    private static Config topicConfig(String topic) throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
    }
}
