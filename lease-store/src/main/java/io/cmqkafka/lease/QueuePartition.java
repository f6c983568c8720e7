package io.cmqkafka.lease;

import java.nio.ByteBuffer;
import org.apache.kafka.common.Uuid;

/**
 * One partition of one queue incarnation. The queue id is the Kafka topic id of the queue's
 * topic, so a queue deleted and created again under the same name never inherits old leases.
 */
public record QueuePartition(Uuid queueId, int partition) {

    public static final int KEY_BYTES = 20;

    public byte[] toBytes() {
        return ByteBuffer.allocate(KEY_BYTES)
                .putLong(queueId.getMostSignificantBits())
                .putLong(queueId.getLeastSignificantBits())
                .putInt(partition)
                .array();
    }

    public static QueuePartition fromBytes(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        return new QueuePartition(new Uuid(b.getLong(), b.getLong()), b.getInt());
    }

    @Override
    public String toString() {
        return queueId + "/" + partition;
    }
}
