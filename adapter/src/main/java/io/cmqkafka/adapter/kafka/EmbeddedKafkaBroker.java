package io.cmqkafka.adapter.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.jboss.logging.Logger;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one) running inside this JVM,
 * with its data in a folder, so the service runs on a laptop with one command and tests run
 * against real Kafka. Restarting on the same folder keeps every topic and message.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafkaBroker.class);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    /** @param port Kafka listener port; 0 picks a free one (the chosen port is kept in the data folder). */
    public EmbeddedKafkaBroker(Path dataDir, int port) {
        this(dataDir, port, Map.of());
    }

    /** @param overrides broker settings that replace the defaults below (tests) */
    public EmbeddedKafkaBroker(Path dataDir, int port, Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
        this.dataDir = dataDir.toAbsolutePath();
        this.port = port != 0 ? port : rememberedOrFreePort("port", 0);
        this.controllerPort = rememberedOrFreePort("controller-port", 0);
    }

    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        try {
            Path logDir = dataDir.resolve("kafka-logs");
            Files.createDirectories(logDir);
            Properties props = serverProperties(logDir);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                format(props);
            }
            long t0 = System.nanoTime();
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            LOG.infof("Embedded Kafka broker started in %d ms at %s (data in %s)",
                    (System.nanoTime() - t0) / 1_000_000, bootstrapServers(), logDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private Properties serverProperties(Path logDir) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default cleaner buffer allocates 128 MiB up front; compacted topics here are small.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("auto.create.topics.enable", "false");
        p.put("delete.topic.enable", "true");
        // Queues' msgRetentionSeconds can be a minute: look for expired segments every minute, not 5.
        p.put("log.retention.check.interval.ms", "60000");
        // Kafka's 3 network and 8 request threads are sized for a broker with a machine of its own; this one
        // shares it with the service, and every request crosses from a network thread to a request thread
        // and back: on a small machine more threads than cores only add hand-offs.
        int cores = Runtime.getRuntime().availableProcessors();
        p.put("num.network.threads", String.valueOf(Math.max(1, Math.min(3, cores / 2))));
        p.put("num.io.threads", String.valueOf(Math.max(2, Math.min(8, cores))));
        // Every topic but the lease log: fewer index pages to fault in (see LeaseStore.INDEX_INTERVAL_BYTES).
        p.put("log.index.interval.bytes", String.valueOf(io.cmqkafka.lease.LeaseStore.INDEX_INTERVAL_BYTES));
        p.putAll(overrides);
        return p;
    }

    private void format(Properties props) throws IOException {
        Path cfg = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(cfg)) {
            props.store(out, "embedded broker");
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {"format", "--standalone", "-t",
                    Uuid.randomUuid().toString(), "-c", cfg.toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage failed: " + buf);
        }
    }

    /** Ports are kept in the data folder so that a restart finds the same controller quorum. */
    private int rememberedOrFreePort(String name, int wanted) {
        try {
            Files.createDirectories(dataDir);
            Path f = dataDir.resolve(name);
            if (Files.exists(f)) {
                return Integer.parseInt(Files.readString(f).trim());
            }
            int p = wanted != 0 ? wanted : freePort();
            Files.writeString(f, Integer.toString(p));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Embedded Kafka broker stopped");
        }
    }
}
