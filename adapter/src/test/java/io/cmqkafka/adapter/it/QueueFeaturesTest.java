package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import com.qcloud.cmq.QueueMeta;
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
 * Dead-letter queues, rewind and lease control, end to end: the official Java SDK where CMQ has the
 * action (RewindQueue, receives), raw HTTP for what no SDK sends (deadLetterPolicy, the dead-letter
 * actions) and for our extensions (ChangeMessageVisibility, RewindQueueToOffsets). Time moves with
 * {@link TestClock}; the broker's own time stamps stay real, which the rewind tests allow for.
 */
@QuarkusTest
class QueueFeaturesTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    TestClock clock;

    RawHttpClient cmq;
    Account account;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
        account = CmqSdk.account(url);
    }

    static String policy(String dlq, int maxReceiveCount) {
        return "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":0,\"maxReceiveCount\":" + maxReceiveCount + "}";
    }

    // ------------------------------------------------------------------------------ dead letters

    @Test
    void aMessageReceivedMaxReceiveCountTimesMovesToTheDeadLetterQueue() throws Exception {
        String dlq = cmq.createQueue(RawHttpClient.queueName("dlq"));
        String src = cmq.createQueue(RawHttpClient.queueName("dl-src"), "deadLetterPolicy", policy(dlq, 2));
        String poisonId = cmq.sendMessage(src, "poison");
        String goodId = cmq.sendMessage(src, "good");

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            Reply r = cmq.call("BatchReceiveMessage", "queueName", src, "numOfMsg", "16", "pollingWaitSeconds", "10",
                    "visibilityTimeout", "5").ok();
            for (JsonNode m : r.array("msgInfoList")) {
                seen.add(m.get("msgId").textValue());
                if (m.get("msgId").textValue().equals(goodId)) {
                    cmq.call("DeleteMessage", "queueName", src, "receiptHandle", m.get("receiptHandle").textValue())
                            .ok();
                } else {
                    assertThat(m.get("dequeueCount").intValue()).isEqualTo(i + 1);
                }
            }
            clock.advanceSeconds(6);
        }
        assertThat(seen).contains(poisonId);

        // Received twice, never deleted: the third receive finds it gone to the dead-letter queue.
        cmq.call("ReceiveMessage", "queueName", src, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        Message dead = account.getQueue(dlq).receiveMessage(10);
        assertThat(dead.msgBody).isEqualTo("poison");
        assertThat(dead.msgId).as("the dead letter keeps its message id").isEqualTo(poisonId);
        assertThat(dead.dequeueCount).isEqualTo(1);
        account.getQueue(dlq).deleteMessage(dead.receiptHandle);

        Reply attrs = cmq.call("GetQueueAttributes", "queueName", src).ok();
        JsonNode p = attrs.json().get("deadLetterPolicy");
        assertThat(p.get("deadLetterQueueName").textValue()).isEqualTo(dlq);
        assertThat(p.get("deadLetterQueue").textValue())
                .isEqualTo(cmq.call("GetQueueAttributes", "queueName", dlq).ok().text("queueId"));
        assertThat(p.get("policy").intValue()).isZero();
        assertThat(p.get("maxReceiveCount").intValue()).isEqualTo(2);

        Reply sources = cmq.call("ListDeadLetterSourceQueues", "deadLetterQueueName", dlq).ok();
        assertThat(sources.integer("totalCount")).isEqualTo(1);
        assertThat(sources.array("queueList").get(0).get("queueName").textValue()).isEqualTo(src);

        cmq.call("DeleteQueue", "queueName", dlq).errorModule(4000, 10750);
        assertThat(cmq.call("UnbindDeadLetterQueue", "queueName", src).ok().text("queueId")).isNotEmpty();
        assertThat(cmq.call("GetQueueAttributes", "queueName", src).ok().json().has("deadLetterPolicy")).isFalse();
        cmq.call("UnbindDeadLetterQueue", "queueName", src).errorModule(4000, 10730);
        cmq.call("DeleteQueue", "queueName", dlq).ok();
    }

    @Test
    void aMessageNotConsumedWithinMaxTimeToLiveMovesWithoutAnyReceive() throws Exception {
        String dlq = cmq.createQueue(RawHttpClient.queueName("dlq-ttl"));
        String src = cmq.createQueue(RawHttpClient.queueName("dl-ttl"));
        cmq.call("SetQueueAttributes", "queueName", src, "deadLetterPolicy",
                "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":1,\"maxTimeToLive\":\"300\"}").ok();
        String id = cmq.sendMessage(src, "too old");
        // Load the source queue on this instance, then let the message outlive its time to live.
        cmq.call("GetQueueAttributes", "queueName", src).ok();
        clock.advanceSeconds(301);

        Message dead = account.getQueue(dlq).receiveMessage(15);
        assertThat(dead.msgId).isEqualTo(id);
        assertThat(dead.msgBody).isEqualTo("too old");
        cmq.call("ReceiveMessage", "queueName", src, "pollingWaitSeconds", "0").error(7000, "(10200)no message");
    }

    @Test
    void deadLetterPolicyErrorsHaveCmqCodes() {
        String dlq = cmq.createQueue(RawHttpClient.queueName("dlq-err"));
        String q = RawHttpClient.queueName("dl-err");
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", "not json").errorModule(4000, 10710);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", "[1]").errorModule(4000, 10710);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", "{\"policy\":0,\"maxReceiveCount\":3}")
                .errorModule(4000, 10760);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy",
                "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":2}").errorModule(4000, 10770);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy",
                "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":0}").errorModule(4000, 10720);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", policy(dlq, 0)).errorModule(4000, 10720);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", policy(dlq, 1001)).errorModule(4000, 10720);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy",
                "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":1,\"maxTimeToLive\":299}").errorModule(4000, 10720);
        cmq.call("CreateQueue", "queueName", q, "msgRetentionSeconds", "400", "deadLetterPolicy",
                "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":1,\"maxTimeToLive\":400}").errorModule(4000, 10720);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", policy("no-such-queue", 3))
                .errorModule(4000, 10730);
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", policy(q, 3)).errorModule(4000, 10730);
        cmq.call("ListQueue", "searchWord", q).ok().integer("totalCount");
        assertThat(cmq.call("ListQueue", "searchWord", q).ok().integer("totalCount"))
                .as("no failed create leaves a queue behind").isZero();

        // Nesting: a dead-letter queue has none itself, and a queue with one is nobody's.
        String mid = cmq.createQueue(RawHttpClient.queueName("dl-mid"), "deadLetterPolicy", policy(dlq, 3));
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", policy(mid, 3)).errorModule(4000, 10740);
        cmq.call("SetQueueAttributes", "queueName", dlq, "deadLetterPolicy", policy(mid, 3)).errorModule(4000, 10740);
        cmq.call("SetQueueAttributes", "queueName", mid, "deadLetterPolicy", policy(mid, 3)).errorModule(4000, 10740);

        // At most 6 sources per dead-letter queue (mid is the first).
        List<String> sources = new ArrayList<>(List.of(mid));
        for (int i = 0; i < 5; i++) {
            sources.add(cmq.createQueue(RawHttpClient.queueName("dl-src" + i), "deadLetterPolicy", policy(dlq, 3)));
        }
        cmq.call("CreateQueue", "queueName", q, "deadLetterPolicy", policy(dlq, 3)).errorModule(4000, 10780);
        // Re-binding one of the six to the same queue is no new source.
        cmq.call("SetQueueAttributes", "queueName", mid, "deadLetterPolicy", policy(dlq, 5)).ok();
        Reply page = cmq.call("ListDeadLetterSourceQueues", "deadLetterQueueName", dlq, "limit", "4").ok();
        assertThat(page.integer("totalCount")).isEqualTo(6);
        assertThat(page.array("queueList")).hasSize(4);
        cmq.call("ListDeadLetterSourceQueues", "deadLetterQueueName", "no-such-queue").error(4440,
                "(10100)queue is not existed, or deleted");
        for (String s : sources) {
            cmq.call("DeleteQueue", "queueName", s).ok();
        }
        cmq.call("DeleteQueue", "queueName", dlq).ok();
    }

    // ------------------------------------------------------------------------------ lease control

    @Test
    void changeMessageVisibilityEndsOrExtendsTheHoldersLease() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-ctl"));
        String id = cmq.sendMessage(q, "hold me");
        Reply first = cmq.receive(q, "visibilityTimeout", "30");
        String h1 = first.text("receiptHandle");

        // 0: visible at once, to the next receive, with a new handle.
        Reply now = cmq.call("ChangeMessageVisibility", "queueName", q, "receiptHandle", h1, "visibilityTimeout", "0")
                .ok();
        assertThat(now.json().get("nextVisibleTime").longValue()).isLessThanOrEqualTo(clock.millis() / 1000);
        Reply second = cmq.receive(q, "visibilityTimeout", "30");
        assertThat(second.text("msgId")).isEqualTo(id);
        assertThat(second.integer("dequeueCount")).isEqualTo(2);
        String h2 = second.text("receiptHandle");
        cmq.call("ChangeMessageVisibility", "queueName", q, "receiptHandle", h1, "visibilityTimeout", "10")
                .error(4430, "(10260)receipt handle is invalid");

        // Extend: 100 s from now, beyond the 30 s the receive asked for.
        cmq.call("ChangeMessageVisibility", "queueName", q, "receiptHandle", h2, "visibilityTimeout", "100").ok();
        clock.advanceSeconds(40);
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0").error(7000, "(10200)no message");
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", h2).ok();
        clock.advanceSeconds(61);
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0").error(7000, "(10200)no message");

        // Batch: per-handle outcomes like BatchDeleteMessage.
        cmq.sendMessage(q, "a");
        Reply a = cmq.receive(q, "visibilityTimeout", "30");
        Reply partly = cmq.call("BatchChangeMessageVisibility", "queueName", q, "receiptHandle.1",
                a.text("receiptHandle"), "receiptHandle.2", h1, "visibilityTimeout", "0").errorModule(6010, 10150);
        assertThat(partly.array("errorList")).hasSize(1);
        assertThat(partly.array("errorList").get(0).get("receiptHandle").textValue()).isEqualTo(h1);
        assertThat(cmq.receive(q).integer("dequeueCount")).isEqualTo(2);

        cmq.call("ChangeMessageVisibility", "queueName", q, "receiptHandle", h2).errorModule(4000, 10010);
        cmq.call("ChangeMessageVisibility", "queueName", q, "receiptHandle", h2, "visibilityTimeout", "43201")
                .errorModule(4000, 10350);
    }

    // ------------------------------------------------------------------------------ rewind

    @Test
    void rewindQueueRedeliversDeletedMessagesThroughTheSdk() throws Exception {
        QueueMeta meta = new QueueMeta();
        meta.rewindSeconds = 345_600; // the whole retention: the test clock may run ahead of the broker's
        meta.pollingWaitSeconds = 10;
        String name = RawHttpClient.queueName("rewind");
        account.createQueue(name, meta);
        Queue queue = account.getQueue(name);
        long before = System.currentTimeMillis() / 1000 - 1; // broker time stamps are real time
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(queue.sendMessage("r" + i));
        }
        Set<String> consumed = new HashSet<>();
        while (consumed.size() < 5) {
            for (Message m : queue.batchReceiveMessage(16, 10)) {
                consumed.add(m.msgId);
                queue.deleteMessage(m.receiptHandle);
            }
        }
        assertThat(consumed).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(cmq.call("GetQueueAttributes", "queueName", name).ok().integer("rewindMsgNum")).isEqualTo(5);
        assertThat(cmq.call("GetQueueAttributes", "queueName", name).ok().integer("rewindmsgNum")).isEqualTo(5);

        queue.rewindQueue((int) before);
        List<Message> again = new ArrayList<>();
        while (again.size() < 5) {
            again.addAll(queue.batchReceiveMessage(16, 10));
        }
        assertThat(again).extracting(m -> m.msgId).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(again).allSatisfy(m -> assertThat(m.dequeueCount).as("a fresh start").isEqualTo(1));
        // Production order within each partition.
        for (int p = 0; p < 3; p++) {
            int part = p;
            List<Long> offsets = again.stream().map(m -> Long.parseLong(m.msgId))
                    .filter(id -> (id >> 40) == part).map(id -> id & ((1L << 40) - 1)).toList();
            assertThat(offsets).isSorted();
        }
        for (Message m : again) {
            queue.deleteMessage(m.receiptHandle);
        }
    }

    @Test
    void rewindErrors() throws Exception {
        String off = cmq.createQueue(RawHttpClient.queueName("rewind-off"));
        cmq.call("RewindQueue", "queueName", off, "startConsumeTime", Long.toString(clock.millis() / 1000))
                .error(6050, "(10670)your queue cannot be rewinded");
        String on = cmq.createQueue(RawHttpClient.queueName("rewind-on"), "rewindSeconds", "3600");
        long now = clock.millis() / 1000;
        cmq.call("RewindQueue", "queueName", on, "startConsumeTime", Long.toString(now - 3700)).errorModule(4000, 10680);
        cmq.call("RewindQueue", "queueName", on, "startConsumeTime", Long.toString(now + 3600)).errorModule(4000, 10680);
        cmq.call("RewindQueue", "queueName", on).errorModule(4000, 10010);
        // The Java SDK sends nothing at all for 0 or less; a time out of range comes back as 4000.
        account.getQueue(on).rewindQueue(0);
        CMQServerException e = org.assertj.core.api.Assertions.catchThrowableOfType(CMQServerException.class,
                () -> account.getQueue(on).rewindQueue((int) (now - 7200)));
        assertThat(CmqSdk.code(e)).isEqualTo(4000);
        cmq.call("RewindQueue", "queueName", "no-such-queue", "startConsumeTime", Long.toString(now))
                .error(4440, "(10100)queue is not existed, or deleted");
    }

    @Test
    void rewindToOffsetsExtension() {
        String q = cmq.createQueue(RawHttpClient.queueName("rewind-offsets"));
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            sent.add(cmq.sendMessage(q, "o" + i));
        }
        Set<String> got = new HashSet<>();
        while (got.size() < 3) {
            Reply r = cmq.receive(q);
            got.add(r.text("msgId"));
            cmq.call("DeleteMessage", "queueName", q, "receiptHandle", r.text("receiptHandle")).ok();
        }
        // Past the end: nothing comes back.
        cmq.call("RewindQueueToOffsets", "queueName", q, "offsets", "0:1000000,1:1000000,2:1000000").ok();
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        // No offsets: back to the earliest retained message of every partition (rewind need not be on).
        cmq.call("RewindQueueToOffsets", "queueName", q).ok();
        Set<String> again = new HashSet<>();
        while (again.size() < 3) {
            again.add(cmq.receive(q).text("msgId"));
        }
        assertThat(again).isEqualTo(sent);

        cmq.call("RewindQueueToOffsets", "queueName", q, "offsets", "0:x").errorModule(4000, 10360);
        cmq.call("RewindQueueToOffsets", "queueName", q, "offsets", "0:1,0:2").errorModule(4000, 10330);
        cmq.call("RewindQueueToOffsets", "queueName", q, "offsets", "99:0").errorModule(4000, 10681);
    }

    // ------------------------------------------------------------------------------ ordered queues

    List<String> bodies(Reply r) {
        List<String> out = new ArrayList<>();
        r.array("msgInfoList").forEach(m -> out.add(m.get("msgBody").textValue()));
        return out;
    }

    String handleOf(Reply r, String body) {
        for (JsonNode m : r.array("msgInfoList")) {
            if (m.get("msgBody").textValue().equals(body)) {
                return m.get("receiptHandle").textValue();
            }
        }
        throw new AssertionError(body + " not in " + r.raw());
    }

    @Test
    void orderedQueueDeliversEachGroupOneAtATimeInSendOrder() {
        String q = cmq.createQueue(RawHttpClient.queueName("ordered"), "ordered", "1");
        assertThat(cmq.call("GetQueueAttributes", "queueName", q).ok().integer("ordered")).isEqualTo(1);
        cmq.call("SetQueueAttributes", "queueName", q, "ordered", "0").errorModule(4000, 10682);
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "A1", "msgBody.2", "A2", "msgBody.3", "A3",
                "msgGroupId", "A").ok();
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "B1", "msgBody.2", "B2", "msgGroupId", "B").ok();
        cmq.call("SendMessage", "queueName", q, "msgBody", "U1").ok();
        cmq.call("SendMessage", "queueName", q, "msgBody", "U2").ok();

        // The head of each group, and every message without a group.
        List<String> got = new ArrayList<>();
        Reply withA1 = null;
        for (int i = 0; i < 10 && got.size() < 4; i++) {
            Reply r = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "2",
                    "visibilityTimeout", "30");
            if (r.code() == 0) {
                got.addAll(bodies(r));
                withA1 = bodies(r).contains("A1") ? r : withA1;
            }
        }
        assertThat(got).containsExactlyInAnyOrder("A1", "B1", "U1", "U2");
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");

        // Deleting A1 releases A2, only A2.
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", handleOf(withA1, "A1")).ok();
        Reply a2 = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "5",
                "visibilityTimeout", "30").ok();
        assertThat(bodies(a2)).containsExactly("A2");

        // A lapsed lease gives the same message again first: B1, then A2 (never B2 or A3).
        clock.advanceSeconds(31);
        List<String> again = new ArrayList<>();
        for (int i = 0; i < 5 && again.size() < 4; i++) {
            Reply r = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "2",
                    "visibilityTimeout", "30");
            if (r.code() == 0) {
                again.addAll(bodies(r));
            }
        }
        assertThat(again).containsExactlyInAnyOrder("A2", "B1", "U1", "U2");
    }

    @Test
    void deadLetteringReleasesTheGroup() throws Exception {
        String dlq = cmq.createQueue(RawHttpClient.queueName("ordered-dlq"));
        String q = cmq.createQueue(RawHttpClient.queueName("ordered-dl"), "ordered", "1", "deadLetterPolicy",
                policy(dlq, 1));
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "G1", "msgBody.2", "G2", "msgGroupId", "g").ok();
        assertThat(cmq.receive(q, "visibilityTimeout", "5").text("msgBody")).isEqualTo("G1");
        clock.advanceSeconds(6);
        // G1 was received its one time: it goes to the dead-letter queue and G2 is next.
        assertThat(cmq.receive(q, "visibilityTimeout", "5").text("msgBody")).isEqualTo("G2");
        assertThat(account.getQueue(dlq).receiveMessage(10).msgBody).isEqualTo("G1");
        cmq.call("SendMessage", "queueName", q, "msgBody", "x", "msgGroupId", "").errorModule(4000, 10350);
    }

    // ------------------------------------------------------------------------------ redrive, retention

    @Test
    void redriveMovesDeadLettersBackWithTheirIds() throws Exception {
        String dlq = cmq.createQueue(RawHttpClient.queueName("redrive-dlq"));
        String src = cmq.createQueue(RawHttpClient.queueName("redrive-src"), "deadLetterPolicy",
                "{\"deadLetterQueue\":\"" + dlq + "\",\"policy\":1,\"maxTimeToLive\":300}");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(cmq.sendMessage(src, "d" + i));
        }
        cmq.call("GetQueueAttributes", "queueName", src).ok();
        clock.advanceSeconds(301);
        // All 20 in the dead-letter queue (the sweep moves them within a second or two).
        for (int i = 0; i < 50; i++) {
            if (cmq.call("GetQueueAttributes", "queueName", dlq).ok().integer("activeMsgNum") == 20) {
                break;
            }
            Thread.sleep(200);
        }
        // A receive-count policy now, or they would outlive the time to live again at once.
        cmq.call("SetQueueAttributes", "queueName", src, "deadLetterPolicy", policy(dlq, 10)).ok();
        assertThat(cmq.call("RedriveDeadLetterQueue", "queueName", dlq, "maxMsgNum", "5").ok()
                .integer("redrivenMsgNum")).as("to its one source").isEqualTo(5);
        cmq.call("UnbindDeadLetterQueue", "queueName", src).ok();
        cmq.call("RedriveDeadLetterQueue", "queueName", dlq).errorModule(4000, 10683); // no source any more
        assertThat(cmq.call("RedriveDeadLetterQueue", "queueName", dlq, "targetQueueName", src).ok()
                .integer("redrivenMsgNum")).isEqualTo(15);
        Set<String> back = new HashSet<>();
        while (back.size() < 20) {
            Reply r = cmq.call("BatchReceiveMessage", "queueName", src, "numOfMsg", "16", "pollingWaitSeconds", "5")
                    .ok();
            r.array("msgInfoList").forEach(m -> back.add(m.get("msgId").textValue()));
        }
        assertThat(back).as("redriven messages keep their ids").isEqualTo(ids);
        cmq.call("ReceiveMessage", "queueName", dlq, "pollingWaitSeconds", "0").error(7000, "(10200)no message");
        cmq.call("RedriveDeadLetterQueue", "queueName", dlq, "targetQueueName", "no-such-queue").error(4440,
                "(10100)queue is not existed, or deleted");
    }

    @Test
    void messagesOlderThanRetentionAreNeverDelivered() throws Exception {
        String q = cmq.createQueue(RawHttpClient.queueName("retention"), "msgRetentionSeconds", "60");
        cmq.sendMessage(q, "short-lived");
        assertThat(cmq.call("GetQueueAttributes", "queueName", q).ok().integer("activeMsgNum")).isEqualTo(1);
        clock.advanceSeconds(61);
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");
        assertThat(cmq.call("GetQueueAttributes", "queueName", q).ok().integer("activeMsgNum")).isZero();
    }
}
