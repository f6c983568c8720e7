package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.it.RawHttpClient.Reply;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How requests are read (cmq-api.md §1.1, §1.2, §1.3, §2.0): form bodies whatever the Content-Type, the
 * exact Java and Python SDK bodies, GET query strings, POST ignoring the query string, action names in any
 * case, paths, 0- and 1-based arrays, unknown parameters.
 */
@QuarkusTest
class RawHttpFormParsingTest {

    static final String BODY = "hello wörld & more+plus=eq";

    @TestHTTPResource("/")
    URL url;

    RawHttpClient cmq;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
    }

    @Test
    void javaSdkBodyRoundTrips() {
        String q = cmq.createQueue(RawHttpClient.queueName("form-java"));
        // Byte for byte what the Java SDK 1.0.7 sent in the capture (cmq-api.md §1.2), queue name aside.
        String body = "Action=SendMessage&Nonce=488965522&RequestClient=SDK_JAVA_1.3&SecretId=AKIDtest"
                + "&Signature=qyHsrVdcmlMaeA2s2eHf0l48VKg%3D&SignatureMethod=HmacSHA1&Timestamp=1795617691"
                + "&delaySeconds=0&msgBody=hello+w%C3%B6rld+%26+more%2Bplus%3Deq&queueName=" + q;
        assertThat(RawHttpClient.javaForm("SendMessage", "delaySeconds", "0", "msgBody", BODY, "queueName", q))
                .contains("&msgBody=hello+w%C3%B6rld+%26+more%2Bplus%3Deq&");
        Reply sent = cmq.send("POST", RawHttpClient.PATH, "*/*;charset=utf-8", body.getBytes(StandardCharsets.US_ASCII))
                .ok();
        String msgId = sent.text("msgId");

        Reply got = cmq.receive(q);
        assertThat(got.text("msgBody")).isEqualTo(BODY);
        assertThat(got.text("msgId")).isEqualTo(msgId);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void pythonSdkBodyWithoutContentType() {
        String q = cmq.createQueue(RawHttpClient.queueName("form-py"), "pollingWaitSeconds", "10");
        // Python: no Content-Type, dict order, UserpollingWaitSeconds sent and signed (cmq-api.md §1.2).
        String send = "queueName=" + q + "&msgBody=hello+w%C3%B6rld+%26+more%2Bplus%3Deq&delaySeconds=0"
                + "&Action=SendMessage&RequestClient=SDK_Python_1.3&SecretId=AKIDtest&Nonce=7012855433155433496"
                + "&Timestamp=1795617704&SignatureMethod=HmacSHA1&Signature=dcaAL4Jca5U6VkLxzy43HH8i9ZE%3D";
        String msgId = cmq.postNoContentType(send).ok().text("msgId");

        String receive = "queueName=" + q + "&UserpollingWaitSeconds=30&Action=ReceiveMessage"
                + "&RequestClient=SDK_Python_1.3&SecretId=AKIDtest&Nonce=7012855433155433496&Timestamp=1795617704"
                + "&SignatureMethod=HmacSHA1&Signature=dcaAL4Jca5U6VkLxzy43HH8i9ZE%3D";
        Reply got = cmq.postNoContentType(receive).ok();
        assertThat(got.text("msgBody")).isEqualTo(BODY);
        assertThat(got.text("msgId")).isEqualTo(msgId);
        assertThat(got.integer("dequeueCount")).isEqualTo(1);
        cmq.postNoContentType("Action=DeleteMessage&queueName=" + q + "&receiptHandle="
                + RawHttpClient.enc(got.text("receiptHandle"))).ok();

        // UserpollingWaitSeconds is only a client-side hint: with the queue's wait set to 0 an empty
        // queue answers at once, not after 30 s.
        cmq.call("SetQueueAttributes", "queueName", q, "pollingWaitSeconds", "0").ok();
        Reply empty = cmq.postNoContentType(receive).error(7000, "(10200)no message");
        assertThat(empty.millis()).isLessThan(5_000);

        // Other Content-Types are ignored too: the body is always a form.
        cmq.send("POST", RawHttpClient.PATH, "application/json",
                ("Action=GetQueueAttributes&queueName=" + q).getBytes(StandardCharsets.UTF_8)).ok();
        cmq.send("POST", RawHttpClient.PATH, "application/x-www-form-urlencoded",
                ("Action=GetQueueAttributes&queueName=" + q).getBytes(StandardCharsets.UTF_8)).ok();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void getTakesParametersFromTheQueryString() {
        String q = RawHttpClient.queueName("form-get");
        cmq.get("Action=CreateQueue&queueName=" + q + "&visibilityTimeout=40").ok().text("queueId");
        String msgId = cmq.get(RawHttpClient.javaForm("SendMessage", "queueName", q, "msgBody", BODY,
                "delaySeconds", "0")).ok().text("msgId");
        Reply got = cmq.get("Action=ReceiveMessage&queueName=" + q + "&pollingWaitSeconds=10").ok();
        assertThat(got.text("msgBody")).isEqualTo(BODY);
        assertThat(got.text("msgId")).isEqualTo(msgId);
        assertThat(cmq.get("Action=GetQueueAttributes&queueName=" + q).ok().integer("visibilityTimeout"))
                .isEqualTo(40);
        cmq.get("Action=DeleteMessage&queueName=" + q + "&receiptHandle="
                + RawHttpClient.enc(got.text("receiptHandle"))).ok();
        // A 3000-byte body fits in the request line (see getWithLongQueryString for longer ones).
        String longer = "g".repeat(3000);
        String longId = cmq.get("Action=SendMessage&queueName=" + q + "&msgBody=" + longer).ok().text("msgId");
        Reply gotLonger = cmq.get("Action=ReceiveMessage&queueName=" + q + "&pollingWaitSeconds=10").ok();
        assertThat(gotLonger.text("msgId")).isEqualTo(longId);
        assertThat(gotLonger.text("msgBody")).isEqualTo(longer);
        cmq.get("Action=DeleteQueue&queueName=" + q).ok();
        cmq.get("Action=GetQueueAttributes&queueName=" + q).error(4440, "(10100)queue is not existed, or deleted");
        // No query string at all: no Action.
        cmq.send("GET", RawHttpClient.PATH, null, null).error(4000, "(10010)lacked of required parameters: Action");
    }

    @Test
    void getWithLongQueryString() {
        // The Python SDK's GET has no URL length limit (Java's stops at 2048 characters): a 6000-byte
        // message body in the query string must still get a CMQ answer.
        String q = cmq.createQueue(RawHttpClient.queueName("form-longget"));
        String body = "g".repeat(6000);
        String msgId = cmq.get("Action=SendMessage&queueName=" + q + "&msgBody=" + body).ok().text("msgId");
        Reply got = cmq.receive(q);
        assertThat(got.text("msgId")).isEqualTo(msgId);
        assertThat(got.text("msgBody")).isEqualTo(body);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void postIgnoresTheQueryString() {
        String q = cmq.createQueue(RawHttpClient.queueName("form-postq"), "visibilityTimeout", "41");
        // The body says GetQueueAttributes; the query's DeleteQueue must not be acted upon.
        Reply r = cmq.send("POST", RawHttpClient.PATH + "?Action=DeleteQueue&queueName=" + q,
                RawHttpClient.JAVA_CONTENT_TYPE, RawHttpClient.javaForm("GetQueueAttributes", "queueName", q)
                        .getBytes(StandardCharsets.UTF_8)).ok();
        assertThat(r.integer("visibilityTimeout")).isEqualTo(41);
        cmq.call("GetQueueAttributes", "queueName", q).ok();

        // Query parameters do not fill in missing body parameters either.
        cmq.send("POST", RawHttpClient.PATH + "?queueName=" + q, RawHttpClient.JAVA_CONTENT_TYPE,
                "Action=GetQueueAttributes".getBytes(StandardCharsets.UTF_8))
                .error(4000, "(10010)lacked of required parameters: queueName");
        String other = RawHttpClient.queueName("form-postq2");
        cmq.send("POST", RawHttpClient.PATH + "?Action=CreateQueue&queueName=" + other,
                RawHttpClient.JAVA_CONTENT_TYPE, new byte[0])
                .error(4000, "(10010)lacked of required parameters: Action");
        cmq.call("GetQueueAttributes", "queueName", other).error(4440, "(10100)queue is not existed, or deleted");
        cmq.call("GetQueueAttributes", "queueName", q).ok();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void actionNamesInAnyCase() {
        String q = RawHttpClient.queueName("form-case");
        cmq.call("createqueue", "queueName", q).ok().text("queueId");
        cmq.call("sendmessage", "queueName", q, "msgBody", "lower").ok().text("msgId");
        cmq.call("SENDMESSAGE", "queueName", q, "msgBody", "upper").ok().text("msgId");
        cmq.call("sEnDmEsSaGe", "queueName", q, "msgBody", "mixed").ok().text("msgId");
        List<String> bodies = new ArrayList<>();
        while (bodies.size() < 3) {
            Reply r = cmq.call("BATCHRECEIVEMESSAGE", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "10")
                    .ok();
            r.array("msgInfoList").forEach(m -> bodies.add(m.get("msgBody").textValue()));
        }
        assertThat(bodies).containsExactlyInAnyOrder("lower", "upper", "mixed");
        assertThat(cmq.call("getqueueattributes", "queueName", q).ok().integer("inactiveMsgNum")).isEqualTo(3);
        cmq.call("Deletequeue", "queueName", q).ok();
        // Unknown actions keep the name as sent in the message.
        cmq.call("sendMessages", "queueName", q).error(4000, "(10430)action name sendMessages is not existed");
    }

    @Test
    void v2IndexPhpRootAndOtherPaths() {
        String q = RawHttpClient.queueName("form-path");
        byte[] create = RawHttpClient.javaForm("CreateQueue", "queueName", q).getBytes(StandardCharsets.UTF_8);
        cmq.send("POST", "/", RawHttpClient.JAVA_CONTENT_TYPE, create).ok();
        byte[] attrs = RawHttpClient.javaForm("GetQueueAttributes", "queueName", q).getBytes(StandardCharsets.UTF_8);
        cmq.send("POST", "/v2/index.php", RawHttpClient.JAVA_CONTENT_TYPE, attrs).ok();
        cmq.send("POST", "/", RawHttpClient.JAVA_CONTENT_TYPE, attrs).ok();
        cmq.send("POST", "/cmq", null, attrs).ok();
        cmq.send("GET", "/?Action=GetQueueAttributes&queueName=" + q, null, null).ok();
        cmq.send("POST", "/v2/index.php", RawHttpClient.JAVA_CONTENT_TYPE,
                RawHttpClient.javaForm("DeleteQueue", "queueName", q).getBytes(StandardCharsets.UTF_8)).ok();
    }

    @Test
    void zeroAndOneBasedArraysInNumericOrder() {
        String q = cmq.createQueue(RawHttpClient.queueName("form-arr"));
        // 0-based (TDMQ Go SDK, node SDK).
        Reply zero = cmq.call("BatchSendMessage", "queueName", q, "msgBody.0", "z0", "msgBody.1", "z1",
                "msgBody.2", "z2").ok();
        // 1-based, 12 items: the sorted Java body puts msgBody.10 before msgBody.2; the batch follows n.
        String[] kv = new String[2 + 24];
        kv[0] = "queueName";
        kv[1] = q;
        for (int i = 1; i <= 12; i++) {
            kv[2 * i] = "msgBody." + i;
            kv[2 * i + 1] = "o" + i;
        }
        String form = RawHttpClient.javaForm("BatchSendMessage", kv);
        assertThat(form.indexOf("msgBody.10=")).isLessThan(form.indexOf("msgBody.2="));
        Reply one = cmq.post(form).ok();

        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            expected.put(zero.array("msgList").get(i).get("msgId").textValue(), "z" + i);
        }
        JsonNode oneIds = one.array("msgList");
        assertThat(oneIds).hasSize(12);
        for (int i = 0; i < 12; i++) {
            expected.put(oneIds.get(i).get("msgId").textValue(), "o" + (i + 1));
        }
        assertThat(expected).hasSize(15);

        Map<String, String> got = new HashMap<>();
        List<String> handles = new ArrayList<>();
        while (got.size() < 15) {
            Reply r = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "10")
                    .ok();
            for (JsonNode m : r.array("msgInfoList")) {
                assertThat(got.put(m.get("msgId").textValue(), m.get("msgBody").textValue())).isNull();
                handles.add(m.get("receiptHandle").textValue());
            }
        }
        // msgList[i] is the id of the i-th body in order of n.
        assertThat(got).isEqualTo(expected);

        // 0-based receipt handles too.
        List<String> del = new ArrayList<>(List.of("queueName", q));
        for (int i = 0; i < handles.size(); i++) {
            del.add("receiptHandle." + i);
            del.add(handles.get(i));
        }
        cmq.call("BatchDeleteMessage", del.toArray(String[]::new)).ok();
        Reply attrs = cmq.call("GetQueueAttributes", "queueName", q).ok();
        assertThat(attrs.integer("inactiveMsgNum")).isZero();
        assertThat(attrs.integer("activeMsgNum")).isZero();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void unknownAndExtraParametersAreAccepted() {
        String q = cmq.createQueue(RawHttpClient.queueName("form-extra"), "someFutureSetting", "1");
        Reply sent = cmq.call("SendMessage", "queueName", q, "msgBody", "x", "delaySeconds", "0",
                "Region", "gz", "Token", "tmp-token", "UserpollingWaitSeconds", "30", "foo", "bar",
                "clientRequestId", "1231231231").ok();
        sent.text("msgId");
        // clientRequestId (TDMQ Go SDK) comes back as a number.
        assertThat(sent.json().get("clientRequestId").isIntegralNumber()).as(sent.raw()).isTrue();
        assertThat(sent.json().get("clientRequestId").longValue()).isEqualTo(1231231231L);

        // Empty pairs, a trailing '&' and a name without '=' are harmless.
        cmq.post("Action=GetQueueAttributes&&queueName=" + q + "&flag&").ok();
        // Python's "@" values and a tilde, encoded or not.
        cmq.call("SendMessage", "queueName", q, "msgBody", "@file ~tilde").ok();
        cmq.post("Action=SendMessage&queueName=" + q + "&msgBody=raw~%7E").ok();
        List<String> bodies = new ArrayList<>();
        while (bodies.size() < 3) {
            cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "10").ok()
                    .array("msgInfoList").forEach(m -> bodies.add(m.get("msgBody").textValue()));
        }
        assertThat(bodies).containsExactlyInAnyOrder("x", "@file ~tilde", "raw~~");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }
}
