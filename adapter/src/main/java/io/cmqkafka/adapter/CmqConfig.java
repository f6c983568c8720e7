package io.cmqkafka.adapter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.Optional;

/** Service settings (prefix {@code cmq}); every one can also be set as an environment variable. */
@ConfigMapping(prefix = "cmq")
public interface CmqConfig {

    /** Folder for the embedded broker's data and the lease store's local state. */
    @WithDefault("./data")
    String dataDir();

    /**
     * Name of this deployment: prefixes every Kafka topic and the Streams application id, so
     * several deployments can share one Kafka cluster.
     */
    @WithDefault("cmq")
    String clusterName();

    /**
     * {@code service} (default): the CMQ service, on the configured Kafka or an embedded broker.
     * {@code broker}: only the embedded Kafka broker (on {@code cmq.kafka.embedded-port}), for
     * running several service instances against one broker on one machine.
     */
    @WithDefault("service")
    String role();

    /**
     * Host name or address other instances use to reach this one (pod IP in Kubernetes);
     * default: {@code quarkus.http.host}, or 127.0.0.1 when that is 0.0.0.0.
     */
    Optional<String> advertisedHost();

    Kafka kafka();

    Queue queue();

    Lease lease();

    Topic topic();

    interface Topic {
        /** Kafka partitions of a new topic: the unit of parallelism of each subscription across instances. */
        @WithDefault("3")
        int partitions();

        /** Most topics (CMQ's per-account quota). */
        @WithDefault("1000")
        int maxTopics();

        /** An HTTP push not answered (2xx) within this counts as failed and is retried. */
        @WithDefault("15s")
        java.time.Duration pushTimeout();

        /** Most HTTP pushes in flight per subscription and instance, first attempts and retries each. */
        @WithDefault("16")
        int pushConcurrency();

        /**
         * Where HTTP subscriptions may push: host names, {@code *.domain} wildcards and CIDR networks;
         * absent: anywhere. Protects internal services from pushes (server-side request forgery).
         */
        Optional<java.util.List<String>> allowedEndpoints();

        /** Partitions of the retry topic (fixed once the cluster has started). */
        @WithDefault("6")
        int retryPartitions();

        /** Most scheduled HTTP retries one instance holds in memory (the rest wait in Kafka). */
        @WithDefault("10000")
        int retryBuffer();
    }

    interface Kafka {
        /** External Kafka cluster; when absent an embedded single-node broker is started. */
        Optional<String> bootstrapServers();

        /** Port of the embedded broker (0: a free port, remembered in the data folder). */
        @WithDefault("0")
        int embeddedPort();

        /**
         * Settings of the embedded broker that replace its defaults, by Kafka name:
         * {@code cmq.kafka.embedded-broker."num.io.threads"=4} (quoted: Kafka names hold dots).
         */
        java.util.Map<String, String> embeddedBroker();

        /** Replication factor of every topic the service creates (default 3 external, 1 embedded). */
        Optional<Short> replicationFactor();

        /** min.insync.replicas of those topics (default 2 external, 1 embedded). */
        Optional<Integer> minInsyncReplicas();

        /** producer linger.ms for messages (latency against batching). */
        @WithDefault("1")
        int lingerMs();

        /**
         * Producers (each with its own connection per broker) that carry sends; each queue sends
         * through one of them. The broker handles one request per connection at a time, so with a
         * single producer one slow append (a cold partition's first index write took 25-150 ms on
         * the benchmark VM) held the sends of every queue behind it.
         */
        @WithDefault("4")
        int producers();

        /**
         * How often the service looks for hanging transactions on its partitions (see
         * HangingTransactionSweeper); 0 turns the sweep off.
         */
        @WithDefault("15000")
        long hangingTransactionSweepMs();

        /**
         * A transaction is taken for hanging only if its last write is at least this old: far above
         * the service's own transaction timeouts (4 s lease store, 10 s topic fan-out).
         */
        @WithDefault("30000")
        long hangingTransactionMinAgeMs();
    }

    interface Queue {
        /** Kafka partitions of a new queue's topic: the unit of parallelism across instances. */
        @WithDefault("3")
        int partitions();

        /** Most messages of one partition held in memory for dispatch (leased ones included). */
        @WithDefault("5000")
        int windowMessages();

        /** Most message bytes of one partition held in memory for dispatch. */
        @WithDefault("16777216")
        long windowBytes();

        /** Most queues (CMQ's per-account quota). */
        @WithDefault("10000")
        int maxQueues();
    }

    interface Lease {
        /** Partitions of the lease log; fixed once the cluster has started. */
        @WithDefault("12")
        int shards();

        /** Warm standby copies of each lease shard on other instances. */
        @WithDefault("1")
        int standbyReplicas();

        /**
         * How often the lease store recounts held, lapsed and done entries, in ms. A full scan of the
         * store: at 1 s it was ~5 % of the service's CPU in the full-cycle benchmark.
         */
        @WithName("sweep-interval-ms")
        @WithDefault("10000")
        long sweepIntervalMs();

        /**
         * Answer a receive or delete only once the lease events are read back from the log with no
         * later owner's claim before them ({@code ClaimWatcher}), so a partition's next owner fences the
         * previous one. false: at Kafka's acknowledgement (an owner cut off from the group coordinator
         * may then answer leases the next owner does not honour).
         */
        @WithDefault("true")
        boolean fencedWrites();

        /**
         * TCP port, open while this instance runs, that the other instances connect to: once it
         * refuses (the process died) they take its shards over at once instead of after the
         * 6 s session timeout. 0: any free port; -1: off. It must be reachable from the other
         * instances at cmq.advertised-host.
         */
        @WithDefault("0")
        int livenessPort();
    }
}
