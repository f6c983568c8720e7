package io.cmqkafka.adapter.engine;

import java.util.List;

/** One page of ListQueue: {@code totalCount} counts all matches, not the page. */
public record QueuePage(int totalCount, List<Entry> queues) {
    public record Entry(String queueId, String queueName) {
    }
}
