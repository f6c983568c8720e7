package io.cmqkafka.lease;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the lease events of one shard while this instance owns it, in Kafka transactions under
 * the shard's own transactional id. The next owner of the shard opens a writer with the same id
 * before it reads the store; Kafka then fences this one: whatever it had not committed is aborted
 * and every later commit fails. So an owner that lost the shard without noticing (cut off from the
 * group coordinator, a long pause) can no longer get a lease acknowledged that the next owner does
 * not see: the next owner's barrier comes after every commit of the old one.
 *
 * <p>Events queue up while a transaction commits and go together in the next one (group commit),
 * so the extra round trip of a commit is shared by every request that arrived meanwhile. The store
 * reads the log {@code read_committed} (exactly-once Streams), so it sees only committed events.
 *
 * <p>A writer that fails for any other reason (its producer in a fatal state, e.g. after the broker
 * answered a retried commit with {@code INVALID_TXN_STATE}) starts a new producer under the same id,
 * as long as this instance still owns the shard; before, the shard's partitions stayed unserved on
 * this instance until the next rebalance.
 */
public final class LeaseShardWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseShardWriter.class);
    /** Events of one transaction at most (a transaction's size bounds the latency of its requests). */
    private static final int MAX_BATCH = 1000;

    private record Pending(ProducerRecord<byte[], byte[]> record, CompletableFuture<Void> done) {
    }

    /** Wakes the idle writer thread when closing (an idle writer waits without polling). */
    private static final Pending WAKE_UP = new Pending(null, new CompletableFuture<>());

    /** Thrown into the futures of events this writer can no longer write. */
    public static final class NotOwnerException extends KafkaException {
        public NotOwnerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final int shard;
    private final String transactionalId;
    private final Properties producerProperties;
    /** Created on the writer's thread: the caller (a stream thread taking over shards) does not wait for it. */
    private volatile Producer<byte[], byte[]> producer;
    private final Function<Properties, Producer<byte[], byte[]>> producers;
    /** Whether this instance still owns the shard (a broken writer restarts only then). */
    private final BooleanSupplier stillOwner;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile String fencedBy;

    /**
     * @param base            producer settings (bootstrap servers, timeouts); copied
     * @param transactionalId the shard's transactional id: the same on every instance of the cluster
     */
    public LeaseShardWriter(Properties base, String transactionalId, int shard, BooleanSupplier stillOwner) {
        this(base, transactionalId, shard, stillOwner,
                p -> new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** With the producers it uses made by {@code producers} (tests wrap real ones to inject faults). */
    public LeaseShardWriter(Properties base, String transactionalId, int shard, BooleanSupplier stillOwner,
            Function<Properties, Producer<byte[], byte[]>> producers) {
        this.shard = shard;
        this.stillOwner = stillOwner;
        this.producers = producers;
        this.transactionalId = transactionalId;
        Properties p = new Properties();
        p.putAll(base);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // The commit already groups what waits; no linger on top of it.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // A produce right after a commit can meet CONCURRENT_TRANSACTIONS while the broker completes the
        // previous one; the default 100 ms backoff would go straight into a receive's latency.
        p.putIfAbsent(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        this.producerProperties = p;
        this.thread = new Thread(this::run, "lease-writer-" + shard);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public int shard() {
        return shard;
    }

    /** Completes once the event is committed; fails if this writer was fenced or closed first. */
    public CompletableFuture<Void> append(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closing || fencedBy != null) {
            done.completeExceptionally(notOwner(null));
            return done;
        }
        queue.add(new Pending(record, done));
        if (closing) {
            failQueued(null); // lost the race with close(): the thread may be gone
        }
        return done;
    }

    private void run() {
        if (closing) {
            // Handed over before it started: opening it now could fence the shard's next owner.
            failQueued(null);
            return;
        }
        if (!open()) {
            return;
        }
        List<Pending> batch = new ArrayList<>();
        while (true) {
            try {
                Pending first = queue.poll(5, TimeUnit.SECONDS);
                if (first == null || first == WAKE_UP) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                batch.removeIf(p -> p == WAKE_UP);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failQueued(null);
                return;
            }
            Outcome outcome = commit(batch);
            batch.clear();
            if (outcome == Outcome.FENCED) {
                failQueued(null);
                return;
            }
            if (outcome == Outcome.BROKEN) {
                if (closing || !stillOwner.getAsBoolean()) {
                    failQueued(null);
                    return;
                }
                // Still the owner: a new producer under the shard's id (its initTransactions aborts
                // whatever the broken one left open) and go on. What waited meanwhile failed.
                LOG.warn("lease writer of shard {} restarts with a new producer after: {}", shard, fencedBy);
                failQueued(null);
                Producer<byte[], byte[]> broken = producer;
                broken.close(Duration.ZERO);
                fencedBy = null;
                if (!open()) {
                    return;
                }
            }
            if (closing && queue.isEmpty()) {
                return;
            }
        }
    }

    /** Creates the producer and fences every earlier writer of the shard; false: this writer stops. */
    private boolean open() {
        try {
            producer = producers.apply(producerProperties);
        } catch (KafkaException e) {
            fencedBy = "cannot create producer: " + e.getMessage();
            LOG.warn("lease writer of shard {} could not start: {}", shard, e.getMessage());
            failQueued(e);
            return false;
        }
        // Fences every earlier writer of this shard and aborts its open transaction. Kafka may be
        // unreachable for a while: retry, failing what waits meanwhile instead of holding it.
        while (true) {
            try {
                producer.initTransactions();
                return true;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warn("lease writer of shard {} not started yet: {}", shard, e.getMessage());
                failQueued(e);
                if (closing) {
                    return false;
                }
            } catch (KafkaException e) {
                fencedBy = "initTransactions failed: " + e.getMessage();
                LOG.warn("lease writer of shard {} could not start: {}", shard, e.getMessage());
                failQueued(e);
                return false;
            }
        }
    }

    private enum Outcome { COMMITTED, FENCED, BROKEN }

    /** One transaction: committed (or failed and aborted), fenced by a new owner, or a broken producer. */
    private Outcome commit(List<Pending> batch) {
        try {
            producer.beginTransaction();
            for (Pending p : batch) {
                producer.send(p.record());
            }
            producer.commitTransaction();
            for (Pending p : batch) {
                p.done().complete(null);
            }
            return Outcome.COMMITTED;
        } catch (ProducerFencedException | InvalidProducerEpochException | AuthorizationException
                | UnsupportedVersionException e) {
            Outcome fenced = fenced(e); // first: the failed futures say why
            fail(batch, e);
            return fenced;
        } catch (KafkaException e) {
            // A failed send or commit: nothing of this transaction is visible. Abort and go on.
            fail(batch, e);
            try {
                producer.abortTransaction();
                return Outcome.COMMITTED;
            } catch (ProducerFencedException | InvalidProducerEpochException abortFenced) {
                return fenced(abortFenced);
            } catch (KafkaException abortFailed) {
                fencedBy = "abort failed: " + abortFailed.getMessage();
                return Outcome.BROKEN;
            }
        }
    }

    /** This writer stops for good: another instance opened the shard's transactional id. */
    private Outcome fenced(KafkaException e) {
        fencedBy = e.getClass().getSimpleName() + ": " + e.getMessage();
        LOG.info("lease writer of shard {} fenced (another instance owns the shard now): {}", shard, e.getMessage());
        return Outcome.FENCED;
    }

    private void fail(List<Pending> batch, Throwable cause) {
        for (Pending p : batch) {
            p.done().completeExceptionally(notOwner(cause));
        }
    }

    private void failQueued(Throwable cause) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, cause);
    }

    private NotOwnerException notOwner(Throwable cause) {
        String why = fencedBy != null ? fencedBy : closing ? "shard handed over" : String.valueOf(cause);
        return new NotOwnerException("lease writer of shard " + shard + " (" + transactionalId + ") cannot write: "
                + why, cause);
    }

    /**
     * Commits what is queued, then stops (the shard is being handed over: every event this owner
     * decided must be in the log before the next owner's barrier).
     */
    @Override
    public void close() {
        closing = true;
        queue.add(WAKE_UP);
        try {
            thread.join(Duration.ofSeconds(15).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued(null);
        Producer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
