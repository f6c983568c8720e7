package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.it.RawHttpClient.Reply;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Error answers over raw HTTP: exact {@code code} and {@code "(module)text"} message (cmq-api.md §3), and
 * that bad requests never break the service or lose messages.
 */
@QuarkusTest
class RawHttpErrorCodesTest {

    static final String NOT_FOUND = "(10100)queue is not existed, or deleted";
    static final String BAD_HANDLE = "(10260)receipt handle is invalid";

    @TestHTTPResource("/")
    URL url;

    RawHttpClient cmq;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void unknownAndMissingAction() {
        cmq.call("CreateTopicz").error(4000, "(10430)action name CreateTopicz is not existed");
        cmq.call("PeekMessage", "queueName", "x").error(4000, "(10430)action name PeekMessage is not existed");
        cmq.post("queueName=x&msgBody=y").error(4000, "(10010)lacked of required parameters: Action");
        cmq.post("Action=&queueName=x").error(4000, "(10010)lacked of required parameters: Action");
        cmq.post("").error(4000, "(10010)lacked of required parameters: Action");
        cmq.postNoContentType("").error(4000, "(10010)lacked of required parameters: Action");
    }

    @Test
    void missingParameters() {
        for (String action : List.of("CreateQueue", "DeleteQueue", "GetQueueAttributes", "SetQueueAttributes",
                "SendMessage", "BatchSendMessage", "ReceiveMessage", "BatchReceiveMessage", "DeleteMessage",
                "BatchDeleteMessage")) {
            cmq.call(action).error(4000, "(10010)lacked of required parameters: queueName");
        }
        String q = cmq.createQueue(RawHttpClient.queueName("err-miss"));
        cmq.call("SendMessage", "queueName", q).error(4000, "(10010)lacked of required parameters: msgBody");
        cmq.call("BatchSendMessage", "queueName", q, "msgBody", "not-an-array")
                .error(4000, "(10010)lacked of required parameters: msgBody.n");
        cmq.call("BatchReceiveMessage", "queueName", q).error(4000, "(10010)lacked of required parameters: numOfMsg");
        cmq.call("DeleteMessage", "queueName", q).error(4000, "(10010)lacked of required parameters: receiptHandle");
        cmq.call("BatchDeleteMessage", "queueName", q)
                .error(4000, "(10010)lacked of required parameters: receiptHandle.n");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void queueNameFormat() {
        String tooLong = "a" + "b".repeat(64);
        for (String bad : List.of("", "1abc", "-abc", "_abc", "has space", "dot.name", "slash/x", "ü-umlaut", tooLong)) {
            cmq.call("CreateQueue", "queueName", bad).error(4000, "(10020)queue name format error");
            cmq.call("SendMessage", "queueName", bad, "msgBody", "x").error(4000, "(10020)queue name format error");
            cmq.call("GetQueueAttributes", "queueName", bad).error(4000, "(10020)queue name format error");
        }
        // 64 characters is the longest valid name.
        String longest = RawHttpClient.queueName("L");
        longest = longest + "x".repeat(64 - longest.length());
        assertThat(longest).hasSize(64);
        cmq.createQueue(longest);
        cmq.call("DeleteQueue", "queueName", longest).ok();
    }

    @Test
    void integerParameters() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-int"));
        // Not an integer: 10360.
        cmq.call("SendMessage", "queueName", q, "msgBody", "x", "delaySeconds", "abc")
                .error(4000, "(10360)parameter delaySeconds error type");
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1.5")
                .error(4000, "(10360)parameter pollingWaitSeconds error type");
        cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "")
                .error(4000, "(10360)parameter numOfMsg error type");
        cmq.call("CreateQueue", "queueName", RawHttpClient.queueName("err-int2"), "visibilityTimeout", "0x10")
                .error(4000, "(10360)parameter visibilityTimeout error type");
        cmq.call("SetQueueAttributes", "queueName", q, "maxMsgSize", "1e4")
                .error(4000, "(10360)parameter maxMsgSize error type");
        // Out of range: 10350.
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "31")
                .error(4000, "(10350)parameter pollingWaitSeconds value or length is out of range");
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "-1")
                .error(4000, "(10350)parameter pollingWaitSeconds value or length is out of range");
        cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "0")
                .error(4000, "(10350)parameter numOfMsg value or length is out of range");
        cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "17")
                .error(4000, "(10350)parameter numOfMsg value or length is out of range");
        cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "99999999999999999999999")
                .error(4000, "(10350)parameter numOfMsg value or length is out of range");
        cmq.call("CreateQueue", "queueName", RawHttpClient.queueName("err-int3"), "maxMsgSize", "1023")
                .error(4000, "(10350)parameter maxMsgSize value or length is out of range");
        cmq.call("SetQueueAttributes", "queueName", q, "visibilityTimeout", "43201")
                .error(4000, "(10350)parameter visibilityTimeout value or length is out of range");
        cmq.call("SetQueueAttributes", "queueName", q, "msgRetentionSeconds", "59")
                .error(4000, "(10350)parameter msgRetentionSeconds value or length is out of range");
        // Delay has its own module code.
        for (String delay : List.of("3601", "-1", "6048000")) {
            cmq.call("SendMessage", "queueName", q, "msgBody", "x", "delaySeconds", delay)
                    .error(4000, "(10692)delay seconds is out of range");
            cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "x", "delaySeconds", delay)
                    .error(4000, "(10692)delay seconds is out of range");
        }
        cmq.call("SendMessage", "queueName", q, "msgBody", "in range", "delaySeconds", "3600").ok();
        // None of the rejected requests changed the queue.
        Reply attrs = cmq.call("GetQueueAttributes", "queueName", q).ok();
        assertThat(attrs.integer("visibilityTimeout")).isEqualTo(30);
        assertThat(attrs.integer("maxMsgSize")).isEqualTo(65_536);
        assertThat(attrs.integer("msgRetentionSeconds")).isEqualTo(345_600);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void arrayParameters() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-arr"));
        List<String> kv = new ArrayList<>(List.of("queueName", q));
        for (int i = 1; i <= 17; i++) {
            kv.add("msgBody." + i);
            kv.add("m" + i);
        }
        cmq.call("BatchSendMessage", kv.toArray(String[]::new))
                .error(4000, "(10370)msgBody parameter batch size is out of range");
        List<String> handles = new ArrayList<>(List.of("queueName", q));
        for (int i = 0; i < 17; i++) {
            handles.add("receiptHandle." + i);
            handles.add("h" + i);
        }
        cmq.call("BatchDeleteMessage", handles.toArray(String[]::new))
                .error(4000, "(10370)receiptHandle parameter batch size is out of range");
        // Gaps, or a start other than 0 or 1.
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "a", "msgBody.3", "c")
                .error(4000, "(10380)msgBody parameter is not consequent");
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.2", "b", "msgBody.3", "c")
                .error(4000, "(10380)msgBody parameter is not consequent");
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.0", "a", "msgBody.1", "b", "msgBody.3", "d")
                .error(4000, "(10380)msgBody parameter is not consequent");
        cmq.call("BatchDeleteMessage", "queueName", q, "receiptHandle.1", "a", "receiptHandle.5", "b")
                .error(4000, "(10380)receiptHandle parameter is not consequent");
        // Bad index, the same index twice.
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.x", "a")
                .error(4000, "(10310)error: parameter msgBody.x key format error");
        cmq.post("Action=BatchSendMessage&queueName=" + q + "&msgBody.1=a&msgBody.01=b")
                .error(4000, "(10330)parameter msgBody.01 is NOT a repeatable parameter");
        // 16 is fine.
        kv.subList(kv.size() - 2, kv.size()).clear();
        assertThat(cmq.call("BatchSendMessage", kv.toArray(String[]::new)).ok().array("msgList")).hasSize(16);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void messageBodies() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-body"), "maxMsgSize", "1024");
        cmq.call("SendMessage", "queueName", q, "msgBody", "").error(4000, "(10120)message body can't be empty");
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "x", "msgBody.2", "")
                .error(4000, "(10120)message body can't be empty");
        // maxMsgSize counts UTF-8 bytes.
        cmq.call("SendMessage", "queueName", q, "msgBody", "a".repeat(1025))
                .error(4400, "(10230)exceed maximum message size");
        cmq.call("SendMessage", "queueName", q, "msgBody", "ö".repeat(513))
                .error(4400, "(10230)exceed maximum message size");
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "ok", "msgBody.2", "a".repeat(1025))
                .error(4400, "(10230)exceed maximum message size");
        cmq.call("SendMessage", "queueName", q, "msgBody", "ö".repeat(512)).ok();
        cmq.call("SendMessage", "queueName", q, "msgBody", "a".repeat(1024)).ok();
        // Nothing of the rejected batch was stored.
        List<String> bodies = new ArrayList<>();
        while (bodies.size() < 2) {
            cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "10").ok()
                    .array("msgInfoList").forEach(m -> bodies.add(m.get("msgBody").textValue()));
        }
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        assertThat(bodies).containsExactlyInAnyOrder("ö".repeat(512), "a".repeat(1024));
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void queueExistsAndNotFound() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-exists"));
        cmq.call("CreateQueue", "queueName", q).error(4460, "(10210)queue is already existed");
        cmq.call("CreateQueue", "queueName", q.toUpperCase()).error(4460, "(10210)queue is already existed");
        cmq.call("CreateQueue", "queueName", "E" + q.substring(1)).error(4460, "(10210)queue is already existed");
        cmq.call("DeleteQueue", "queueName", q).ok();
        cmq.call("DeleteQueue", "queueName", q).error(4440, NOT_FOUND);
        cmq.call("SendMessage", "queueName", q, "msgBody", "x").error(4440, NOT_FOUND);
        cmq.call("ReceiveMessage", "queueName", q).error(4440, NOT_FOUND);
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", "x").error(4440, NOT_FOUND);
    }

    @Test
    void noMessage() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-empty"));
        cmq.call("ReceiveMessage", "queueName", q).error(7000, "(10200)no message");
        cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "5").error(7000, "(10200)no message");
        // A delayed message is not there yet either.
        cmq.call("SendMessage", "queueName", q, "msgBody", "later", "delaySeconds", "3600").ok();
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void invalidReceiptHandles() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-rh"));
        String other = cmq.createQueue(RawHttpClient.queueName("err-rh-other"));
        cmq.sendMessage(q, "mine");
        cmq.sendMessage(other, "theirs");
        String handle = cmq.receive(q).text("receiptHandle");
        String otherHandle = cmq.receive(other).text("receiptHandle");

        for (String bad : List.of("garbage", "", "1_", "1_a_b_c_d_e", "2" + handle.substring(1),
                handle + "0", handle.substring(0, handle.length() - 1) + "z", "x".repeat(300), otherHandle,
                "%#:_-", "ünïcödé")) {
            cmq.call("DeleteMessage", "queueName", q, "receiptHandle", bad).error(4430, BAD_HANDLE);
        }
        // The real one still works, and the message is gone.
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", handle).ok();
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        // The other queue's message is untouched by the attempt with its handle on the wrong queue.
        cmq.call("DeleteMessage", "queueName", other, "receiptHandle", otherHandle).ok();
        cmq.call("DeleteQueue", "queueName", q).ok();
        cmq.call("DeleteQueue", "queueName", other).ok();
    }

    @Test
    void batchDeletePartialAndTotalFailure() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-bd"));
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "a", "msgBody.2", "b").ok();
        List<String> handles = new ArrayList<>();
        while (handles.size() < 2) {
            cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "2", "pollingWaitSeconds", "10").ok()
                    .array("msgInfoList").forEach(m -> handles.add(m.get("receiptHandle").textValue()));
        }
        Reply partial = cmq.call("BatchDeleteMessage", "queueName", q, "receiptHandle.1", handles.get(0),
                "receiptHandle.2", "bogus-handle", "receiptHandle.3", handles.get(1))
                .error(6010, "(10150)delete message partially failed");
        JsonNode errors = partial.array("errorList");
        assertThat(errors).hasSize(1);
        JsonNode e = errors.get(0);
        assertThat(e.get("code").isInt()).isTrue();
        assertThat(e.get("code").intValue()).isEqualTo(4430);
        assertThat(e.get("message").isTextual()).isTrue();
        assertThat(e.get("message").textValue()).isEqualTo(BAD_HANDLE);
        assertThat(e.get("receiptHandle").textValue()).isEqualTo("bogus-handle");
        // The good ones were deleted.
        assertThat(cmq.call("GetQueueAttributes", "queueName", q).ok().integer("inactiveMsgNum")).isZero();
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");

        Reply all = cmq.call("BatchDeleteMessage", "queueName", q, "receiptHandle.1", "x", "receiptHandle.2", "y")
                .errorModule(6020, 10290);
        JsonNode allErrors = all.array("errorList");
        assertThat(allErrors).hasSize(2);
        assertThat(allErrors.get(0).get("receiptHandle").textValue()).isEqualTo("x");
        assertThat(allErrors.get(1).get("receiptHandle").textValue()).isEqualTo("y");
        assertThat(allErrors.get(1).get("code").intValue()).isEqualTo(4430);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void requestOverOneMebibyte() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-big"), "maxMsgSize", "1048576");
        String head = "Action=SendMessage&queueName=" + q + "&msgBody=";
        // One byte over 1 MiB: 4000/10420, answered as CMQ JSON with HTTP 200.
        byte[] over = ascii(head + "a".repeat((1 << 20) + 1 - head.length()));
        assertThat(over).hasSize((1 << 20) + 1);
        cmq.send("POST", RawHttpClient.PATH, RawHttpClient.JAVA_CONTENT_TYPE, over)
                .error(4000, "(10420)cannot parse request, or request size is more than 1MB");
        // Exactly 1 MiB is fine, and that message goes through Kafka and back.
        byte[] exact = ascii(head + "b".repeat((1 << 20) - head.length()));
        assertThat(exact).hasSize(1 << 20);
        String msgId = cmq.send("POST", RawHttpClient.PATH, RawHttpClient.JAVA_CONTENT_TYPE, exact).ok().text("msgId");
        Reply got = cmq.receive(q);
        assertThat(got.text("msgId")).isEqualTo(msgId);
        assertThat(got.text("msgBody")).hasSize((1 << 20) - head.length()).matches("b+");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void requestFarOverOneMebibyteStillGetsCmqJson() {
        // Beyond the HTTP layer's own body limit too: still HTTP 200 with a CMQ error, never 413/5xx.
        String q = cmq.createQueue(RawHttpClient.queueName("err-huge"));
        byte[] huge = ascii("Action=SendMessage&queueName=" + q + "&msgBody=" + "c".repeat(3 << 20));
        for (int i = 0; i < 3; i++) { // the connection stays usable
            cmq.send("POST", RawHttpClient.PATH, RawHttpClient.JAVA_CONTENT_TYPE, huge)
                    .error(4000, "(10420)cannot parse request, or request size is more than 1MB");
            cmq.call("GetQueueAttributes", "queueName", q).ok();
        }
        // Far beyond: the connection is closed after the answer, the next request opens a new one.
        byte[] enormous = ascii("Action=SendMessage&queueName=" + q + "&msgBody=" + "e".repeat(20 << 20));
        cmq.send("POST", "/", null, enormous)
                .error(4000, "(10420)cannot parse request, or request size is more than 1MB");
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void badEncodings() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-enc"));
        String prefix = "Action=SendMessage&queueName=" + q + "&msgBody=";
        for (String bad : List.of("%FF%FE", "%C3", "%C3%28", "%ED%A0%80", "%C0%AF")) {
            cmq.post(prefix + bad).error(4000, "(10110)request parameters error: invalid UTF-8 in parameter msgBody");
        }
        for (String bad : List.of("%ZZ", "%4", "%", "abc%g1")) {
            cmq.post(prefix + bad)
                    .error(4000, "(10110)request parameters error: invalid percent-encoding in parameter msgBody");
        }
        // Raw (unencoded) bytes that are not UTF-8.
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.writeBytes(ascii(prefix));
        raw.write(0xff);
        raw.write(0x80);
        cmq.send("POST", RawHttpClient.PATH, null, raw.toByteArray())
                .error(4000, "(10110)request parameters error: invalid UTF-8 in parameter msgBody");
        // Bad bytes in a name.
        cmq.post("Action=SendMessage&queueName=" + q + "&%FF=1")
                .error(4000, "(10110)request parameters error: invalid UTF-8 in a parameter name");
        cmq.post("=value&Action=ListQueue").error(4000, "(10310)error: parameter \"\" key format error");
        // Raw UTF-8 (unencoded) is fine.
        cmq.send("POST", RawHttpClient.PATH, null, (prefix + "grüße").getBytes(StandardCharsets.UTF_8)).ok();
        assertThat(cmq.receive(q).text("msgBody")).isEqualTo("grüße");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void duplicateParameters() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-dup"));
        cmq.post("Action=SendMessage&queueName=" + q + "&msgBody=a&msgBody=b")
                .error(4000, "(10330)parameter msgBody is NOT a repeatable parameter");
        cmq.post("Action=DeleteQueue&queueName=" + q + "&queueName=" + q)
                .error(4000, "(10330)parameter queueName is NOT a repeatable parameter");
        cmq.post("Action=GetQueueAttributes&Action=DeleteQueue&queueName=" + q)
                .error(4000, "(10330)parameter Action is NOT a repeatable parameter");
        cmq.call("GetQueueAttributes", "queueName", q).ok();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void otherHttpMethodsGetCmqJson() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-method"));
        byte[] body = ascii(RawHttpClient.javaForm("DeleteQueue", "queueName", q));
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            cmq.send(method, RawHttpClient.PATH, RawHttpClient.JAVA_CONTENT_TYPE, body)
                    .error(4000, "(10410)unexpected http " + method + " only GET or POST is supported");
            cmq.send(method, "/", null, body)
                    .error(4000, "(10410)unexpected http " + method + " only GET or POST is supported");
        }
        // None of them deleted the queue.
        cmq.call("GetQueueAttributes", "queueName", q).ok();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    /** A burst of bad requests of every kind; afterwards the service answers and the messages are intact. */
    @Test
    void badRequestsLeaveServiceAndMessagesIntact() {
        String q = cmq.createQueue(RawHttpClient.queueName("err-intact"));
        String id1 = cmq.sendMessage(q, "first message");
        String id2 = cmq.sendMessage(q, "second ö message");

        ByteArrayOutputStream junk = new ByteArrayOutputStream();
        for (int i = 0; i < 4096; i++) {
            junk.write(i * 31 + 7);
        }
        List<Reply> bad = new ArrayList<>();
        bad.add(cmq.send("POST", RawHttpClient.PATH, null, junk.toByteArray()));
        bad.add(cmq.send("POST", RawHttpClient.PATH, "application/json", ascii("{\"Action\":\"SendMessage\"}")));
        bad.add(cmq.send("POST", RawHttpClient.PATH, RawHttpClient.JAVA_CONTENT_TYPE,
                ascii("Action=SendMessage&queueName=" + q + "&msgBody=" + "d".repeat(1 << 20))));
        bad.add(cmq.post("Action=SendMessage&queueName=" + q + "&msgBody=%FF"));
        bad.add(cmq.post("Action=SendMessage&queueName=" + q + "&msgBody=%"));
        bad.add(cmq.post("Action=SendMessage&queueName=" + q + "&msgBody="));
        bad.add(cmq.post("Action=SendMessage&queueName=" + q + "&msgBody=x&delaySeconds=999999999999"));
        bad.add(cmq.post("Action=BatchSendMessage&queueName=" + q + "&msgBody.5=x"));
        bad.add(cmq.post("Action=DeleteMessage&queueName=" + q + "&receiptHandle=" + "9".repeat(500)
                + "&receiptHandle=x"));
        bad.add(cmq.post("Action=ReceiveMessage&queueName=" + q + "&pollingWaitSeconds=abc"));
        bad.add(cmq.post("Action=Nope"));
        bad.add(cmq.send("PUT", RawHttpClient.PATH, null, ascii("Action=DeleteQueue&queueName=" + q)));
        bad.add(cmq.send("DELETE", RawHttpClient.PATH + "?Action=DeleteQueue&queueName=" + q, null, null));
        bad.add(cmq.get("Action=DeleteQueue&queueName=" + q + "&queueName=" + q));
        for (Reply r : bad) {
            assertThat(r.code()).as(r.raw()).isEqualTo(4000);
            assertThat(r.message()).as(r.raw()).matches("\\(\\d{5}\\).+");
        }
        cmq.post("Action=DeleteMessage&queueName=" + q + "&receiptHandle=" + "9".repeat(500))
                .error(4430, BAD_HANDLE);
        cmq.call("BatchDeleteMessage", "queueName", q, "receiptHandle.1", "1_0_0_0_0_1")
                .errorModule(6020, 10290);

        Reply attrs = cmq.call("GetQueueAttributes", "queueName", q).ok();
        assertThat(attrs.integer("activeMsgNum")).isEqualTo(2);
        List<String> got = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        while (got.size() < 2) {
            cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "10").ok()
                    .array("msgInfoList").forEach(m -> {
                        got.add(m.get("msgBody").textValue());
                        ids.add(m.get("msgId").textValue());
                        assertThat(m.get("dequeueCount").intValue()).isEqualTo(1);
                    });
        }
        assertThat(got).containsExactlyInAnyOrder("first message", "second ö message");
        assertThat(ids).containsExactlyInAnyOrder(id1, id2);
        cmq.sendMessage(q, "after the storm");
        assertThat(cmq.receive(q).text("msgBody")).isEqualTo("after the storm");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }
}
