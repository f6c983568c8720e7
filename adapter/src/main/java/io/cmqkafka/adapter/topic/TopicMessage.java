package io.cmqkafka.adapter.topic;

import io.cmqkafka.adapter.engine.MessageIds;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A published message as stored in the topic's Kafka topic: key = its {@code msgGroupId} (extension, UTF-8;
 * none without), value = UTF-8 body; one {@code cmq.tag} header
 * per tag, {@code cmq.routing-key}, and {@code cmq.publish-time} (engine clock, ms, 8 bytes). Its id is
 * {@code partition << 40 | offset}, like a queue message's.
 */
public record TopicMessage(String msgId, byte[] body, List<String> tags, String routingKey, long publishedAt) {

    static final String TAG_HEADER = "cmq.tag";
    static final String ROUTING_KEY_HEADER = "cmq.routing-key";
    static final String PUBLISH_TIME_HEADER = "cmq.publish-time";

    static ProducerRecord<byte[], byte[]> record(String topic, int partition, String group, byte[] body,
            List<String> tags, String routingKey, long publishedAt) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition,
                group == null ? null : group.getBytes(StandardCharsets.UTF_8), body);
        for (String t : tags) {
            r.headers().add(new RecordHeader(TAG_HEADER, t.getBytes(StandardCharsets.UTF_8)));
        }
        if (routingKey != null) {
            r.headers().add(new RecordHeader(ROUTING_KEY_HEADER, routingKey.getBytes(StandardCharsets.UTF_8)));
        }
        r.headers().add(new RecordHeader(PUBLISH_TIME_HEADER, ByteBuffer.allocate(8).putLong(publishedAt).array()));
        return r;
    }

    static TopicMessage of(ConsumerRecord<byte[], byte[]> r) {
        List<String> tags = new ArrayList<>(2);
        String routingKey = null;
        long publishedAt = r.timestamp();
        for (Header h : r.headers()) {
            if (h.value() == null) {
                continue;
            }
            switch (h.key()) {
                case TAG_HEADER -> tags.add(new String(h.value(), StandardCharsets.UTF_8));
                case ROUTING_KEY_HEADER -> routingKey = new String(h.value(), StandardCharsets.UTF_8);
                case PUBLISH_TIME_HEADER -> {
                    if (h.value().length == 8) {
                        publishedAt = ByteBuffer.wrap(h.value()).getLong();
                    }
                }
                default -> {
                }
            }
        }
        return new TopicMessage(MessageIds.of(r.partition(), r.offset()), r.value() == null ? new byte[0] : r.value(),
                tags, routingKey, publishedAt);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
