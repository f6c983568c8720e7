package io.cmqkafka.adapter.engine;

/**
 * Message ids are decimal numbers derived from the message's place in Kafka, so they are stable
 * for the message's life and need no index: partition in the high bits, offset in the low 40.
 */
public final class MessageIds {

    private static final int OFFSET_BITS = 40;

    private MessageIds() {
    }

    public static String of(int partition, long offset) {
        return Long.toString(((long) partition << OFFSET_BITS) | offset);
    }
}
