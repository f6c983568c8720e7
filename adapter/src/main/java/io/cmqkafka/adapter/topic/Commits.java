package io.cmqkafka.adapter.topic;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Offset commits of workers that finish records out of order. */
final class Commits {

    private Commits() {
    }

    /**
     * Commits, per partition, the lowest offset still open (or the next to read when none is), if it
     * moved since {@code committed}, and records it there: a restart resumes at the first unfinished record.
     */
    static void commitLowestOpen(Consumer<?, ?> consumer, Map<TopicPartition, Long> nextToRead,
            Map<TopicPartition, ? extends NavigableMap<Long, ?>> open, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : nextToRead.entrySet()) {
            NavigableMap<Long, ?> m = open.get(e.getKey());
            long at = m == null || m.isEmpty() ? e.getValue() : m.firstKey();
            if (!Long.valueOf(at).equals(committed.get(e.getKey()))) {
                offsets.put(e.getKey(), new OffsetAndMetadata(at));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
            offsets.forEach((tp, o) -> committed.put(tp, o.offset()));
        }
    }
}
