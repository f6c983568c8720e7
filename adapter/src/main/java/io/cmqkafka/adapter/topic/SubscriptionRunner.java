package io.cmqkafka.adapter.topic;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jboss.logging.Logger;

/**
 * Keeps one worker per live subscription on this instance, in the subscription's consumer group: every
 * instance does the same, so Kafka's group protocol gives each partition of the topic to exactly one
 * instance's worker at a time, and hands it to another when an instance dies (session timeout 6 s).
 * Reconciles with the metadata view every 300 ms; a worker that failed is started again.
 */
final class SubscriptionRunner implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SubscriptionRunner.class);

    private final TopicEngine engine;
    private final Map<String, SubscriptionWorker> workers = new HashMap<>(); // by subscriptionId
    private volatile boolean closed;

    SubscriptionRunner(TopicEngine engine) {
        this.engine = engine;
    }

    /** On the engine's timer thread only. */
    synchronized void reconcile() {
        if (closed) {
            return;
        }
        try {
            Set<String> wanted = new HashSet<>();
            for (SubscriptionRecord s : engine.liveSubscriptions()) {
                wanted.add(s.subscriptionId());
                SubscriptionWorker w = workers.get(s.subscriptionId());
                if (w == null || w.finished()) {
                    if (w != null && !w.restartDue()) {
                        continue;
                    }
                    w = s.isQueue() ? new QueueFanoutWorker(engine, s) : new HttpPushWorker(engine, s);
                    workers.put(s.subscriptionId(), w);
                    w.start();
                }
            }
            workers.entrySet().removeIf(e -> {
                if (!wanted.contains(e.getKey())) {
                    e.getValue().stop();
                    return true;
                }
                return false;
            });
        } catch (RuntimeException e) {
            LOG.warn("subscription runner: " + e.getMessage(), e);
        }
    }

    static Properties consumerConfig(TopicEngine engine, String groupId, int maxPollRecords) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.engineSettings().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Offsets are committed when the subscription is created; this only applies if they were lost.
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1500);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 120_000);
        // A fetch returns as soon as a record arrives; this only bounds how often an idle member asks.
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        return c;
    }

    @Override
    public synchronized void close() {
        closed = true;
        workers.values().forEach(SubscriptionWorker::stop);
        workers.values().forEach(SubscriptionWorker::join);
        workers.clear();
    }
}
