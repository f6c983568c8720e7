package io.cmqkafka.adapter.protocol;

import static io.cmqkafka.adapter.protocol.CmqResponse.fields;
import static io.cmqkafka.adapter.protocol.Limits.MAX_MSG_HEAP_NUM;
import static io.cmqkafka.adapter.protocol.Limits.MAX_MSG_SIZE;
import static io.cmqkafka.adapter.protocol.Limits.MSG_RETENTION_SECONDS;
import static io.cmqkafka.adapter.protocol.Limits.POLLING_WAIT_SECONDS;
import static io.cmqkafka.adapter.protocol.Limits.REWIND_SECONDS;
import static io.cmqkafka.adapter.protocol.Limits.VISIBILITY_TIMEOUT;

import io.cmqkafka.adapter.engine.DeadLetterPolicy;
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
                "SetQueueAttributes", this::setQueueAttributes,
                "RewindQueue", this::rewindQueue,
                "ListDeadLetterSourceQueues", this::listDeadLetterSourceQueues,
                "UnbindDeadLetterQueue", this::unbindDeadLetterQueue,
                // Extensions (see README): rewind to offsets (reconciliation jobs), redrive dead letters.
                "RewindQueueToOffsets", this::rewindQueueToOffsets,
                "RedriveDeadLetterQueue", this::redriveDeadLetterQueue);
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
                r.intOrDefault(REWIND_SECONDS),
                deadLetterPolicy(r),
                r.intOrDefault(Limits.ORDERED) == 1));
        return queues.createQueue(name, settings).thenApply(id -> fields("queueId", id));
    }

    CompletionStage<Map<String, Object>> deleteQueue(CmqRequest r) {
        return queues.deleteQueue(r.queueName()).thenApply(v -> fields());
    }

    CompletionStage<Map<String, Object>> listQueue(CmqRequest r) {
        return CompletableFuture.completedFuture(queueList(queues.listQueues(searchWord(r), r.visibleQueues(),
                r.intOrDefault(Limits.LIST_OFFSET), r.intOrDefault(Limits.LIST_LIMIT))));
    }

    CompletionStage<Map<String, Object>> listDeadLetterSourceQueues(CmqRequest r) {
        String dlq = r.queueName("deadLetterQueueName");
        return CompletableFuture.completedFuture(queueList(queues.listDeadLetterSourceQueues(dlq, searchWord(r), r.visibleQueues(),
                r.intOrDefault(Limits.LIST_OFFSET), r.intOrDefault(Limits.LIST_LIMIT))));
    }

    private static String searchWord(CmqRequest r) {
        String w = r.optionalString("searchWord");
        return w == null || w.isEmpty() ? null : w;
    }

    private static Map<String, Object> queueList(QueuePage page) {
        List<Map<String, Object>> list = page.queues().stream()
                .map(q -> fields("queueId", q.queueId(), "queueName", q.queueName()))
                .toList();
        return fields("totalCount", page.totalCount(), "queueList", list);
    }

    CompletionStage<Map<String, Object>> unbindDeadLetterQueue(CmqRequest r) {
        return queues.unbindDeadLetterQueue(r.queueName()).thenApply(id -> fields("queueId", id));
    }

    /** Extension: moves messages of dead-letter queue {@code queueName} back; answers {@code redrivenMsgNum}. */
    CompletionStage<Map<String, Object>> redriveDeadLetterQueue(CmqRequest r) {
        String dlq = r.queueName();
        String target = r.optionalString("targetQueueName") == null ? null : r.queueName("targetQueueName");
        Long max = r.optionalLong(Limits.REDRIVE_MAX_MSG_NUM);
        return queues.redriveDeadLetters(dlq, target, max == null ? Long.MAX_VALUE : max)
                .thenApply(n -> fields("redrivenMsgNum", n));
    }

    /** The Java SDK sends no startConsumeTime when its argument is 0 or less: 10010 missing parameter. */
    CompletionStage<Map<String, Object>> rewindQueue(CmqRequest r) {
        String name = r.queueName();
        return queues.rewindQueue(name, r.requiredLong(Limits.START_CONSUME_TIME)).thenApply(v -> fields());
    }

    /**
     * Extension: {@code offsets=partition:offset,...} rewinds those partitions to those offsets; without
     * {@code offsets}, every partition goes back to its earliest retained message.
     */
    CompletionStage<Map<String, Object>> rewindQueueToOffsets(CmqRequest r) {
        String name = r.queueName();
        String text = r.optionalString("offsets");
        Map<Integer, Long> offsets = new java.util.HashMap<>();
        if (text != null && !text.isBlank()) {
            String[] pairs = text.split(",", -1);
            if (pairs.length > Limits.MAX_REWIND_PARTITIONS) {
                throw CmqError.OUT_OF_RANGE.exception("offsets");
            }
            for (String pair : pairs) {
                java.util.regex.Matcher m = OFFSET_PAIR.matcher(pair.strip());
                if (!m.matches()) {
                    throw CmqError.WRONG_TYPE.exception("offsets");
                }
                try {
                    if (offsets.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2))) != null) {
                        throw CmqError.NOT_REPEATABLE.exception("offsets");
                    }
                } catch (NumberFormatException e) {
                    throw CmqError.OUT_OF_RANGE.exception("offsets");
                }
            }
        }
        return queues.rewindQueueToOffsets(name, offsets).thenApply(v -> fields());
    }

    private static final java.util.regex.Pattern OFFSET_PAIR = java.util.regex.Pattern.compile("^(\\d{1,4}):(\\d{1,18})$");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * {@code deadLetterPolicy}: a JSON text {@code {"deadLetterQueue":name,"policy":0|1,"maxReceiveCount":n}}
     * or {@code ...,"maxTimeToLive":s}. Null when absent or empty. Numbers may also come as digit strings.
     */
    static DeadLetterPolicy deadLetterPolicy(CmqRequest r) {
        String text = r.optionalString("deadLetterPolicy");
        if (text == null || text.isBlank()) {
            return null;
        }
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw CmqError.DEAD_LETTER_NOT_JSON.exception();
        }
        if (n == null || !n.isObject()) {
            throw CmqError.DEAD_LETTER_NOT_JSON.exception();
        }
        com.fasterxml.jackson.databind.JsonNode q = n.get("deadLetterQueue");
        if (q == null || !q.isTextual() || q.asText().isEmpty()) {
            throw CmqError.DEAD_LETTER_QUEUE_MISSING.exception();
        }
        if (!Limits.QUEUE_NAME.matcher(q.asText()).matches()) {
            throw CmqError.DEAD_LETTER_QUEUE_NOT_FOUND.exception();
        }
        Long policy = integer(n, "policy", CmqError.DEAD_LETTER_POLICY);
        if (policy == null || (policy != DeadLetterPolicy.BY_RECEIVE_COUNT && policy != DeadLetterPolicy.BY_TIME_TO_LIVE)) {
            throw CmqError.DEAD_LETTER_POLICY.exception();
        }
        if (policy == DeadLetterPolicy.BY_RECEIVE_COUNT) {
            Long count = integer(n, Limits.MAX_RECEIVE_COUNT.name(), CmqError.DEAD_LETTER_PARAMS);
            if (count == null) {
                throw CmqError.DEAD_LETTER_PARAMS.exception(Limits.MAX_RECEIVE_COUNT.name() + " is required");
            }
            return new DeadLetterPolicy(q.asText(), 0, (int) Limits.MAX_RECEIVE_COUNT.check(count), 0);
        }
        Long ttl = integer(n, Limits.MAX_TIME_TO_LIVE.name(), CmqError.DEAD_LETTER_PARAMS);
        if (ttl == null) {
            throw CmqError.DEAD_LETTER_PARAMS.exception(Limits.MAX_TIME_TO_LIVE.name() + " is required");
        }
        return new DeadLetterPolicy(q.asText(), 1, 0, (int) Limits.MAX_TIME_TO_LIVE.check(ttl));
    }

    /** An integer field, as a JSON number or a digit string; null when absent. */
    private static Long integer(com.fasterxml.jackson.databind.JsonNode n, String field, CmqError bad) {
        com.fasterxml.jackson.databind.JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual() && v.asText().matches("^-?\\d{1,18}$")) {
            return Long.parseLong(v.asText());
        }
        throw bad.exception(field);
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
        if (r.optionalString(Limits.ORDERED.name()) != null) {
            throw CmqError.ORDERED_AT_CREATION.exception();
        }
        QueueSettings.Patch patch = new QueueSettings.Patch(
                r.optionalLong(MAX_MSG_HEAP_NUM),
                r.optionalInt(POLLING_WAIT_SECONDS),
                r.optionalInt(VISIBILITY_TIMEOUT),
                r.optionalInt(MAX_MSG_SIZE),
                r.optionalInt(MSG_RETENTION_SECONDS),
                r.optionalInt(REWIND_SECONDS),
                deadLetterPolicy(r));
        CompletionStage<Void> checked;
        if (patch.rewindSeconds() == null && patch.msgRetentionSeconds() == null && patch.deadLetterPolicy() == null) {
            checked = CompletableFuture.completedFuture(null);
        } else if (patch.rewindSeconds() != null && patch.msgRetentionSeconds() != null
                && patch.deadLetterPolicy() == null) {
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
        DeadLetterPolicy dl = a.settings().deadLetterPolicy();
        if (dl != null) {
            // The docs name the dead-letter queue by id; its name is added for people reading it.
            Map<String, Object> p = fields("deadLetterQueue", a.deadLetterQueueId(), "deadLetterQueueName",
                    dl.deadLetterQueue(), "policy", dl.policy());
            if (dl.policy() == DeadLetterPolicy.BY_RECEIVE_COUNT) {
                p.put("maxReceiveCount", dl.maxReceiveCount());
            } else {
                p.put("maxTimeToLive", dl.maxTimeToLive());
            }
            f.put("deadLetterPolicy", p);
        }
        return f;
    }

    static Map<String, Object> settings(QueueSettings s) {
        return fields(
                "maxMsgHeapNum", s.maxMsgHeapNum(),
                "pollingWaitSeconds", s.pollingWaitSeconds(),
                "visibilityTimeout", s.visibilityTimeout(),
                "maxMsgSize", s.maxMsgSize(),
                "msgRetentionSeconds", s.msgRetentionSeconds(),
                "rewindSeconds", s.rewindSeconds(),
                "ordered", s.ordered() ? 1 : 0);
    }
}
