package io.cmqkafka.adapter;

import io.cmqkafka.adapter.engine.QueueAttributes;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.QueuePage;
import io.cmqkafka.adapter.engine.QueueService;
import io.cmqkafka.adapter.engine.QueueSettings;
import io.cmqkafka.adapter.engine.ReceivedMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What the CMQ API answers on an instance that runs only the Kafka broker (role broker). */
final class UnavailableQueueService implements QueueService {

    static final UnavailableQueueService INSTANCE = new UnavailableQueueService();

    private static <T> CompletionStage<T> no() {
        return CompletableFuture.failedFuture(new QueueException(QueueException.Kind.UNAVAILABLE,
                "this instance runs only the Kafka broker (cmq.role=broker)"));
    }

    @Override
    public CompletionStage<String> createQueue(String name, QueueSettings settings) {
        return no();
    }

    @Override
    public CompletionStage<Void> deleteQueue(String name) {
        return no();
    }

    @Override
    public QueuePage listQueues(String searchWord, java.util.function.Predicate<String> visible, int offset,
            int limit) {
        throw new QueueException(QueueException.Kind.UNAVAILABLE, "this instance runs only the Kafka broker");
    }

    @Override
    public CompletionStage<QueueAttributes> getQueueAttributes(String name) {
        return no();
    }

    @Override
    public CompletionStage<QueueAttributes> setQueueAttributes(String name, QueueSettings.Patch patch) {
        return no();
    }

    @Override
    public CompletionStage<List<String>> send(String queue, List<String> bodies, int delaySeconds, String group) {
        return no();
    }

    @Override
    public CompletionStage<List<ReceivedMessage>> receive(String queue, int max, Integer wait, Integer visibility) {
        return no();
    }

    @Override
    public CompletionStage<List<QueueException.Kind>> delete(String queue, List<String> receiptHandles) {
        return no();
    }

    @Override
    public QueuePage listDeadLetterSourceQueues(String deadLetterQueue, String searchWord,
            java.util.function.Predicate<String> visible, int offset, int limit) {
        throw new QueueException(QueueException.Kind.UNAVAILABLE, "this instance runs only the Kafka broker");
    }

    @Override
    public CompletionStage<String> unbindDeadLetterQueue(String name) {
        return no();
    }

    @Override
    public CompletionStage<Long> redriveDeadLetters(String deadLetterQueue, String target, long max) {
        return no();
    }

    @Override
    public CompletionStage<Void> rewindQueue(String name, long startConsumeTimeSeconds) {
        return no();
    }

    @Override
    public CompletionStage<Void> rewindQueueToOffsets(String name, java.util.Map<Integer, Long> offsets) {
        return no();
    }

    @Override
    public CompletionStage<VisibilityChange> changeVisibility(String queue, List<String> receiptHandles,
            int visibilityTimeoutSeconds) {
        return no();
    }
}
