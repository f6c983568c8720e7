package io.cmqkafka.adapter.protocol;

import static io.cmqkafka.adapter.protocol.CmqResponse.fields;

import io.cmqkafka.adapter.topic.EndpointPolicy;
import io.cmqkafka.adapter.topic.SubscriptionRecord;
import io.cmqkafka.adapter.topic.TopicService;
import io.cmqkafka.adapter.topic.TopicService.SubscriptionPatch;
import io.cmqkafka.adapter.topic.TopicService.SubscriptionSpec;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Subscribe, Unsubscribe, ListSubscriptionByTopic, GetSubscriptionAttributes, SetSubscriptionAttributes,
 * ClearSubscriptionFilterTags (cmq-api.md §2.4). Action names match case-insensitively, so the Java SDK's
 * {@code ClearSUbscriptionFIlterTags} reaches the same handler.
 */
@ApplicationScoped
public class SubscriptionActions implements ActionFamily {

    /** What GetSubscriptionAttributes reports as topicOwner (CMQ's APPID; one tenant here). */
    static final String TOPIC_OWNER = "0";

    private final TopicService topics;

    @Inject
    public SubscriptionActions(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public Map<String, ActionHandler> actions() {
        return Map.of(
                "Subscribe", this::subscribe,
                "Unsubscribe", this::unsubscribe,
                "ListSubscriptionByTopic", this::listSubscriptionByTopic,
                "GetSubscriptionAttributes", this::getSubscriptionAttributes,
                "SetSubscriptionAttributes", this::setSubscriptionAttributes,
                "ClearSubscriptionFilterTags", this::clearSubscriptionFilterTags);
    }

    CompletionStage<Map<String, Object>> subscribe(CmqRequest r) {
        String topic = r.topicName();
        String name = r.subscriptionName();
        String protocol = protocol(r.string("protocol"));
        String endpoint = r.string("endpoint");
        if (SubscriptionRecord.QUEUE.equals(protocol)) {
            if (!Limits.QUEUE_NAME.matcher(endpoint).matches()) {
                throw CmqError.ENDPOINT_FORMAT.exception("not a queue name");
            }
        } else {
            checkUrl(endpoint);
        }
        String strategy = strategy(r.optionalString("notifyStrategy"));
        String format = format(r.optionalString("notifyContentFormat"));
        if (strategy == null) {
            strategy = SubscriptionRecord.EXPONENTIAL_DECAY_RETRY;
        }
        // Queue subscriptions deliver the raw body; the Java SDK asks for JSON anyway (accepted, cmq-api §2.4).
        if (SubscriptionRecord.QUEUE.equals(protocol) || format == null) {
            format = SubscriptionRecord.QUEUE.equals(protocol) ? SubscriptionRecord.SIMPLIFIED : SubscriptionRecord.JSON;
        }
        List<String> tags = filterTags(r, CmqError.FILTER_TAG_LIMIT);
        List<String> keys = bindingKeys(r, CmqError.TOO_MANY_BINDING_KEYS);
        return topics.subscribe(topic, name, new SubscriptionSpec(protocol, endpoint, strategy, format,
                tags == null ? List.of() : tags, keys == null ? List.of() : keys))
                .thenApply(id -> fields("subscriptionId", id));
    }

    CompletionStage<Map<String, Object>> unsubscribe(CmqRequest r) {
        return topics.unsubscribe(r.topicName(), r.subscriptionName()).thenApply(v -> fields());
    }

    CompletionStage<Map<String, Object>> listSubscriptionByTopic(CmqRequest r) {
        String topic = r.topicName();
        String searchWord = r.optionalString("searchWord");
        int limit = r.intOrDefault(Limits.SUBSCRIPTION_LIST_LIMIT);
        TopicService.Page<SubscriptionRecord> page = topics.listSubscriptions(topic,
                searchWord == null || searchWord.isEmpty() ? null : searchWord,
                r.intOrDefault(Limits.SUBSCRIPTION_LIST_OFFSET),
                limit == 0 ? Limits.SUBSCRIPTION_LIST_LIMIT.defaultValue().intValue() : limit);
        List<Map<String, Object>> list = page.items().stream()
                .map(s -> fields("subscriptionId", s.subscriptionId(), "subscriptionName", s.name(),
                        "protocol", s.protocol(), "endpoint", s.endpoint()))
                .toList();
        return CompletableFuture.completedFuture(fields("totalCount", page.totalCount(), "subscriptionList", list));
    }

    CompletionStage<Map<String, Object>> getSubscriptionAttributes(CmqRequest r) {
        return topics.getSubscriptionAttributes(r.topicName(), r.subscriptionName()).thenApply(a -> {
            SubscriptionRecord s = a.subscription();
            return fields(
                    "subscriptionId", s.subscriptionId(),
                    "subscriptionName", s.name(),
                    "topicName", s.topic(),
                    "topicOwner", TOPIC_OWNER,
                    "msgCount", a.msgCount(),
                    "protocol", s.protocol(),
                    "endpoint", s.endpoint(),
                    "notifyStrategy", s.notifyStrategy(),
                    "notifyContentFormat", s.notifyContentFormat(),
                    "createTime", s.createTime(),
                    "lastModifyTime", s.lastModifyTime(),
                    // Java and C++ read filterTag, Python filterTags: both, arrays never null.
                    "filterTag", s.filterTags(),
                    "filterTags", s.filterTags(),
                    "bindingKey", s.bindingKeys(),
                    "droppedMsgCount", a.droppedMsgCount());
        });
    }

    CompletionStage<Map<String, Object>> setSubscriptionAttributes(CmqRequest r) {
        String topic = r.topicName();
        String name = r.subscriptionName();
        SubscriptionPatch patch = new SubscriptionPatch(
                strategy(r.optionalString("notifyStrategy")),
                format(r.optionalString("notifyContentFormat")),
                filterTags(r, CmqError.TOO_MANY_FILTER_TAGS),
                bindingKeys(r, CmqError.TOO_MANY_FILTERS));
        return topics.setSubscriptionAttributes(topic, name, patch).thenApply(v -> fields());
    }

    CompletionStage<Map<String, Object>> clearSubscriptionFilterTags(CmqRequest r) {
        return topics.setSubscriptionAttributes(r.topicName(), r.subscriptionName(),
                new SubscriptionPatch(null, null, List.of(), null)).thenApply(v -> fields());
    }

    /** {@code http} or {@code queue}, any case (docs write HTTP); https endpoints use protocol http. */
    static String protocol(String p) {
        String lower = p.toLowerCase(Locale.ROOT);
        if (!lower.equals(SubscriptionRecord.HTTP) && !lower.equals(SubscriptionRecord.QUEUE)) {
            throw CmqError.UNDEFINED_PROTOCOL.exception();
        }
        return lower;
    }

    /** Null (or empty) when absent. */
    static String strategy(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        String upper = s.toUpperCase(Locale.ROOT);
        if (!upper.equals(SubscriptionRecord.BACKOFF_RETRY) && !upper.equals(SubscriptionRecord.EXPONENTIAL_DECAY_RETRY)) {
            throw CmqError.UNDEFINED_NOTIFY_STRATEGY.exception();
        }
        return upper;
    }

    static String format(String f) {
        if (f == null || f.isEmpty()) {
            return null;
        }
        String upper = f.toUpperCase(Locale.ROOT);
        if (!upper.equals(SubscriptionRecord.JSON) && !upper.equals(SubscriptionRecord.SIMPLIFIED)) {
            throw CmqError.UNDEFINED_CONTENT_FORMAT.exception();
        }
        return upper;
    }

    /** HTTP endpoint: strict URL rules (4510/10570 blanks, 4000/10500 anything else). */
    static void checkUrl(String url) {
        switch (EndpointPolicy.checkSyntax(url, Limits.MAX_ENDPOINT_CHARS)) {
            case OK -> {
            }
            case BLANK -> throw CmqError.URL_BLANK.exception();
            case FORMAT -> throw CmqError.ENDPOINT_FORMAT.exception(
                    "expected http:// or https:// URL with a host, at most " + Limits.MAX_ENDPOINT_CHARS
                            + " printable characters, no user info or fragment");
        }
    }

    /** filterTag.n: null when absent; at most 5 ({@code tooMany} beyond), each 1..16 characters. */
    static List<String> filterTags(CmqRequest r, CmqError tooMany) {
        List<String> tags = r.optionalList("filterTag");
        if (tags.isEmpty()) {
            return null;
        }
        if (tags.size() > Limits.MAX_FILTER_TAGS) {
            throw tooMany.exception();
        }
        tags.forEach(t -> TopicActions.checkTag(t, "filterTag"));
        return tags.stream().distinct().toList();
    }

    /** bindingKey.n: null when absent; at most 5 ({@code tooMany} beyond), each ≤ 64 bytes and 15 dots. */
    static List<String> bindingKeys(CmqRequest r, CmqError tooMany) {
        List<String> keys = r.optionalList("bindingKey");
        if (keys.isEmpty()) {
            return null;
        }
        if (keys.size() > Limits.MAX_BINDING_KEYS) {
            throw tooMany.exception();
        }
        keys.forEach(k -> TopicActions.checkKey(k, "bindingKey"));
        return keys.stream().distinct().toList();
    }
}
