package io.cmqkafka.adapter.protocol;

import static io.cmqkafka.adapter.protocol.CmqResponse.fields;

import io.cmqkafka.adapter.topic.TopicRecord;
import io.cmqkafka.adapter.topic.TopicService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CreateTopic, DeleteTopic, ListTopic, GetTopicAttributes, SetTopicAttributes, PublishMessage,
 * BatchPublishMessage (cmq-api.md §2.3). The engine checks bodies against the topic's maxMsgSize and the
 * subscriptions; here the absolute limits, tags and routing keys.
 */
@ApplicationScoped
public class TopicActions implements ActionFamily {

    private final TopicService topics;

    @Inject
    public TopicActions(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public Map<String, ActionHandler> actions() {
        return Map.of(
                "CreateTopic", this::createTopic,
                "DeleteTopic", this::deleteTopic,
                "ListTopic", this::listTopic,
                "GetTopicAttributes", this::getTopicAttributes,
                "SetTopicAttributes", this::setTopicAttributes,
                "PublishMessage", this::publishMessage,
                "BatchPublishMessage", this::batchPublishMessage);
    }

    CompletionStage<Map<String, Object>> createTopic(CmqRequest r) {
        String name = r.topicName();
        int maxMsgSize = r.intOrDefault(Limits.TOPIC_MAX_MSG_SIZE);
        int filterType = r.intOrDefault(Limits.FILTER_TYPE);
        if (filterType == 0) {
            filterType = Limits.FILTER_TYPE_TAGS;
        }
        return topics.createTopic(name, maxMsgSize, filterType).thenApply(id -> fields("topicId", id));
    }

    CompletionStage<Map<String, Object>> deleteTopic(CmqRequest r) {
        return topics.deleteTopic(r.topicName()).thenApply(v -> fields());
    }

    CompletionStage<Map<String, Object>> listTopic(CmqRequest r) {
        String searchWord = r.optionalString("searchWord");
        TopicService.Page<TopicRecord> page = topics.listTopics(searchWord == null || searchWord.isEmpty()
                ? null : searchWord, r.visibleTopics(), r.intOrDefault(Limits.LIST_OFFSET), r.intOrDefault(Limits.LIST_LIMIT));
        List<Map<String, Object>> list = page.items().stream()
                .map(t -> fields("topicId", t.topicId(), "topicName", t.name()))
                .toList();
        return CompletableFuture.completedFuture(fields("totalCount", page.totalCount(), "topicList", list));
    }

    CompletionStage<Map<String, Object>> getTopicAttributes(CmqRequest r) {
        return topics.getTopicAttributes(r.topicName()).thenApply(a -> {
            TopicRecord t = a.topic();
            return fields(
                    "topicId", t.topicId(),
                    "topicName", t.name(),
                    "msgCount", a.msgCount(),
                    "maxMsgSize", t.maxMsgSize(),
                    "msgRetentionSeconds", Limits.TOPIC_MSG_RETENTION_SECONDS,
                    "createTime", t.createTime(),
                    "lastModifyTime", t.lastModifyTime(),
                    "filterType", t.filterType(),
                    "loggingEnabled", 0,
                    "tags", List.of());
        });
    }

    /** Java always sends maxMsgSize; Python only when > 0: absent (or 0) changes nothing. */
    CompletionStage<Map<String, Object>> setTopicAttributes(CmqRequest r) {
        String name = r.topicName();
        String raw = r.optionalString(Limits.TOPIC_MAX_MSG_SIZE.name());
        if (raw == null || raw.equals("0")) {
            return topics.getTopicAttributes(name).thenApply(a -> fields());
        }
        int size = r.intOrDefault(Limits.TOPIC_MAX_MSG_SIZE);
        return topics.setTopicAttributes(name, size).thenApply(v -> fields());
    }

    CompletionStage<Map<String, Object>> publishMessage(CmqRequest r) {
        String topic = r.topicName();
        String body = r.string("msgBody");
        checkBody(body);
        return topics.publish(topic, List.of(body), tags(r), routingKey(r), MessageActions.group(r))
                .thenApply(ids -> fields("msgId", ids.get(0)));
    }

    CompletionStage<Map<String, Object>> batchPublishMessage(CmqRequest r) {
        String topic = r.topicName();
        List<String> bodies = r.list("msgBody");
        long total = 0;
        for (String body : bodies) {
            total += checkBody(body);
        }
        if (total > Limits.MAX_BATCH_BODY_BYTES) {
            throw CmqError.BATCH_TOO_LARGE.exception();
        }
        // Extension: one msgGroupId for the whole batch, as BatchSendMessage.
        return topics.publish(topic, bodies, tags(r), routingKey(r), MessageActions.group(r))
                .thenApply(ids -> fields("msgList", ids.stream().map(id -> fields("msgId", id)).toList()));
    }

    /** msgTag.n: at most 5 (4000/10720), each 1..16 characters. */
    static List<String> tags(CmqRequest r) {
        List<String> tags = r.optionalList("msgTag");
        if (tags.size() > Limits.MAX_MSG_TAGS) {
            throw CmqError.TOO_MANY_MSG_TAGS.exception();
        }
        for (String t : tags) {
            checkTag(t, "msgTag");
        }
        return tags.stream().distinct().toList();
    }

    static void checkTag(String tag, String param) {
        if (tag.isEmpty() || tag.length() > Limits.MAX_TAG_CHARS) {
            throw CmqError.OUT_OF_RANGE.exception(param);
        }
        for (int i = 0; i < tag.length(); i++) {
            if (Character.isISOControl(tag.charAt(i))) {
                throw CmqError.OUT_OF_RANGE.exception(param);
            }
        }
    }

    /** routingKey: empty means absent (Python always sends it); ≤ 64 bytes, ≤ 15 dots. */
    static String routingKey(CmqRequest r) {
        String k = r.optionalString("routingKey");
        if (k == null || k.isEmpty()) {
            return null;
        }
        checkKey(k, "routingKey");
        return k;
    }

    static void checkKey(String key, String param) {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_ROUTING_KEY_BYTES) {
            throw CmqError.OUT_OF_RANGE.exception(param);
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                throw CmqError.OUT_OF_RANGE.exception(param);
            }
        }
        if (key.chars().filter(c -> c == '.').count() > Limits.MAX_KEY_DOTS) {
            throw CmqError.TOO_MANY_DELIMITERS.exception();
        }
    }

    /** Non-empty and at most 1 MiB of UTF-8; returns the byte count. */
    private static int checkBody(String body) {
        int bytes = body.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < Limits.MIN_MSG_BODY_BYTES) {
            throw CmqError.EMPTY_MESSAGE_BODY.exception();
        }
        if (bytes > Limits.MAX_MSG_BODY_BYTES) {
            throw CmqError.MESSAGE_TOO_LARGE.exception();
        }
        return bytes;
    }
}
