package io.cmqkafka.adapter.protocol;

import static io.cmqkafka.adapter.protocol.CmqResponse.fields;
import static io.cmqkafka.adapter.protocol.Limits.MAX_MSG_HEAP_NUM;
import static io.cmqkafka.adapter.protocol.Limits.MAX_MSG_SIZE;
import static io.cmqkafka.adapter.protocol.Limits.MSG_RETENTION_SECONDS;
import static io.cmqkafka.adapter.protocol.Limits.POLLING_WAIT_SECONDS;
import static io.cmqkafka.adapter.protocol.Limits.REWIND_SECONDS;
import static io.cmqkafka.adapter.protocol.Limits.VISIBILITY_TIMEOUT;

import io.cmqkafka.adapter.engine.QueueAttributes;
import io.cmqkafka.adapter.engine.QueuePage;
import io.cmqkafka.adapter.engine.QueueService;
import io.cmqkafka.adapter.engine.QueueSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** CreateQueue, DeleteQueue, ListQueue, GetQueueAttributes, SetQueueAttributes (cmq-api.md §2.1). */
@ApplicationScoped
public class QueueActions implements ActionFamily {

    private final QueueService queues;

    @Inject
    public QueueActions(QueueService queues) {
        this.queues = queues;
    }

    @Override
    public Map<String, ActionHandler> actions() {
        return Map.of(
                "CreateQueue", this::createQueue,
                "DeleteQueue", this::deleteQueue,
                "ListQueue", this::listQueue,
                "GetQueueAttributes", this::getQueueAttributes,
                "SetQueueAttributes", this::setQueueAttributes);
    }

    /** SDKs send only in-range values or the documented defaults, so absent simply means default. */
    CompletionStage<Map<String, Object>> createQueue(CmqRequest r) {
        String name = r.queueName();
        QueueSettings settings = Limits.checkSettings(new QueueSettings(
                r.longOrDefault(MAX_MSG_HEAP_NUM),
                r.intOrDefault(POLLING_WAIT_SECONDS),
                r.intOrDefault(VISIBILITY_TIMEOUT),
                r.intOrDefault(MAX_MSG_SIZE),
                r.intOrDefault(MSG_RETENTION_SECONDS),
                r.intOrDefault(REWIND_SECONDS)));
        return queues.createQueue(name, settings).thenApply(id -> fields("queueId", id));
    }

    CompletionStage<Map<String, Object>> deleteQueue(CmqRequest r) {
        return queues.deleteQueue(r.queueName()).thenApply(v -> fields());
    }

    CompletionStage<Map<String, Object>> listQueue(CmqRequest r) {
        String searchWord = r.optionalString("searchWord");
        QueuePage page = queues.listQueues(searchWord == null || searchWord.isEmpty() ? null : searchWord,
                r.intOrDefault(Limits.LIST_OFFSET), r.intOrDefault(Limits.LIST_LIMIT));
        List<Map<String, Object>> list = page.queues().stream()
                .map(q -> fields("queueId", q.queueId(), "queueName", q.queueName()))
                .toList();
        return CompletableFuture.completedFuture(fields("totalCount", page.totalCount(), "queueList", list));
    }

    CompletionStage<Map<String, Object>> getQueueAttributes(CmqRequest r) {
        return queues.getQueueAttributes(r.queueName()).thenApply(QueueActions::attributes);
    }

    /**
     * Applies whatever was sent (Java sends only values > 0, Python always five of them). When only one of
     * rewindSeconds / msgRetentionSeconds is sent, the other comes from the queue to check rewind ≤ retention.
     */
    CompletionStage<Map<String, Object>> setQueueAttributes(CmqRequest r) {
        String name = r.queueName();
        QueueSettings.Patch patch = new QueueSettings.Patch(
                r.optionalLong(MAX_MSG_HEAP_NUM),
                r.optionalInt(POLLING_WAIT_SECONDS),
                r.optionalInt(VISIBILITY_TIMEOUT),
                r.optionalInt(MAX_MSG_SIZE),
                r.optionalInt(MSG_RETENTION_SECONDS),
                r.optionalInt(REWIND_SECONDS));
        CompletionStage<Void> checked;
        if (patch.rewindSeconds() == null && patch.msgRetentionSeconds() == null) {
            checked = CompletableFuture.completedFuture(null);
        } else if (patch.rewindSeconds() != null && patch.msgRetentionSeconds() != null) {
            checked = CompletableFuture.completedFuture(null);
            Limits.checkSettings(Limits.defaultSettings().with(patch));
        } else {
            checked = queues.getQueueAttributes(name)
                    .thenAccept(current -> Limits.checkSettings(current.settings().with(patch)));
        }
        return checked
                .thenCompose(v -> queues.setQueueAttributes(name, patch))
                .thenApply(a -> {
                    Map<String, Object> f = settings(a.settings());
                    f.put("queueId", a.queueId());
                    return f;
                });
    }

    static Map<String, Object> attributes(QueueAttributes a) {
        Map<String, Object> f = fields("queueId", a.queueId(), "queueName", a.queueName());
        f.putAll(settings(a.settings()));
        f.putAll(fields(
                "createTime", a.createTime(),
                "lastModifyTime", a.lastModifyTime(),
                "activeMsgNum", a.activeMsgNum(),
                "inactiveMsgNum", a.inactiveMsgNum(),
                "delayMsgNum", a.delayMsgNum(),
                // Java reads rewindMsgNum, Python and the docs rewindmsgNum.
                "rewindMsgNum", a.rewindMsgNum(),
                "rewindmsgNum", a.rewindMsgNum(),
                "minMsgTime", a.minMsgTime()));
        return f;
    }

    static Map<String, Object> settings(QueueSettings s) {
        return fields(
                "maxMsgHeapNum", s.maxMsgHeapNum(),
                "pollingWaitSeconds", s.pollingWaitSeconds(),
                "visibilityTimeout", s.visibilityTimeout(),
                "maxMsgSize", s.maxMsgSize(),
                "msgRetentionSeconds", s.msgRetentionSeconds(),
                "rewindSeconds", s.rewindSeconds());
    }
}
