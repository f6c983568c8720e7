package io.cmqkafka.lease;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
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
 *
 * <p>It also shortens the wait for that removal. The coordinator drops a silent member only after
 * its session timeout (at least the broker's {@code group.min.session.timeout.ms}, 6 s by default),
 * most of a failover. Each instance joins as a static member whose {@code group.instance.id} names
 * its liveness port ({@link #instanceIdPrefix}, {@link LivenessBeacon}), open while its lease store
 * runs; the fencer connects to the ports of the other members, and one that answered before and
 * now refuses connections twice in a row has no process behind it: the fencer removes its members
 * from the group at once (what the coordinator would do after the session timeout). A timeout or an unreachable network proves nothing, so it leaves
 * those to the session timeout; and an endpoint that never answered (misconfigured, or still
 * starting) is never removed.
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
    /** This instance's {@code group.instance.id} prefix (its own endpoint is not probed); may be null. */
    private final String selfInstanceIdPrefix;
    private final EndpointProbe probe;
    /** What the probes found of each other static instance, by {@code group.instance.id} prefix. */
    private final Map<String, PeerHealth> peers = new HashMap<>();

    /** Whether something listens on a peer's endpoint. */
    public interface EndpointProbe {
        Reachability probe(InetSocketAddress endpoint);

        /** TCP connect: a refused connection means no process listens there. */
        EndpointProbe TCP = endpoint -> {
            if (endpoint.isUnresolved()) {
                return Reachability.UNKNOWN;
            }
            try (Socket s = new Socket()) {
                s.connect(endpoint, 250);
                return Reachability.LISTENING;
            } catch (ConnectException refused) {
                return Reachability.REFUSED;
            } catch (IOException other) {
                return Reachability.UNKNOWN; // timeout, no route: the host may be alive behind a partition
            }
        };
    }

    public enum Reachability { LISTENING, REFUSED, UNKNOWN }

    private static final class PeerHealth {
        boolean answered;
        int refusals;
    }

    /** Group instance ids of this project: {@code cmq-<nonce>-<host>-<port>}, and Streams' {@code -<thread>}. */
    private static final Pattern INSTANCE_ID = Pattern.compile("(cmq-[0-9a-f]{8}-([A-Za-z0-9.-]+)-(\\d{1,5}))-\\d+");
    private static final Pattern PLAIN_HOST = Pattern.compile("[A-Za-z0-9.-]+");

    /** Whether {@code host} can be spelled in a group instance id (not an IPv6 literal). */
    public static boolean isPlainHost(String host) {
        return PLAIN_HOST.matcher(host).matches();
    }

    /**
     * The {@code group.instance.id} of an instance whose liveness port is {@code host:port}
     * ({@link #isPlainHost} must hold). The nonce keeps two instances that advertise the same
     * address (a misconfiguration) from fencing each other's membership.
     */
    public static String instanceIdPrefix(String host, int port) {
        String nonce = String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
        return "cmq-" + nonce + "-" + host + "-" + port;
    }

    public DeadInstanceFencer(String applicationId, String bootstrapServers,
            Supplier<? extends Collection<String>> localThreadNames) {
        this(applicationId, bootstrapServers, localThreadNames, null, EndpointProbe.TCP);
    }

    public DeadInstanceFencer(String applicationId, String bootstrapServers,
            Supplier<? extends Collection<String>> localThreadNames, String selfInstanceIdPrefix,
            EndpointProbe probe) {
        this.applicationId = applicationId;
        this.localThreadNames = localThreadNames;
        this.selfInstanceIdPrefix = selfInstanceIdPrefix;
        this.probe = probe;
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

    /**
     * Looks at the group once: removes the members of instances whose endpoint stopped answering,
     * and fences the threads of instances that left the group since the last look.
     */
    public void check() {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(applicationId))
                    .describedGroups().get(applicationId).get(5, TimeUnit.SECONDS);
            Collection<MemberDescription> members = removeDeadPeers(group.members());
            Map<String, Set<Integer>> now = threadsByProcess(members.stream()
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

    /** Probes the other static instances; returns the members still in the group afterwards. */
    private Collection<MemberDescription> removeDeadPeers(Collection<MemberDescription> members)
            throws InterruptedException {
        Map<String, List<MemberDescription>> byInstance = new HashMap<>();
        Map<String, InetSocketAddress> endpoints = new HashMap<>();
        for (MemberDescription m : members) {
            Matcher x = m.groupInstanceId().map(INSTANCE_ID::matcher).orElse(null);
            if (x == null || !x.matches() || x.group(1).equals(selfInstanceIdPrefix)) {
                continue;
            }
            int port = Integer.parseInt(x.group(3));
            if (port <= 65_535) {
                byInstance.computeIfAbsent(x.group(1), k -> new ArrayList<>()).add(m);
                endpoints.put(x.group(1), InetSocketAddress.createUnresolved(x.group(2), port));
            }
        }
        peers.keySet().retainAll(byInstance.keySet());
        List<MemberDescription> remaining = new ArrayList<>(members);
        for (Map.Entry<String, List<MemberDescription>> e : byInstance.entrySet()) {
            InetSocketAddress endpoint = endpoints.get(e.getKey());
            PeerHealth health = peers.computeIfAbsent(e.getKey(), k -> new PeerHealth());
            switch (probe.probe(new InetSocketAddress(endpoint.getHostString(), endpoint.getPort()))) {
                case LISTENING -> {
                    health.answered = true;
                    health.refusals = 0;
                }
                case REFUSED -> health.refusals++;
                case UNKNOWN -> health.refusals = 0;
            }
            if (health.answered && health.refusals >= 2
                    && remove(endpoint.getHostString() + ":" + endpoint.getPort(), e.getValue())) {
                remaining.removeAll(e.getValue());
                peers.remove(e.getKey());
            }
        }
        return remaining;
    }

    private boolean remove(String endpoint, List<MemberDescription> members) throws InterruptedException {
        List<MemberToRemove> ids = members.stream().map(m -> new MemberToRemove(m.groupInstanceId().orElseThrow()))
                .toList();
        try {
            admin.removeMembersFromConsumerGroup(applicationId, new RemoveMembersFromConsumerGroupOptions(ids))
                    .all().get(5, TimeUnit.SECONDS);
            LOG.info("instance at {} refuses connections: removed its {} stream thread(s) from the lease store group",
                    endpoint, ids.size());
            return true;
        } catch (ExecutionException | TimeoutException e) {
            // Gone already (it left, or its session expired), or the coordinator moved: look again next time.
            LOG.debug("cannot remove the members of {}: {}", endpoint, e.toString());
            return false;
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
