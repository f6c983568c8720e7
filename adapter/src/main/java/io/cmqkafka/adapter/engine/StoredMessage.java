package io.cmqkafka.adapter.engine;

/** A message held in a dispatcher's window. Times are epoch millis. */
record StoredMessage(long offset, String body, long enqueueTime, long deliverAt, int size) {
}
