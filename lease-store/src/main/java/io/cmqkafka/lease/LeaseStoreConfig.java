package io.cmqkafka.lease;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the lease store.
 *
 * @param bootstrapServers  Kafka cluster
 * @param applicationId     Kafka Streams application id; all adapter instances of one cluster share it
 * @param eventTopic        the lease log
 * @param shards            partitions of the lease log; fixed at install
 * @param replicationFactor of the lease log and the store changelogs
 * @param minInSyncReplicas of the lease log and the store changelogs
 * @param stateDir          where this instance keeps its RocksDB stores
 * @param standbyReplicas   warm copies of each shard on other instances
 * @param applicationServer host:port other instances use to reach this one (may be null)
 * @param sweepInterval     how often lease counters are recomputed
 * @param fencedWrites      answer an owner's event only once the {@link ClaimWatcher} has read it with
 *                          no later claim of its partition before it; false: at Kafka's
 *                          acknowledgement, faster but without fencing
 * @param livenessPort      TCP port, open while this instance runs, that the other instances probe
 *                          to take its shards over at once after a crash ({@link DeadInstanceFencer});
 *                          0: any free port; -1: none (they wait for the session timeout). Used only
 *                          with an {@code applicationServer}, whose host the peers connect to
 */
public record LeaseStoreConfig(
        String bootstrapServers,
        String applicationId,
        String eventTopic,
        int shards,
        short replicationFactor,
        int minInSyncReplicas,
        Path stateDir,
        int standbyReplicas,
        String applicationServer,
        Duration sweepInterval,
        boolean fencedWrites,
        int livenessPort) {

    /** With fenced writes. */
    public LeaseStoreConfig(String bootstrapServers, String applicationId, String eventTopic, int shards,
            short replicationFactor, int minInSyncReplicas, Path stateDir, int standbyReplicas,
            String applicationServer, Duration sweepInterval) {
        this(bootstrapServers, applicationId, eventTopic, shards, replicationFactor, minInSyncReplicas, stateDir,
                standbyReplicas, applicationServer, sweepInterval, true, 0);
    }

    /** With a liveness port chosen by the system. */
    public LeaseStoreConfig(String bootstrapServers, String applicationId, String eventTopic, int shards,
            short replicationFactor, int minInSyncReplicas, Path stateDir, int standbyReplicas,
            String applicationServer, Duration sweepInterval, boolean fencedWrites) {
        this(bootstrapServers, applicationId, eventTopic, shards, replicationFactor, minInSyncReplicas, stateDir,
                standbyReplicas, applicationServer, sweepInterval, fencedWrites, 0);
    }
}
