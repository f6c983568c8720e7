package io.cmqkafka.lease;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the open store transactions of an instance that left the Streams group without closing
 * (kill -9, lost host), as soon as the group has dropped it.
 *
 * <p>Why: with exactly-once, each stream thread commits its store writes and input offsets in a
 * transaction under the id {@code <application.id>-<processId>-<threadIdx>}. A dead thread's open
 * transaction keeps its input offsets "unstable", so the next owner of its shards cannot start
 * until the broker times the transaction out: the transaction timeout, checked only every
 * {@code transaction.abort.timed.out.transaction.cleanup.interval.ms} (10 s by default) - most of
 * the failover time. Opening a producer with the dead thread's transactional id aborts that
 * transaction at once (the same fencing Streams does itself when the instance restarts).
 *
 * <p>Safe because it only touches ids of members the group coordinator has already removed: their
 * offset commits would be refused anyway. A member that was only slow and comes back is fenced,
 * which Streams handles as a task migration (it rejoins with a new producer epoch).
 */
public final class DeadInstanceFencer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadInstanceFencer.class);

    private final String applicationId;
    private final Properties producerProperties;
    private final Admin admin;
    /** Names of this instance's stream threads (its own process id is never fenced). */
    private final Supplier<? extends Collection<String>> localThreadNames;
    /**
     * Streams' default thread names and member client ids:
     * {@code <application.id>-<processId>-StreamThread-<n>[-consumer]}.
     */
    private final Pattern streamThread;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lease-store-fencer");
        t.setDaemon(true);
        return t;
    });
    /** Stream thread indexes of every instance seen in the group at the last look. */
    private Map<String, Set<Integer>> lastSeen = Map.of();

    public DeadInstanceFencer(String applicationId, String bootstrapServers,
            Supplier<? extends Collection<String>> localThreadNames) {
        this.applicationId = applicationId;
        this.localThreadNames = localThreadNames;
        this.streamThread = Pattern.compile(Pattern.quote(applicationId)
                + "-([0-9a-fA-F-]{36})-StreamThread-(\\d+)(-consumer)?");
        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrapServers);
        a.put("client.id", applicationId + "-fencer-admin");
        this.admin = Admin.create(a);
        producerProperties = new Properties();
        producerProperties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProperties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producerProperties.put(ProducerConfig.CLIENT_ID_CONFIG, applicationId + "-fencer");
    }

    void start(Duration every) {
        timer.scheduleWithFixedDelay(this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    void checkSoon() {
        try {
            timer.execute(this::check);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing
        }
    }

    /** Looks at the group once and fences the threads of instances that left it since the last look. */
    public void check() {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get(5, TimeUnit.SECONDS);
            Map<String, Set<Integer>> now = threadsByProcess(group.members().stream()
                    .map(MemberDescription::clientId).toList());
            Set<String> self = threadsByProcess(localThreadNames.get()).keySet();
            for (Map.Entry<String, Set<Integer>> e : lastSeen.entrySet()) {
                if (!now.containsKey(e.getKey()) && !self.contains(e.getKey())) {
                    fence(e.getKey(), e.getValue());
                }
            }
            lastSeen = now;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("cannot describe the lease store group: {}", e.toString());
        }
    }

    /** Process id to stream thread indexes, from thread names or member client ids. */
    private Map<String, Set<Integer>> threadsByProcess(Collection<String> names) {
        Map<String, Set<Integer>> m = new HashMap<>();
        for (String name : names) {
            Matcher x = streamThread.matcher(name);
            if (x.matches()) {
                m.computeIfAbsent(x.group(1), k -> new HashSet<>()).add(Integer.parseInt(x.group(2)));
            }
        }
        return m;
    }

    private void fence(String processId, Set<Integer> threads) {
        for (int thread : threads) {
            String txnId = applicationId + "-" + processId + "-" + thread;
            Properties p = new Properties();
            p.putAll(producerProperties);
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txnId);
            long start = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> fencer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                fencer.initTransactions(); // aborts the dead thread's open transaction, if any
                LOG.info("instance {} left the lease store group: aborted its open transactions ({}) in {} ms",
                        processId, txnId, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (RuntimeException e) {
                // The broker's transaction timeout still aborts it, later.
                LOG.warn("cannot fence {} of departed instance {}: {}", txnId, processId, e.toString());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
