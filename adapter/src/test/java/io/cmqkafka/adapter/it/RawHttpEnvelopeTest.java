package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.TestClock;
import io.cmqkafka.adapter.it.RawHttpClient.Reply;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CMQ response envelope over raw HTTP (cmq-api.md §1.5, §6): HTTP 200, JSON types of code, message,
 * requestId, ids, counts, times and arrays, on success and on error, for queue and message actions.
 */
@QuarkusTest
class RawHttpEnvelopeTest {

    /** Every field the Java SDK 1.0.7 reads with getInt from GetQueueAttributes, plus Python's spelling. */
    static final List<String> ATTRIBUTE_INTS = List.of("maxMsgHeapNum", "pollingWaitSeconds", "visibilityTimeout",
            "maxMsgSize", "msgRetentionSeconds", "createTime", "lastModifyTime", "activeMsgNum", "inactiveMsgNum",
            "rewindMsgNum", "rewindmsgNum", "minMsgTime", "delayMsgNum", "rewindSeconds");

    static final List<String> MESSAGE_STRINGS = List.of("msgBody", "msgId", "receiptHandle");
    static final List<String> MESSAGE_INTS = List.of("enqueueTime", "firstDequeueTime", "nextVisibleTime",
            "dequeueCount");

    @TestHTTPResource("/")
    URL url;

    @Inject
    TestClock clock;

    RawHttpClient cmq;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
    }

    long nowSeconds() {
        return clock.millis() / 1000;
    }

    /**
     * Enqueue times are the broker's (LogAppendTime), so real time: other tests move the engine's
     * {@link TestClock} ahead of it.
     */
    static long brokerSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void queueActionsSuccessEnvelope() {
        String q = RawHttpClient.queueName("env-q");
        long before = nowSeconds();
        Reply created = cmq.call("CreateQueue", "queueName", q).ok();
        assertThat(created.json().get("code").isInt()).isTrue();
        assertThat(created.json().get("code").intValue()).isZero();
        assertThat(created.json().get("message").isTextual()).isTrue();
        assertThat(created.json().get("message").textValue()).isEmpty();
        assertThat(created.requestId()).matches("[0-9]+");
        assertThat(created.contentType()).isEqualToIgnoringWhitespace("application/json;charset=utf-8");
        String queueId = created.text("queueId");
        assertThat(queueId).isNotBlank();

        Reply list = cmq.call("ListQueue", "searchWord", q, "offset", "0", "limit", "20").ok();
        assertThat(list.integer("totalCount")).isEqualTo(1);
        JsonNode queues = list.array("queueList");
        assertThat(queues).hasSize(1);
        assertThat(queues.get(0).get("queueId").isTextual()).isTrue();
        assertThat(queues.get(0).get("queueId").textValue()).isEqualTo(queueId);
        assertThat(queues.get(0).get("queueName").isTextual()).isTrue();
        assertThat(queues.get(0).get("queueName").textValue()).isEqualTo(q);

        // No match: totalCount 0 and an empty array, never null or missing.
        Reply none = cmq.call("ListQueue", "searchWord", q + "-nothing-like-this").ok();
        assertThat(none.integer("totalCount")).isZero();
        assertThat(none.array("queueList")).isEmpty();

        Reply attrs = cmq.call("GetQueueAttributes", "queueName", q).ok();
        for (String f : ATTRIBUTE_INTS) {
            attrs.integer(f);
        }
        // Defaults of a queue created without settings (cmq-api.md §2.1).
        assertThat(attrs.integer("pollingWaitSeconds")).isZero();
        assertThat(attrs.integer("visibilityTimeout")).isEqualTo(30);
        assertThat(attrs.integer("maxMsgSize")).isEqualTo(65_536);
        assertThat(attrs.integer("msgRetentionSeconds")).isEqualTo(345_600);
        assertThat(attrs.integer("rewindSeconds")).isZero();
        assertThat(attrs.integer("maxMsgHeapNum")).isBetween(1_000_000, 1_000_000_000);
        assertThat(attrs.integer("activeMsgNum")).isZero();
        assertThat(attrs.integer("inactiveMsgNum")).isZero();
        assertThat(attrs.integer("delayMsgNum")).isZero();
        assertThat(attrs.integer("rewindMsgNum")).isZero();
        assertThat(attrs.integer("rewindmsgNum")).isZero();
        assertThat(attrs.integer("minMsgTime")).isZero();
        // Unix seconds, not milliseconds.
        assertThat((long) attrs.integer("createTime")).isBetween(before - 2, nowSeconds() + 1);
        assertThat(attrs.integer("lastModifyTime")).isGreaterThanOrEqualTo(attrs.integer("createTime"));

        Reply set = cmq.call("SetQueueAttributes", "queueName", q, "visibilityTimeout", "77",
                "pollingWaitSeconds", "3").ok();
        assertThat(set.requestId()).isNotEqualTo(attrs.requestId());
        Reply after = cmq.call("GetQueueAttributes", "queueName", q).ok();
        assertThat(after.integer("visibilityTimeout")).isEqualTo(77);
        assertThat(after.integer("pollingWaitSeconds")).isEqualTo(3);
        assertThat(after.integer("maxMsgSize")).isEqualTo(65_536);

        cmq.call("DeleteQueue", "queueName", q).ok();
        cmq.call("GetQueueAttributes", "queueName", q).error(4440, "(10100)queue is not existed, or deleted");
    }

    @Test
    void messageActionsSuccessEnvelope() {
        String q = cmq.createQueue(RawHttpClient.queueName("env-m"));
        long before = brokerSeconds();

        Reply sent = cmq.call("SendMessage", "queueName", q, "msgBody", "one", "delaySeconds", "0").ok();
        String msgId = sent.text("msgId");
        assertThat(msgId).isNotBlank();

        Reply batch = cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "two", "msgBody.2", "three",
                "delaySeconds", "0").ok();
        JsonNode msgList = batch.array("msgList");
        assertThat(msgList).hasSize(2);
        Set<String> ids = new HashSet<>(List.of(msgId));
        for (JsonNode m : msgList) {
            assertThat(m.get("msgId").isTextual()).as("msgId string in %s", batch.raw()).isTrue();
            ids.add(m.get("msgId").textValue());
        }
        assertThat(ids).hasSize(3);

        Reply one = cmq.receive(q, "visibilityTimeout", "600");
        checkMessageFields(one.json(), one.raw(), before);
        assertThat(one.integer("dequeueCount")).isEqualTo(1);
        assertThat(ids).contains(one.text("msgId"));

        List<String> handles = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        bodies.add(one.text("msgBody"));
        while (bodies.size() < 3) {
            Reply more = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16",
                    "pollingWaitSeconds", "10", "visibilityTimeout", "600").ok();
            JsonNode infos = more.array("msgInfoList");
            assertThat(infos).isNotEmpty();
            for (JsonNode m : infos) {
                checkMessageFields(m, more.raw(), before);
                assertThat(m.has("requestId")).as("no per-item requestId").isFalse();
                handles.add(m.get("receiptHandle").textValue());
                bodies.add(m.get("msgBody").textValue());
            }
        }
        assertThat(bodies).containsExactlyInAnyOrder("one", "two", "three");

        Reply attrs = cmq.call("GetQueueAttributes", "queueName", q).ok();
        assertThat(attrs.integer("inactiveMsgNum")).isEqualTo(3);
        assertThat(attrs.integer("activeMsgNum")).isZero();

        Reply deleted = cmq.call("DeleteMessage", "queueName", q, "receiptHandle", one.text("receiptHandle")).ok();
        assertThat(deleted.json().has("errorList")).isFalse();
        String[] kv = new String[2 + 2 * handles.size()];
        kv[0] = "queueName";
        kv[1] = q;
        for (int i = 0; i < handles.size(); i++) {
            kv[2 + 2 * i] = "receiptHandle." + (i + 1);
            kv[3 + 2 * i] = handles.get(i);
        }
        cmq.call("BatchDeleteMessage", kv).ok();

        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0")
                .error(7000, "(10200)no message");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    private void checkMessageFields(JsonNode m, String raw, long before) {
        for (String f : MESSAGE_STRINGS) {
            assertThat(m.get(f)).as("%s in %s", f, raw).isNotNull();
            assertThat(m.get(f).isTextual()).as("%s is a string in %s", f, raw).isTrue();
        }
        for (String f : MESSAGE_INTS) {
            assertThat(m.get(f)).as("%s in %s", f, raw).isNotNull();
            assertThat(m.get(f).isIntegralNumber() && m.get(f).canConvertToInt())
                    .as("%s is an int in %s", f, raw).isTrue();
        }
        // Handles stay within what the TDMQ Go SDK's regex accepts (cmq-api.md §2.2).
        assertThat(m.get("receiptHandle").textValue()).matches("[a-zA-Z0-9%#:_-]{1,256}");
        long enqueue = m.get("enqueueTime").longValue();
        assertThat(enqueue).isBetween(before - 2, brokerSeconds() + 1);
        assertThat(m.get("firstDequeueTime").longValue()).isGreaterThanOrEqualTo(enqueue);
        // visibilityTimeout 600 was asked for.
        assertThat(m.get("nextVisibleTime").longValue() - m.get("firstDequeueTime").longValue())
                .isBetween(599L, 601L);
    }

    @Test
    void errorEnvelopeForSeveralActions() {
        String missing = RawHttpClient.queueName("env-missing");
        List<Reply> errors = List.of(
                cmq.call("NoSuchAction", "queueName", missing),
                cmq.call("GetQueueAttributes", "queueName", missing),
                cmq.call("DeleteQueue", "queueName", missing),
                cmq.call("SendMessage", "queueName", missing, "msgBody", "x", "delaySeconds", "0"),
                cmq.call("BatchSendMessage", "queueName", missing, "msgBody.1", "x"),
                cmq.call("ReceiveMessage", "queueName", missing),
                cmq.call("BatchReceiveMessage", "queueName", missing, "numOfMsg", "2"),
                cmq.call("DeleteMessage", "queueName", missing, "receiptHandle", "x"),
                cmq.call("BatchDeleteMessage", "queueName", missing, "receiptHandle.1", "x"),
                cmq.call("SetQueueAttributes", "queueName", missing, "visibilityTimeout", "10"));
        errors.get(0).error(4000, "(10430)action name NoSuchAction is not existed");
        for (Reply r : errors.subList(1, errors.size())) {
            r.error(4440, "(10100)queue is not existed, or deleted");
        }
        for (Reply r : errors) {
            // No action fields on an error: exactly code, message, requestId.
            List<String> names = new ArrayList<>();
            r.json().fieldNames().forEachRemaining(names::add);
            assertThat(names).as("fields of %s", r.raw()).containsExactly("code", "message", "requestId");
            assertThat(r.json().get("code").isInt()).isTrue();
            assertThat(r.json().get("message").isTextual()).isTrue();
            assertThat(r.json().get("requestId").isTextual()).isTrue();
        }
    }

    @Test
    void requestIdsDifferPerRequest() {
        String q = cmq.createQueue(RawHttpClient.queueName("env-rid"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(cmq.call("GetQueueAttributes", "queueName", q).ok().requestId());
            ids.add(cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0")
                    .error(7000, "(10200)no message").requestId());
            ids.add(cmq.call("NoSuchAction").requestId());
            ids.add(cmq.post("").requestId());
        }
        assertThat(ids).hasSize(40).doesNotHaveDuplicates();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void attributeCountsFollowMessages() throws Exception {
        String q = cmq.createQueue(RawHttpClient.queueName("env-cnt"));
        long brokerBefore = brokerSeconds();
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "a", "msgBody.2", "b", "msgBody.3", "c").ok();
        cmq.call("SendMessage", "queueName", q, "msgBody", "later", "delaySeconds", "3600").ok();
        cmq.receive(q, "visibilityTimeout", "600");

        // Counts are approximate while the engine catches up with Kafka: wait until they settle.
        Reply attrs = null;
        for (int i = 0; i < 50; i++) {
            attrs = cmq.call("GetQueueAttributes", "queueName", q).ok();
            if (attrs.integer("activeMsgNum") == 2 && attrs.integer("inactiveMsgNum") == 1
                    && attrs.integer("delayMsgNum") == 1) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(attrs.integer("activeMsgNum")).as(attrs.raw()).isEqualTo(2);
        assertThat(attrs.integer("inactiveMsgNum")).as(attrs.raw()).isEqualTo(1);
        assertThat(attrs.integer("delayMsgNum")).as(attrs.raw()).isEqualTo(1);
        assertThat(attrs.integer("rewindMsgNum")).isEqualTo(attrs.integer("rewindmsgNum"));
        assertThat((long) attrs.integer("minMsgTime")).isBetween(brokerBefore - 2, brokerSeconds() + 1);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    /** The instances' internal API is not taken by the CMQ route: without the cluster token it answers 403. */
    @Test
    void internalPeerPathIsNotACmqRequest() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(url.toURI().resolve("/cmq-internal/v1/receive"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
    }
}
