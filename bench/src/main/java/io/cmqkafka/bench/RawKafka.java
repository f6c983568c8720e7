package io.cmqkafka.bench;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: a plain Kafka producer and consumer moving the same bytes (same body size, acks=all) on the
 * same broker, with topics shaped like a CMQ queue (same partition count, replication factor 1,
 * min.insync.replicas 1).
 */
final class RawKafka {

    static final int PARTITIONS = 3; // cmq.queue.partitions default

    private final Bench b;
    private final Options o;
    private final byte[] value;

    RawKafka(Bench b) {
        this.b = b;
        this.o = b.o;
        this.value = new byte[o.bodyBytes];
        new Random(7).nextBytes(value);
    }

    static Map<String, String> producerSettings(int lingerMs) {
        return Map.of("acks", "all", "linger.ms", Integer.toString(lingerMs), "enable.idempotence", "true",
                "compression.type", "none");
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrap);
        p.putAll(producerSettings(lingerMs));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic, boolean fromStart) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < PARTITIONS; i++) {
            tps.add(new TopicPartition(topic, i));
        }
        c.assign(tps);
        if (fromStart) {
            c.seekToBeginning(tps);
        } else {
            c.seekToEnd(tps);
            tps.forEach(c::position); // resolve now, before the producer starts
        }
        return c;
    }

    private void createTopic(String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)
                    .configs(Map.of("min.insync.replicas", "1")))).all().get();
        } catch (Exception e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("creating " + topic, e);
            }
        }
    }

    /** Produces flat out for {@code seconds}; counts acknowledged records. */
    private Recorder produce(String topic, int seconds, int lingerMs) {
        Recorder acked = new Recorder("raw produced", System.nanoTime(), seconds + 120);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (KafkaProducer<byte[], byte[]> producer = producer(lingerMs)) {
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>(topic, value), (md, e) -> {
                    if (e == null) {
                        acked.count(1);
                    } else {
                        acked.error("kafka", e.toString());
                    }
                });
            }
            producer.flush();
        }
        acked.stop();
        return acked;
    }

    void warmUp() {
        int s = Math.max(3, o.warmupSeconds / 2);
        Bench.log("raw warm-up: %d s of producing", s);
        createTopic("bench-raw-warmup");
        produce("bench-raw-warmup", s, 5);
    }

    Result produceAndConsume(Result[] consumeOut) {
        Result r = new Result("raw-produce", "Raw Kafka producer",
                "one KafkaProducer (acks=all, linger.ms=5 = the 4.x default, idempotent, no compression) sending "
                        + o.bodyBytes + " B records to a " + PARTITIONS + "-partition topic as fast as it accepts them");
        String topic = "bench-raw";
        createTopic(topic);
        b.measure(r, () -> {
            Recorder acked = produce(topic, o.durationSeconds, 5);
            r.main = acked;
            r.series.add(acked);
        });
        r.rate = r.main.rate(2);
        long produced = r.main.total();

        Result c = new Result("raw-consume", "Raw Kafka consumer",
                "one KafkaConsumer (default fetch settings, no commits) reading the " + String.format("%,d", produced)
                        + " records of the producer run from the beginning");
        b.measure(c, () -> {
            Recorder got = new Recorder("raw consumed", System.nanoTime(), o.durationSeconds * 3 + 120);
            long end = System.nanoTime() + Math.max(60, o.durationSeconds * 3) * 1_000_000_000L;
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic, true)) {
                while (got.total() < produced && System.nanoTime() < end) {
                    got.count(consumer.poll(Duration.ofMillis(200)).count());
                }
            }
            got.stop();
            c.main = got;
            c.series.add(got);
        });
        c.rate = c.main.rate(1);
        consumeOut[0] = c;
        return r;
    }

    /** Producer and consumer at the same time; the rate is records consumed per second. */
    Result cycle() {
        Result r = new Result("raw-cycle", "Raw Kafka produce + consume",
                "one KafkaProducer (acks=all, linger.ms=5) and one KafkaConsumer running at the same time on a fresh "
                        + PARTITIONS + "-partition topic; rate = records consumed per second");
        String topic = "bench-raw-cycle";
        createTopic(topic);
        b.measure(r, () -> {
            long start = System.nanoTime();
            Recorder got = new Recorder("raw consumed", start, o.durationSeconds + 120);
            AtomicBoolean stop = new AtomicBoolean();
            KafkaConsumer<byte[], byte[]> consumer = consumer(topic, false);
            Thread ct = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        got.count(consumer.poll(Duration.ofMillis(100)).count());
                    }
                } finally {
                    consumer.close();
                }
            }, "raw-consumer");
            ct.start();
            Recorder acked = produce(topic, o.durationSeconds, 5);
            got.stop();
            stop.set(true);
            join(ct);
            r.main = got;
            r.series.add(acked);
            r.series.add(got);
            r.facts.put("produced msg/s", CmqScenarios.fmt(acked.rate(2)));
        });
        r.rate = r.main.rate(2);
        return r;
    }

    /** Fixed-rate producer (linger.ms=1 like the service) and a consumer; produce-to-consume latency. */
    Result latency() {
        Result r = new Result("raw-latency", "Raw Kafka latency at " + o.latencyRate + " msg/s",
                "KafkaProducer (acks=all, linger.ms=1 as the service's producer) sending " + o.bodyBytes
                        + " B records at a fixed rate, one KafkaConsumer polling; latency = from the intended send time"
                        + " to the record coming out of poll(); measured after " + o.latencyWarmupSeconds
                        + " s at the same rate (not counted)");
        String topic = "bench-raw-latency";
        createTopic(topic);
        if (o.latencyWarmupSeconds > 0) {
            long start = System.nanoTime();
            int maxS = o.latencyWarmupSeconds + 120;
            produceConsumeAtRate(topic, o.latencyWarmupSeconds, new Recorder("raw warm-up sent", start, maxS),
                    new Recorder("raw warm-up consumed", start, maxS));
        }
        b.measure(r, () -> {
            long start = System.nanoTime();
            Recorder sent = new Recorder("raw sent", start, o.durationSeconds + 120);
            Recorder got = new Recorder("raw consumed", start, o.durationSeconds + 120);
            produceConsumeAtRate(topic, o.durationSeconds, sent, got);
            r.main = got;
            r.latency = got;
            r.latencyWhat = "produce-to-consume latency";
            r.series.add(got);
        });
        r.rate = r.main.rate(2);
        return r;
    }

    /** Produces at the latency rate for {@code seconds}, consuming from the end, until all are consumed. */
    private void produceConsumeAtRate(String topic, int seconds, Recorder sent, Recorder got) {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lastSent = new AtomicLong();
        KafkaConsumer<byte[], byte[]> consumer = consumer(topic, false);
        Thread ct = new Thread(() -> {
            try {
                long end = System.nanoTime() + (seconds + 30) * 1_000_000_000L;
                while (System.nanoTime() < end && !(stop.get() && got.total() >= lastSent.get())) {
                    ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> rec : recs) {
                        got.latency(now - ByteBuffer.wrap(rec.value()).getLong());
                    }
                    got.count(recs.count());
                }
            } finally {
                consumer.close();
            }
        }, "raw-latency-consumer");
        ct.start();
        try (KafkaProducer<byte[], byte[]> producer = producer(1)) {
            long t0 = System.nanoTime();
            long total = (long) o.latencyRate * seconds;
            long end = t0 + seconds * 1_000_000_000L;
            long i = 0;
            while (i < total && System.nanoTime() < end) {
                long due = (long) ((System.nanoTime() - t0) / 1e9 * o.latencyRate) + 1;
                while (i < Math.min(due, total)) {
                    byte[] v = value.clone();
                    ByteBuffer.wrap(v).putLong(t0 + (long) (i * 1e9 / o.latencyRate)); // intended send time
                    producer.send(new ProducerRecord<>(topic, v), (md, e) -> {
                        if (e == null) {
                            sent.count(1);
                        } else {
                            sent.error("kafka", e.toString());
                        }
                    });
                    i++;
                }
                LockSupport.parkNanos(200_000);
            }
            producer.flush();
        }
        lastSent.set(sent.total());
        stop.set(true);
        join(ct);
        sent.stop();
        got.stop();
    }

    private static void join(Thread t) {
        try {
            t.join(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
