package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Topic and subscription answers over raw HTTP: the error codes the SDK cannot reach (it validates some
 * parameters itself), the exact field types SDKs dereference, the Python SDK's habits (empty routingKey,
 * 0-based arrays, lower-case action names).
 */
@QuarkusTest
class RawHttpTopicTest {

    @TestHTTPResource("/")
    URL url;

    RawHttpClient cmq;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
    }

    String topic(String prefix, String... settings) {
        String name = RawHttpClient.queueName(prefix);
        String[] kv = new String[settings.length + 2];
        kv[0] = "topicName";
        kv[1] = name;
        System.arraycopy(settings, 0, kv, 2, settings.length);
        cmq.call("CreateTopic", kv).ok().text("topicId");
        return name;
    }

    @Test
    void topicErrors() {
        cmq.call("CreateTopic", "topicName", "9bad").error(4000, "(10590)topic name format error");
        cmq.call("CreateTopic").error(4000, "(10010)lacked of required parameters: topicName");
        cmq.call("CreateTopic", "topicName", "raw-t-x", "maxMsgSize", "1023")
                .error(4000, "(10350)parameter maxMsgSize value or length is out of range");
        cmq.call("CreateTopic", "topicName", "raw-t-x", "filterType", "3")
                .error(4000, "(10350)parameter filterType value or length is out of range");
        cmq.call("GetTopicAttributes", "topicName", "raw-no-such-topic")
                .error(4440, "(10600)topic is not existed, or deleted");
        cmq.call("PublishMessage", "topicName", "raw-no-such-topic", "msgBody", "x")
                .error(4440, "(10600)topic is not existed, or deleted");
        String t = topic("raw-t-err");
        cmq.call("CreateTopic", "topicName", t).error(4460, "(10550)topic is already existed");
        cmq.call("PublishMessage", "topicName", t, "msgBody", "")
                .error(4000, "(10120)message body can't be empty");
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "msgTag.1", "a", "msgTag.2", "b", "msgTag.3", "c",
                "msgTag.4", "d", "msgTag.5", "e", "msgTag.6", "f").error(4000, "(10720)too many msgTag");
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "msgTag.1", "x".repeat(17))
                .error(4000, "(10350)parameter msgTag value or length is out of range");
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "routingKey", "a.".repeat(16) + "b")
                .error(4000, "(10691)too many delimeters");
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "routingKey", "k".repeat(65))
                .error(4000, "(10350)parameter routingKey value or length is out of range");
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "msgTag.1", "a", "msgTag.3", "b")
                .error(4000, "(10380)msgTag parameter is not consequent");
        // Python sends routingKey="" always: treated as absent.
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "routingKey", "")
                .error(6030, "(10650)topic has no subscription, please create a subscription before publishing message");
        String[] kv = new String[2 + 17 * 2];
        kv[0] = "topicName";
        kv[1] = t;
        for (int i = 1; i <= 17; i++) {
            kv[2 * i] = "msgBody." + i;
            kv[2 * i + 1] = "m" + i;
        }
        cmq.call("BatchPublishMessage", kv).error(4000, "(10370)msgBody parameter batch size is out of range");
        cmq.call("SetTopicAttributes", "topicName", t, "maxMsgSize", "2000000")
                .error(4000, "(10350)parameter maxMsgSize value or length is out of range");
        cmq.call("DeleteTopic", "topicName", t).ok();
    }

    @Test
    void subscriptionErrors() {
        String t = topic("raw-s-err");
        String q = cmq.createQueue(RawHttpClient.queueName("raw-s-q"));
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "9x", "protocol", "queue", "endpoint", q)
                .error(4000, "(10580)subscription name format error");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "smtp", "endpoint", q)
                .error(4000, "(10510)undefined protocol");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "queue", "endpoint", q,
                "notifyStrategy", "FOREVER").error(4000, "(10520)undefined notify retry stragety");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "http",
                "endpoint", "http://h/x", "notifyContentFormat", "XML").error(4000, "(10530)undefined notify content format");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "http", "endpoint", "http://h/a b")
                .error(4510, "(10570)url connot contain any blank characters");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "http", "endpoint", "ftp://h/x")
                .errorModule(4000, 10500);
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "http",
                "endpoint", "http://h/" + "x".repeat(500)).errorModule(4000, 10500);
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "http",
                "endpoint", "http://user:pw@h/x").errorModule(4000, 10500);
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "queue", "endpoint", "no-such-q")
                .error(4000, "(10630)illegal endpoint: queue no-such-q does not exist");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "queue", "endpoint", "http://h/")
                .errorModule(4000, 10500);
        String[] tags = {"topicName", t, "subscriptionName", "s", "protocol", "queue", "endpoint", q,
            "filterTag.1", "a", "filterTag.2", "b", "filterTag.3", "c", "filterTag.4", "d", "filterTag.5", "e",
            "filterTag.6", "f"};
        cmq.call("Subscribe", tags).error(4000, "(10490)number of filterTag exceed limit");
        String[] keys = {"topicName", t, "subscriptionName", "s", "protocol", "queue", "endpoint", q,
            "bindingKey.1", "a", "bindingKey.2", "b", "bindingKey.3", "c", "bindingKey.4", "d", "bindingKey.5", "e",
            "bindingKey.6", "f"};
        cmq.call("Subscribe", keys).error(4000, "(10680)too many bindingKey");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "queue", "endpoint", q,
                "bindingKey.1", "a.".repeat(16) + "b").error(4000, "(10691)too many delimeters");

        // Queue subscriptions that ask for JSON are accepted (the Java SDK always sends it).
        String id = cmq.call("Subscribe", "topicName", t, "subscriptionName", "s", "protocol", "QUEUE",
                "endpoint", q, "notifyContentFormat", "JSON").ok().text("subscriptionId");
        assertThat(id).isNotBlank();
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "S", "protocol", "queue", "endpoint", q)
                .error(4490, "(10470)subscribtion is already existed");
        cmq.call("SetSubscriptionAttributes", "topicName", t, "subscriptionName", "s", "filterTag.1", "a",
                "filterTag.2", "b", "filterTag.3", "c", "filterTag.4", "d", "filterTag.5", "e", "filterTag.6", "f")
                .error(4000, "(10670)too many filterTag");
        cmq.call("SetSubscriptionAttributes", "topicName", t, "subscriptionName", "s", "bindingKey.0", "a",
                "bindingKey.1", "b", "bindingKey.2", "c", "bindingKey.3", "d", "bindingKey.4", "e", "bindingKey.5", "f")
                .error(6050, "(10740)too many filterTag or bindingKey");
        cmq.call("GetSubscriptionAttributes", "topicName", t, "subscriptionName", "nope")
                .error(4440, "(10800)subscription is not existed, or deleted");
        cmq.call("Unsubscribe", "topicName", "raw-no-such-topic", "subscriptionName", "s")
                .error(4440, "(10600)topic is not existed, or deleted");
        cmq.call("DeleteTopic", "topicName", t).error(4000,
                "(10540)there exists subscriptions under this topic, please unsubscribe all of them before DeleteTopic");
        cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "s").ok();
        cmq.call("DeleteTopic", "topicName", t).ok();
    }

    @Test
    void fieldTypesAndPythonHabits() {
        String t = topic("raw-s-types", "filterType", "0", "maxMsgSize", "65536");
        String q = cmq.createQueue(RawHttpClient.queueName("raw-types-q"));
        // Python: lower-case first letter fixed by the SDK, 0-based arrays, routingKey="".
        cmq.call("subscribe", "topicName", t, "subscriptionName", "py", "protocol", "queue", "endpoint", q,
                "notifyStrategy", "EXPONENTIAL_DECAY_RETRY", "notifyContentFormat", "SIMPLIFIED",
                "filterTag.0", "x", "filterTag.1", "y").ok();
        RawHttpClient.Reply a = cmq.call("GetSubscriptionAttributes", "topicName", t, "subscriptionName", "py").ok();
        assertThat(a.text("topicOwner")).isNotNull();
        assertThat(a.integer("msgCount")).isZero();
        assertThat(a.integer("createTime")).isPositive();
        assertThat(a.integer("lastModifyTime")).isPositive();
        assertThat(a.text("protocol")).isEqualTo("queue");
        assertThat(a.text("notifyStrategy")).isEqualTo("EXPONENTIAL_DECAY_RETRY");
        assertThat(a.array("filterTag")).hasSize(2);
        assertThat(a.array("filterTags")).hasSize(2);
        assertThat(a.array("bindingKey")).isEmpty();
        cmq.call("ClearSubscriptionFilterTags", "topicName", t, "subscriptionName", "py").ok();
        assertThat(cmq.call("GetSubscriptionAttributes", "topicName", t, "subscriptionName", "py").ok()
                .array("filterTags")).isEmpty();

        String msgId = cmq.call("PublishMessage", "topicName", t, "msgBody", "hi", "routingKey", "").ok().text("msgId");
        assertThat(msgId).matches("[0-9]+");
        JsonNode list = cmq.call("BatchPublishMessage", "topicName", t, "msgBody.0", "a", "msgBody.1", "b",
                "routingKey", "").ok().array("msgList");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("msgId").isTextual()).isTrue();

        RawHttpClient.Reply attrs = cmq.call("GetTopicAttributes", "topicName", t).ok();
        for (String f : new String[] {"msgCount", "maxMsgSize", "msgRetentionSeconds", "createTime", "lastModifyTime",
            "filterType"}) {
            attrs.integer(f);
        }
        assertThat(attrs.integer("filterType")).isEqualTo(1);
        assertThat(attrs.integer("msgCount")).isEqualTo(3);
        assertThat(attrs.text("topicId")).isNotBlank();

        RawHttpClient.Reply topics = cmq.call("ListTopic", "searchWord", t).ok();
        assertThat(topics.integer("totalCount")).isEqualTo(1);
        assertThat(topics.array("topicList").get(0).get("topicName").textValue()).isEqualTo(t);
        assertThat(topics.array("topicList").get(0).get("topicId").isTextual()).isTrue();
        RawHttpClient.Reply subs = cmq.call("ListSubscriptionByTopic", "topicName", t, "limit", "0").ok();
        assertThat(subs.integer("totalCount")).isEqualTo(1);
        JsonNode s = subs.array("subscriptionList").get(0);
        assertThat(s.get("subscriptionName").textValue()).isEqualTo("py");
        assertThat(s.get("subscriptionId").isTextual()).isTrue();
        assertThat(s.get("protocol").textValue()).isEqualTo("queue");
        assertThat(s.get("endpoint").textValue()).isEqualTo(q);
        cmq.call("ListSubscriptionByTopic", "topicName", t, "limit", "101")
                .error(4000, "(10350)parameter limit value or length is out of range");
        cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "py").ok();
    }
}
