package io.cmqkafka.adapter.protocol;

import io.cmqkafka.adapter.engine.QueueAttributes;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.QueuePage;
import io.cmqkafka.adapter.engine.QueueService;
import io.cmqkafka.adapter.engine.QueueSettings;
import io.cmqkafka.adapter.engine.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Records the last call's arguments and answers with whatever the test put in the public fields. */
class StubQueueService implements QueueService {

    /** When set, every call fails with it (asynchronously, as the engine would). */
    Throwable failure;

    String lastQueue;
    QueueSettings lastSettings;
    QueueSettings.Patch lastPatch;
    List<String> lastBodies;
    Integer lastDelay;
    String lastGroup;
    Integer lastMax;
    Integer lastWait;
    Integer lastVisibility;
    List<String> lastHandles;
    String lastSearchWord;
    Integer lastOffset;
    Integer lastLimit;
    int calls;

    QueueAttributes attributes = new QueueAttributes("qid-1", "q1", Limits.defaultSettings(),
            1_700_000_000L, 1_700_000_100L, 5, 2, 1, 3, 1_700_000_050L, null);
    List<ReceivedMessage> received = new ArrayList<>();
    List<QueueException.Kind> deleteOutcomes;
    QueuePage page = new QueuePage(0, List.of());

    private <T> CompletionStage<T> answer(T value) {
        calls++;
        return failure != null ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(value);
    }

    @Override
    public CompletionStage<String> createQueue(String name, QueueSettings settings) {
        lastQueue = name;
        lastSettings = settings;
        return answer("qid-" + name);
    }

    @Override
    public CompletionStage<Void> deleteQueue(String name) {
        lastQueue = name;
        return answer(null);
    }

    @Override
    public QueuePage listQueues(String searchWord, java.util.function.Predicate<String> visible, int offset,
            int limit) {
        calls++;
        lastSearchWord = searchWord;
        lastOffset = offset;
        lastLimit = limit;
        return page;
    }

    @Override
    public CompletionStage<QueueAttributes> getQueueAttributes(String name) {
        lastQueue = name;
        return answer(attributes);
    }

    @Override
    public CompletionStage<QueueAttributes> setQueueAttributes(String name, QueueSettings.Patch patch) {
        lastQueue = name;
        lastPatch = patch;
        QueueAttributes a = attributes;
        return answer(new QueueAttributes(a.queueId(), a.queueName(), a.settings().with(patch), a.createTime(),
                a.lastModifyTime(), a.activeMsgNum(), a.inactiveMsgNum(), a.delayMsgNum(), a.rewindMsgNum(),
                a.minMsgTime(), a.deadLetterQueueId()));
    }

    @Override
    public CompletionStage<List<String>> send(String queue, List<String> bodies, int delaySeconds, String group) {
        lastQueue = queue;
        lastGroup = group;
        lastBodies = bodies;
        lastDelay = delaySeconds;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            ids.add("m" + i);
        }
        return answer(ids);
    }

    @Override
    public CompletionStage<List<ReceivedMessage>> receive(String queue, int max, Integer pollingWaitSeconds,
            Integer visibilityTimeoutSeconds) {
        lastQueue = queue;
        lastMax = max;
        lastWait = pollingWaitSeconds;
        lastVisibility = visibilityTimeoutSeconds;
        return answer(received.subList(0, Math.min(max, received.size())));
    }

    @Override
    public CompletionStage<List<QueueException.Kind>> delete(String queue, List<String> receiptHandles) {
        lastQueue = queue;
        lastHandles = receiptHandles;
        return answer(outcomes(receiptHandles));
    }

    Long lastRewindTime;
    java.util.Map<Integer, Long> lastRewindOffsets;
    Integer lastVisibilityChange;

    @Override
    public QueuePage listDeadLetterSourceQueues(String deadLetterQueue, String searchWord,
            java.util.function.Predicate<String> visible, int offset, int limit) {
        lastQueue = deadLetterQueue;
        return listQueues(searchWord, visible, offset, limit);
    }

    @Override
    public CompletionStage<String> unbindDeadLetterQueue(String name) {
        lastQueue = name;
        return answer("qid-" + name);
    }

    @Override
    public CompletionStage<Void> rewindQueue(String name, long startConsumeTimeSeconds) {
        lastQueue = name;
        lastRewindTime = startConsumeTimeSeconds;
        return answer(null);
    }

    @Override
    public CompletionStage<Void> rewindQueueToOffsets(String name, java.util.Map<Integer, Long> offsets) {
        lastQueue = name;
        lastRewindOffsets = offsets;
        return answer(null);
    }

    @Override
    public CompletionStage<VisibilityChange> changeVisibility(String queue, List<String> receiptHandles,
            int visibilityTimeoutSeconds) {
        lastQueue = queue;
        lastHandles = receiptHandles;
        lastVisibilityChange = visibilityTimeoutSeconds;
        return answer(new VisibilityChange(outcomes(receiptHandles), 1_700_000_000L + visibilityTimeoutSeconds));
    }

    @Override
    public CompletionStage<Long> redriveDeadLetters(String deadLetterQueue, String target, long max) {
        lastQueue = deadLetterQueue;
        return answer(0L);
    }

    /** {@link #deleteOutcomes} if set, else success for every handle. */
    private List<QueueException.Kind> outcomes(List<String> handles) {
        if (deleteOutcomes != null) {
            return deleteOutcomes;
        }
        List<QueueException.Kind> all = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            all.add(null);
        }
        return all;
    }
}
