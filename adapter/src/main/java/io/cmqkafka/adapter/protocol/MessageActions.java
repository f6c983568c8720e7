package io.cmqkafka.adapter.protocol;

import static io.cmqkafka.adapter.protocol.CmqResponse.fields;

import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.QueueService;
import io.cmqkafka.adapter.engine.ReceivedMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * SendMessage, BatchSendMessage, ReceiveMessage, BatchReceiveMessage, DeleteMessage, BatchDeleteMessage
 * (cmq-api.md §2.2). The engine checks bodies against the queue's maxMsgSize; here only the absolute limits.
 */
@ApplicationScoped
public class MessageActions implements ActionFamily {

    private final QueueService queues;

    @Inject
    public MessageActions(QueueService queues) {
        this.queues = queues;
    }

    @Override
    public Map<String, ActionHandler> actions() {
        return Map.of(
                "SendMessage", this::sendMessage,
                "BatchSendMessage", this::batchSendMessage,
                "ReceiveMessage", this::receiveMessage,
                "BatchReceiveMessage", this::batchReceiveMessage,
                "DeleteMessage", this::deleteMessage,
                "BatchDeleteMessage", this::batchDeleteMessage,
                // Extension (SQS ChangeMessageVisibility): the receiver extends or ends its lease; see README.
                "ChangeMessageVisibility", this::changeMessageVisibility,
                "BatchChangeMessageVisibility", this::batchChangeMessageVisibility);
    }

    CompletionStage<Map<String, Object>> sendMessage(CmqRequest r) {
        String queue = r.queueName();
        String body = r.string("msgBody");
        checkBody(body);
        return queues.send(queue, List.of(body), r.intOrDefault(Limits.DELAY_SECONDS), group(r))
                .thenApply(ids -> fields("msgId", ids.get(0)));
    }

    CompletionStage<Map<String, Object>> batchSendMessage(CmqRequest r) {
        String queue = r.queueName();
        List<String> bodies = r.list("msgBody");
        long total = 0;
        for (String body : bodies) {
            total += checkBody(body);
        }
        if (total > Limits.MAX_BATCH_BODY_BYTES) {
            throw CmqError.BATCH_TOO_LARGE.exception();
        }
        return queues.send(queue, bodies, r.intOrDefault(Limits.DELAY_SECONDS), group(r))
                .thenApply(ids -> fields("msgList", ids.stream().map(id -> fields("msgId", id)).toList()));
    }

    /** Absent pollingWaitSeconds / visibilityTimeout: the queue's attributes (null to the engine). */
    CompletionStage<Map<String, Object>> receiveMessage(CmqRequest r) {
        return receive(r.queueName(), 1, r).thenApply(ms -> message(ms.get(0)));
    }

    CompletionStage<Map<String, Object>> batchReceiveMessage(CmqRequest r) {
        String queue = r.queueName();
        return receive(queue, r.requiredInt(Limits.NUM_OF_MSG), r)
                .thenApply(ms -> fields("msgInfoList", ms.stream().map(MessageActions::message).toList()));
    }

    private CompletionStage<List<ReceivedMessage>> receive(String queue, int max, CmqRequest r) {
        return queues.receive(queue, max,
                        r.optionalInt(Limits.RECEIVE_POLLING_WAIT_SECONDS),
                        r.optionalInt(Limits.RECEIVE_VISIBILITY_TIMEOUT))
                .thenApply(ms -> {
                    if (ms.isEmpty()) {
                        throw CmqError.NO_MESSAGE.exception();
                    }
                    return ms;
                });
    }

    CompletionStage<Map<String, Object>> deleteMessage(CmqRequest r) {
        return queues.delete(r.queueName(), List.of(r.string("receiptHandle")))
                .thenApply(outcomes -> {
                    QueueException.Kind failure = outcomes.get(0);
                    if (failure != null) {
                        throw CmqError.of(failure).exception();
                    }
                    return fields();
                });
    }

    /**
     * All deleted: code 0. Otherwise {@code errorList} [{code, message, receiptHandle}] with code 6010
     * (some failed) or 6020 (all failed), as the BatchDeleteMessage docs list them.
     */
    CompletionStage<Map<String, Object>> batchDeleteMessage(CmqRequest r) {
        String queue = r.queueName();
        List<String> handles = r.list("receiptHandle");
        return queues.delete(queue, handles).thenApply(outcomes -> batchOutcome(handles, outcomes, fields()));
    }

    /** {@code visibilityTimeout} seconds from now (0: visible at once); answers the lease's new end. */
    CompletionStage<Map<String, Object>> changeMessageVisibility(CmqRequest r) {
        String queue = r.queueName();
        String handle = r.string("receiptHandle");
        return queues.changeVisibility(queue, List.of(handle), r.requiredInt(Limits.CHANGE_VISIBILITY_TIMEOUT))
                .thenApply(c -> {
                    QueueException.Kind failure = c.outcomes().get(0);
                    if (failure != null) {
                        throw CmqError.of(failure).exception();
                    }
                    return fields("nextVisibleTime", c.nextVisibleTime());
                });
    }

    /** Like BatchDeleteMessage: errorList with 6010 / 6020 when some or all handles failed. */
    CompletionStage<Map<String, Object>> batchChangeMessageVisibility(CmqRequest r) {
        String queue = r.queueName();
        List<String> handles = r.list("receiptHandle");
        return queues.changeVisibility(queue, handles, r.requiredInt(Limits.CHANGE_VISIBILITY_TIMEOUT))
                .thenApply(c -> batchOutcome(handles, c.outcomes(), fields("nextVisibleTime", c.nextVisibleTime())));
    }

    private static Map<String, Object> batchOutcome(List<String> handles, List<QueueException.Kind> outcomes,
            Map<String, Object> success) {
        List<Map<String, Object>> errors = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            if (outcomes.get(i) != null) {
                CmqError e = CmqError.of(outcomes.get(i));
                errors.add(fields("code", e.code(), "message", e.message(), "receiptHandle", handles.get(i)));
            }
        }
        if (errors.isEmpty()) {
            return success;
        }
        CmqError e = errors.size() == handles.size() ? CmqError.BATCH_DELETE_FAILED : CmqError.DELETE_PARTIALLY_FAILED;
        throw new CmqException(e, e.message(), fields("errorList", errors));
    }

    /** Extension: {@code msgGroupId}, 1-128 characters, or null (also PublishMessage's, see TopicActions). */
    static String group(CmqRequest r) {
        String g = r.optionalString(Limits.MSG_GROUP_ID);
        if (g != null && (g.isEmpty() || g.length() > Limits.MAX_MSG_GROUP_ID_CHARS)) {
            throw CmqError.OUT_OF_RANGE.exception(Limits.MSG_GROUP_ID);
        }
        return g;
    }

    /** Non-empty and at most 1 MiB of UTF-8; returns the byte count. */
    private static int checkBody(String body) {
        int bytes = utf8Length(body);
        if (bytes < Limits.MIN_MSG_BODY_BYTES) {
            throw CmqError.EMPTY_MESSAGE_BODY.exception();
        }
        if (bytes > Limits.MAX_MSG_BODY_BYTES) {
            throw CmqError.MESSAGE_TOO_LARGE.exception();
        }
        return bytes;
    }

    /** {@code s.getBytes(UTF_8).length} without the copy (a lone surrogate becomes '?', one byte). */
    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // 4 bytes for the two chars
                i++;
            } else if (Character.isSurrogate(c)) {
                continue; // unpaired: encoded as '?'
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    static Map<String, Object> message(ReceivedMessage m) {
        return fields(
                "msgBody", m.msgBody(),
                "msgId", m.msgId(),
                "receiptHandle", m.receiptHandle(),
                "enqueueTime", m.enqueueTime(),
                "firstDequeueTime", m.firstDequeueTime(),
                "nextVisibleTime", m.nextVisibleTime(),
                "dequeueCount", m.dequeueCount());
    }
}
