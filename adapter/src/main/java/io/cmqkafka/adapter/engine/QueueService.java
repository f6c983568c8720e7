package io.cmqkafka.adapter.engine;

import java.util.List;
import java.util.function.Predicate;
import java.util.concurrent.CompletionStage;

/**
 * The queue engine as the protocol layer sees it. Arguments are already validated against
 * {@code Limits} by the protocol layer; failures complete exceptionally with {@link QueueException}.
 */
public interface QueueService {

    /** Creates a queue; completes with its queue id. EXISTS, RECREATE_TOO_SOON, QUOTA_EXCEEDED. */
    CompletionStage<String> createQueue(String name, QueueSettings settings);

    /** QUEUE_NOT_FOUND. */
    CompletionStage<Void> deleteQueue(String name);

    /**
     * Queues whose name contains {@code searchWord} (case-insensitive; null = all) and that
     * {@code visible} accepts (null = all: the caller's key may see every queue), sorted by name.
     */
    QueuePage listQueues(String searchWord, Predicate<String> visible, int offset, int limit);

    /** QUEUE_NOT_FOUND. */
    CompletionStage<QueueAttributes> getQueueAttributes(String name);

    /** Changes the non-null fields of {@code patch}. QUEUE_NOT_FOUND. */
    CompletionStage<QueueAttributes> setQueueAttributes(String name, QueueSettings.Patch patch);

    /**
     * Appends messages; completes with their message ids, in order, once all are durable.
     * QUEUE_NOT_FOUND, MESSAGE_TOO_LARGE, HEAP_FULL.
     */
    default CompletionStage<List<String>> send(String queue, List<String> bodies, int delaySeconds) {
        return send(queue, bodies, delaySeconds, null);
    }

    /**
     * As {@link #send(String, List, int)}; on an ordered queue {@code group} (may be null) names the
     * message group whose messages are delivered one at a time in send order. Ignored elsewhere.
     */
    CompletionStage<List<String>> send(String queue, List<String> bodies, int delaySeconds, String group);

    /**
     * Leases up to {@code max} messages, waiting up to {@code pollingWaitSeconds} (null: the
     * queue's attribute) for the first one. Completes with an empty list when none came.
     * {@code visibilityTimeoutSeconds} null: the queue's attribute. QUEUE_NOT_FOUND, TOO_MANY_INFLIGHT.
     */
    CompletionStage<List<ReceivedMessage>> receive(String queue, int max, Integer pollingWaitSeconds,
            Integer visibilityTimeoutSeconds);

    /**
     * Deletes by receipt handle; one outcome per handle, in order (null outcome = deleted).
     * QUEUE_NOT_FOUND fails the whole call.
     */
    CompletionStage<List<QueueException.Kind>> delete(String queue, List<String> receiptHandles);

    /** Queues whose dead-letter queue is {@code deadLetterQueue}, filtered and paged like {@link #listQueues}. */
    QueuePage listDeadLetterSourceQueues(String deadLetterQueue, String searchWord, Predicate<String> visible,
            int offset, int limit);

    /** Removes the queue's dead-letter policy; completes with its queue id. DEAD_LETTER_QUEUE_NOT_FOUND when none. */
    CompletionStage<String> unbindDeadLetterQueue(String name);

    /**
     * Every message produced at or after {@code startConsumeTimeSeconds} (Unix seconds) becomes
     * deliverable again, in production order, deleted ones included. REWIND_DISABLED, REWIND_TIME_OUT_OF_RANGE.
     */
    CompletionStage<Void> rewindQueue(String name, long startConsumeTimeSeconds);

    /**
     * Extension: rewinds partitions to offsets ({@code offsets} partition to offset; null or empty: every
     * partition to its earliest retained message). NO_SUCH_PARTITION.
     */
    CompletionStage<Void> rewindQueueToOffsets(String name, java.util.Map<Integer, Long> offsets);

    /**
     * Extension (SQS ChangeMessageVisibility): the leases named by the handles end
     * {@code visibilityTimeoutSeconds} from now (0: visible at once). One outcome per handle, null = changed.
     */
    CompletionStage<VisibilityChange> changeVisibility(String queue, List<String> receiptHandles,
            int visibilityTimeoutSeconds);

    /**
     * Extension: moves up to {@code max} messages (message id and enqueue time kept) from a dead-letter
     * queue to {@code target}, or, when null, to the one queue the dead-letter queue serves; completes
     * with how many moved. Messages leased right now stay. REDRIVE_TARGET_REQUIRED.
     */
    CompletionStage<Long> redriveDeadLetters(String deadLetterQueue, String target, long max);

    /** Outcomes per handle (null = changed) and the new end of the changed leases (Unix seconds). */
    record VisibilityChange(List<QueueException.Kind> outcomes, long nextVisibleTime) {
    }
}
