package io.cmqkafka.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records (log offsets, transaction markers included) the broker holds per kind of topic, so a
 * scenario can say how many Kafka records one CMQ message costs.
 */
final class KafkaRecords implements AutoCloseable {

    private final Admin admin;

    KafkaRecords(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(p);
    }

    static String kind(String topic) {
        if (topic.startsWith("bench-raw")) {
            return "raw baseline topics";
        }
        if (topic.contains(".queue.")) {
            return "queue topics (messages)";
        }
        if (topic.endsWith("lease-events")) {
            return "lease log";
        }
        if (topic.endsWith("-changelog")) {
            return "Streams changelogs";
        }
        if (topic.equals("__consumer_offsets")) {
            return "consumer offsets";
        }
        if (topic.equals("__transaction_state")) {
            return "transaction state";
        }
        return "other";
    }

    /** Sum of log end offsets per kind of topic. */
    Map<String, Long> snapshot() {
        try {
            Map<String, TopicDescription> topics = admin.describeTopics(
                    admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                            .names().get(20, TimeUnit.SECONDS)).allTopicNames().get(20, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            topics.values().forEach(d -> d.partitions().forEach(
                    p -> req.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(req).all()
                    .get(30, TimeUnit.SECONDS);
            Map<String, Long> out = new LinkedHashMap<>();
            ends.forEach((tp, info) -> out.merge(kind(tp.topic()), info.offset(), Long::sum));
            return out;
        } catch (Exception e) {
            return Map.of();
        }
    }

    /** after - before, per kind, leaving out kinds that did not change. */
    static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        for (String k : new String[] {"queue topics (messages)", "lease log", "Streams changelogs",
            "transaction state", "consumer offsets", "raw baseline topics", "other"}) {
            long v = after.getOrDefault(k, 0L) - before.getOrDefault(k, 0L);
            if (v != 0) {
                d.put(k, v);
            }
        }
        return d;
    }

    @Override
    public void close() {
        admin.close();
    }
}
