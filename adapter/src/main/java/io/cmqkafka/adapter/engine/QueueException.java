package io.cmqkafka.adapter.engine;

/** A failure the engine reports to callers; the protocol layer maps {@link Kind} to a CMQ code. */
public final class QueueException extends RuntimeException {

    public enum Kind {
        QUEUE_NOT_FOUND,
        QUEUE_EXISTS,
        /** The queue's old Kafka topic is still being deleted. */
        RECREATE_TOO_SOON,
        QUOTA_EXCEEDED,
        MESSAGE_TOO_LARGE,
        /** The queue holds maxMsgHeapNum messages. */
        HEAP_FULL,
        /** Receipt handle malformed, from an older receive, or its lease lapsed. */
        INVALID_RECEIPT_HANDLE,
        /** Too many received-but-not-deleted or delayed messages ahead of the waiting ones. */
        TOO_MANY_INFLIGHT,
        /** Kafka did not acknowledge in time or refused: the client may retry. */
        UNAVAILABLE,
        /** A dead-letter policy names a queue that does not exist, or a queue has no dead-letter queue to unbind. */
        DEAD_LETTER_QUEUE_NOT_FOUND,
        /** A dead-letter queue may not have a dead-letter queue itself, nor be its own. */
        DEAD_LETTER_NESTING,
        /** A queue is the dead-letter queue of too many queues already. */
        DEAD_LETTER_TOO_MANY_SOURCES,
        /** A queue that is some queue's dead-letter queue cannot be deleted. */
        DEAD_LETTER_QUEUE_BOUND,
        /** RewindQueue on a queue whose rewindSeconds is 0. */
        REWIND_DISABLED,
        /** A rewind time outside [now - rewindSeconds, now]. */
        REWIND_TIME_OUT_OF_RANGE,
        /** A partition number the queue does not have (rewind to offsets). */
        NO_SUCH_PARTITION,
        /** Redrive without a target, from a dead-letter queue that has not exactly one source. */
        REDRIVE_TARGET_REQUIRED
    }

    private final Kind kind;

    public QueueException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public QueueException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
