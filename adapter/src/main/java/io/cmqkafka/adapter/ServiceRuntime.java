package io.cmqkafka.adapter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmqkafka.adapter.engine.EngineClock;
import io.cmqkafka.adapter.engine.EngineSettings;
import io.cmqkafka.adapter.engine.QueueEngine;
import io.cmqkafka.adapter.engine.QueueService;
import io.cmqkafka.adapter.kafka.EmbeddedKafkaBroker;
import io.cmqkafka.adapter.kafka.HangingTransactionSweeper;
import io.cmqkafka.adapter.topic.EndpointPolicy;
import io.cmqkafka.adapter.topic.TopicEngine;
import io.cmqkafka.adapter.topic.TopicService;
import io.cmqkafka.adapter.topic.TopicSettings;
import io.cmqkafka.lease.LeaseStore;
import io.cmqkafka.lease.LeaseStoreConfig;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the service's parts in order: the embedded broker (when no Kafka is configured), the
 * lease store, the queue engine; and stops them in reverse.
 */
@Startup
@ApplicationScoped
public class ServiceRuntime {

    private static final Logger LOG = Logger.getLogger(ServiceRuntime.class);

    @Inject
    CmqConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    EngineClock clock;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    @ConfigProperty(name = "quarkus.http.host", defaultValue = "localhost")
    String httpHost;

    private EmbeddedKafkaBroker broker;
    private HangingTransactionSweeper hangingTransactions;
    private LeaseStore leaseStore;
    private QueueEngine engine;
    private TopicEngine topics;

    @PostConstruct
    void start() throws Exception {
        Path dataDir = Path.of(config.dataDir()).toAbsolutePath();
        if ("broker".equals(config.role())) {
            broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), config.kafka().embeddedPort(),
                    config.kafka().embeddedBroker()).start();
            LOG.infof("Role broker: only the Kafka broker runs here, at %s", broker.bootstrapServers());
            return;
        }
        String bootstrap;
        short rf;
        int minIsr;
        if (config.kafka().bootstrapServers().isPresent()) {
            bootstrap = config.kafka().bootstrapServers().get();
            rf = config.kafka().replicationFactor().orElse((short) 3);
            minIsr = config.kafka().minInsyncReplicas().orElse(2);
            LOG.infof("Using Kafka at %s (replication factor %d, min.insync.replicas %d)", bootstrap, rf, minIsr);
        } else {
            broker = new EmbeddedKafkaBroker(dataDir.resolve("kafka"), config.kafka().embeddedPort(),
                    config.kafka().embeddedBroker()).start();
            bootstrap = broker.bootstrapServers();
            rf = config.kafka().replicationFactor().orElse((short) 1);
            minIsr = config.kafka().minInsyncReplicas().orElse(1);
            LOG.infof("No cmq.kafka.bootstrap-servers configured: embedded Kafka broker at %s", bootstrap);
        }
        String prefix = config.clusterName() + ".";
        EngineSettings settings = new EngineSettings(bootstrap, prefix, rf, minIsr, config.queue().partitions(),
                config.queue().windowMessages(), config.queue().windowBytes(), config.queue().maxQueues(),
                config.kafka().lingerMs(), config.kafka().producers());
        String leaseStoreId = config.clusterName() + "-lease-store";
        if (config.kafka().hangingTransactionSweepMs() > 0) {
            // Before the lease store starts: a hanging transaction on its changelogs or offsets would keep
            // it from ever restoring (its names: changelogs and transactional ids start with its app id).
            hangingTransactions = new HangingTransactionSweeper(bootstrap, new HangingTransactionSweeper.Scope(
                    List.of(prefix, leaseStoreId + "-"), List.of(leaseStoreId + "-", prefix)),
                    Duration.ofMillis(config.kafka().hangingTransactionMinAgeMs()), System::currentTimeMillis);
            hangingTransactions.start(Duration.ofMillis(config.kafka().hangingTransactionSweepMs()));
        }
        leaseStore = new LeaseStore(new LeaseStoreConfig(bootstrap, leaseStoreId,
                settings.leaseTopic(), config.lease().shards(), rf, minIsr, dataDir.resolve("lease-state"),
                config.lease().standbyReplicas(), advertisedHost() + ":" + httpPort,
                Duration.ofMillis(config.lease().sweepIntervalMs()), config.lease().fencedWrites(),
                config.lease().livenessPort()));
        leaseStore.start();
        try {
            // A lone instance owns every shard once RUNNING; in a cluster an instance can serve
            // (by forwarding) while its own shards are still being restored, so do not wait forever.
            leaseStore.awaitRunning(Duration.ofSeconds(120));
        } catch (java.util.concurrent.TimeoutException e) {
            LOG.warnf("lease store not running yet (%s); serving through the other instances meanwhile",
                    leaseStore.streams().state());
        }
        String self = "http://" + advertisedHost() + ":" + httpPort;
        engine = new QueueEngine(settings, clock, json, leaseStore,
                new io.cmqkafka.adapter.cluster.HttpPeerClient(json, () -> engine.clusterToken()), self);
        CmqConfig.Topic t = config.topic();
        topics = new TopicEngine(settings, new TopicSettings(t.partitions(), t.maxTopics(), t.pushTimeout(),
                t.pushConcurrency(), new EndpointPolicy(t.allowedEndpoints().orElse(java.util.List.of())),
                t.retryPartitions(), t.retryBuffer()), clock, json);
        LOG.infof("CMQ service ready (data in %s)", dataDir);
    }

    /** How other instances reach this one (Streams' application.server and peer calls). */
    private String advertisedHost() {
        return config.advertisedHost().orElse("0.0.0.0".equals(httpHost) ? "127.0.0.1" : httpHost);
    }

    @Produces
    @Singleton
    QueueService queueService() {
        return engine != null ? engine : UnavailableQueueService.INSTANCE;
    }

    @Produces
    @Singleton
    TopicService topicService() {
        return topics != null ? topics : UnavailableTopicService.INSTANCE;
    }

    public TopicEngine topics() {
        return topics;
    }

    public QueueEngine engine() {
        return engine;
    }

    public String leaseStoreState() {
        if (leaseStore == null) {
            return broker != null ? "RUNNING" : "NOT_STARTED"; // role broker has no lease store
        }
        return leaseStore.streams().state().name();
    }

    public String bootstrapServers() {
        return broker != null ? broker.bootstrapServers() : config.kafka().bootstrapServers().orElseThrow();
    }

    @PreDestroy
    void stop() {
        if (topics != null) {
            topics.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (leaseStore != null) {
            leaseStore.close();
        }
        if (hangingTransactions != null) {
            hangingTransactions.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The engine's clock is the system clock unless a test supplies another. */
    @Singleton
    static class Clocks {
        @Produces
        @DefaultBean
        @Singleton
        EngineClock systemClock() {
            return EngineClock.SYSTEM;
        }
    }
}
