package io.cmqkafka.adapter.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmqkafka.adapter.kafka.EmbeddedKafkaBroker;
import io.cmqkafka.lease.LeaseStore;
import io.cmqkafka.lease.LeaseStoreConfig;
import java.nio.file.Path;
import java.time.Duration;

/** A whole engine on a real embedded broker in {@code dir}; close and reopen to test restarts. */
final class EngineHarness implements AutoCloseable {
    final EmbeddedKafkaBroker broker;
    final LeaseStore leases;
    final QueueEngine engine;

    EngineHarness(Path dir, EngineClock clock) throws Exception {
        broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
        EngineSettings s = new EngineSettings(broker.bootstrapServers(), "cmq.", (short) 1, 1, 2, 100, 1 << 20,
                100, 0);
        leases = new LeaseStore(new LeaseStoreConfig(broker.bootstrapServers(), "cmq-lease-store", s.leaseTopic(), 4,
                (short) 1, 1, dir.resolve("lease-state"), 0, null, Duration.ofSeconds(1)));
        leases.start();
        leases.awaitRunning(Duration.ofSeconds(60));
        engine = new QueueEngine(s, clock, new ObjectMapper(), leases);
    }

    @Override
    public void close() {
        engine.close();
        leases.close();
        broker.close();
    }
}
