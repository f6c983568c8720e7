package io.cmqkafka.adapter.engine;

/**
 * A message held in a dispatcher's window. Times are epoch millis. {@code msgId} is null except
 * for messages moved here from another queue (dead letters, redrive), which keep their first id.
 * {@code group}: the message group of an ordered queue (the Kafka record key), or null.
 */
record StoredMessage(long offset, String body, long enqueueTime, long deliverAt, int size, String msgId,
        String group) {

    String msgIdIn(int partition) {
        return msgId != null ? msgId : MessageIds.of(partition, offset);
    }
}
