package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.QueueMeta;
import com.qcloud.cmq.Subscription;
import com.qcloud.cmq.SubscriptionMeta;
import com.qcloud.cmq.Topic;
import com.qcloud.cmq.TopicMeta;
import io.cmqkafka.adapter.TestClock;
import io.cmqkafka.adapter.it.HttpReceiver.Answer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every topic and subscription action through the official CMQ Java SDK (1.0.7), against the service on an
 * embedded broker: fan-out into queues by tags and by routing keys, and HTTP pushes to a real receiver that
 * fails, stalls and accepts, under both retry strategies (time moved with {@link TestClock}).
 */
@QuarkusTest
class SdkTopicTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL url;

    @Inject
    TestClock clock;

    Account account;

    @BeforeEach
    void setUp() {
        account = CmqSdk.account(url);
    }

    static int code(Throwable t) {
        return CmqSdk.code((CMQServerException) t);
    }

    static int codeOf(ThrowingCall c) {
        CMQServerException e = catchThrowableOfType(CMQServerException.class, c::call);
        assertThat(e).as("a CMQ error").isNotNull();
        return code(e);
    }

    static String messageOf(ThrowingCall c) {
        return catchThrowableOfType(CMQServerException.class, c::call).getMessage();
    }

    interface ThrowingCall {
        void call() throws Exception;
    }

    /** Receives until {@code expected} messages arrived, then checks nothing more comes; deletes them. */
    static List<String> drain(com.qcloud.cmq.Queue q, int expected) throws Exception {
        List<String> bodies = new ArrayList<>();
        long end = System.currentTimeMillis() + 30_000;
        while (bodies.size() < expected && System.currentTimeMillis() < end) {
            try {
                List<Message> ms = q.batchReceiveMessage(16, 2);
                List<String> handles = new ArrayList<>();
                for (Message m : ms) {
                    bodies.add(m.msgBody);
                    handles.add(m.receiptHandle);
                }
                q.batchDeleteMessage(handles);
            } catch (CMQServerException e) {
                assertThat(code(e)).isEqualTo(7000);
            }
        }
        assertThat(codeOf(() -> q.receiveMessage(1))).as("nothing more than %s", bodies).isEqualTo(7000);
        return bodies;
    }

    com.qcloud.cmq.Queue queue(String name) throws Exception {
        account.createQueue(name, new QueueMeta());
        return account.getQueue(name);
    }

    @Test
    void topicLifecycle() throws Exception {
        account.createTopic("sdk-t-admin-1", 2048);
        account.createTopic("sdk-t-admin-2", 65536, 2);
        Topic t = account.getTopic("sdk-t-admin-1");
        TopicMeta meta = t.getTopicAttributes();
        assertThat(meta.maxMsgSize).isEqualTo(2048);
        assertThat(meta.filterType).isEqualTo(1);
        assertThat(meta.msgRetentionSeconds).isEqualTo(86_400);
        assertThat(meta.createTime).isPositive();
        assertThat(meta.msgCount).isZero();
        assertThat(account.getTopic("sdk-t-admin-2").getTopicAttributes().filterType).isEqualTo(2);

        assertThat(codeOf(() -> account.createTopic("SDK-T-ADMIN-1", 2048))).as("exists").isEqualTo(4460);
        List<String> names = new ArrayList<>();
        assertThat(account.listTopic("sdk-t-admin", names, 0, 1)).isEqualTo(2);
        assertThat(names).containsExactly("sdk-t-admin-1");

        t.setTopicAttributes(4096);
        assertThat(t.getTopicAttributes().maxMsgSize).isEqualTo(4096);

        assertThat(messageOf(() -> t.publishMessage("nobody listens")))
                .isEqualTo("(10650)topic has no subscription, please create a subscription before publishing message");
        queue("sdk-t-admin-q");
        account.createSubscribe("sdk-t-admin-1", "s1", "sdk-t-admin-q", "queue");
        assertThat(codeOf(() -> t.publishMessage("x".repeat(4097)))).isEqualTo(4400);
        assertThat(t.publishMessage("counted")).isNotBlank();
        assertThat(t.getTopicAttributes().msgCount).isEqualTo(1);

        assertThat(messageOf(() -> account.deleteTopic("sdk-t-admin-1"))).startsWith("(10540)there exists subscriptions");
        account.deleteSubscribe("sdk-t-admin-1", "s1");
        account.deleteTopic("sdk-t-admin-1");
        account.deleteTopic("sdk-t-admin-2");
        assertThat(codeOf(t::getTopicAttributes)).isEqualTo(4440);
        assertThat(messageOf(() -> account.deleteTopic("sdk-t-admin-1"))).isEqualTo("(10600)topic is not existed, or deleted");
    }

    @Test
    void fanOutIntoQueuesByTags() throws Exception {
        com.qcloud.cmq.Queue all = queue("sdk-fo-all");
        com.qcloud.cmq.Queue paid = queue("sdk-fo-paid");
        com.qcloud.cmq.Queue refunds = queue("sdk-fo-refund");
        account.createTopic("sdk-orders", 65536);
        // The 4-argument form sends notifyContentFormat=JSON even for a queue: accepted.
        account.createSubscribe("sdk-orders", "all", "sdk-fo-all", "queue");
        account.createSubscribe("sdk-orders", "paid", "sdk-fo-paid", "queue", List.of("paid"), null,
                "BACKOFF_RETRY", "SIMPLIFIED");
        account.createSubscribe("sdk-orders", "refunds", "sdk-fo-refund", "queue",
                List.of("refund", "chargeback"), null, "BACKOFF_RETRY", "SIMPLIFIED");

        Topic t = account.getTopic("sdk-orders");
        t.publishMessage("p1", List.of("paid"), null);
        t.publishMessage("r1", List.of("chargeback", "other"), null);
        t.publishMessage("u1");
        assertThat(t.batchPublishMessage(List.of("b1", "b2", "b3"), List.of("refund"), null)).hasSize(3);

        assertThat(drain(all, 6)).containsExactlyInAnyOrder("p1", "r1", "u1", "b1", "b2", "b3");
        assertThat(drain(paid, 1)).containsExactly("p1");
        assertThat(drain(refunds, 4)).containsExactlyInAnyOrder("r1", "b1", "b2", "b3");

        // Once every subscription filters by tags, a message none of them wants is refused.
        account.deleteSubscribe("sdk-orders", "all");
        assertThat(messageOf(() -> t.publishMessage("u2")))
                .isEqualTo("(10730)no bindingKey or filterTag matches the routingKey or msgTag");
        assertThat(codeOf(() -> t.publishMessage("u3", List.of("unknown"), null))).isEqualTo(6030);
    }

    @Test
    void fanOutIntoQueuesByRoutingKeys() throws Exception {
        com.qcloud.cmq.Queue star = queue("sdk-rk-star");
        com.qcloud.cmq.Queue hash = queue("sdk-rk-hash");
        account.createTopic("sdk-routes", 65536, 2);
        assertThat(messageOf(() -> account.createSubscribe("sdk-routes", "nokey", "sdk-rk-star", "queue")))
                .isEqualTo("(10710)parameters lack of bindingKey");
        account.createSubscribe("sdk-routes", "star", "sdk-rk-star", "queue", null, List.of("1.*.0"),
                "BACKOFF_RETRY", "SIMPLIFIED");
        account.createSubscribe("sdk-routes", "hash", "sdk-rk-hash", "queue", null, List.of("1.#.0", "audit.#"),
                "BACKOFF_RETRY", "SIMPLIFIED");

        Topic t = account.getTopic("sdk-routes");
        t.publishMessage("a", "1.x.0");
        t.publishMessage("b", "1.0");
        t.batchPublishMessage(List.of("c", "d"), "1.2.3.4.4.2.2.0");
        t.publishMessage("e", "audit");
        assertThat(messageOf(() -> t.publishMessage("f", "2.0")))
                .isEqualTo("(10730)no bindingKey or filterTag matches the routingKey or msgTag");
        assertThat(messageOf(() -> t.publishMessage("g"))).isEqualTo("(10700)parameters lack of routingKey");

        assertThat(drain(star, 1)).containsExactly("a");
        assertThat(drain(hash, 5)).containsExactlyInAnyOrder("a", "b", "c", "d", "e");
    }

    @Test
    void subscriptionAttributes() throws Exception {
        account.createTopic("sdk-sub-attrs", 65536);
        account.createSubscribe("sdk-sub-attrs", "hook", "http://127.0.0.1:1/cmq", "http", List.of("a", "b"), null,
                "EXPONENTIAL_DECAY_RETRY", "JSON");
        queue("sdk-sub-attrs-q");
        account.createSubscribe("sdk-sub-attrs", "into-queue", "sdk-sub-attrs-q", "queue");
        assertThat(codeOf(() -> account.createSubscribe("sdk-sub-attrs", "hook", "http://127.0.0.1:1/x", "http")))
                .isEqualTo(4490);

        Subscription s = account.getSubscription("sdk-sub-attrs", "hook");
        SubscriptionMeta m = s.getSubscriptionAttributes();
        assertThat(m.Endpoint).isEqualTo("http://127.0.0.1:1/cmq");
        assertThat(m.Protocal).isEqualTo("http");
        assertThat(m.NotifyStrategy).isEqualTo("EXPONENTIAL_DECAY_RETRY");
        assertThat(m.NotifyContentFormat).isEqualTo("JSON");
        assertThat(m.FilterTag).containsExactly("a", "b");
        assertThat(m.bindingKey == null || m.bindingKey.isEmpty()).as("no binding keys").isTrue();
        assertThat(m.CreateTime).isPositive();
        assertThat(m.msgCount).isZero();
        assertThat(account.getSubscription("sdk-sub-attrs", "into-queue").getSubscriptionAttributes()
                .NotifyContentFormat).as("queue subscriptions deliver the raw body").isEqualTo("SIMPLIFIED");

        SubscriptionMeta change = new SubscriptionMeta();
        change.NotifyStrategy = "BACKOFF_RETRY";
        change.NotifyContentFormat = "SIMPLIFIED";
        change.FilterTag = new Vector<>(List.of("c"));
        s.SetSubscriptionAttributes(change);
        m = s.getSubscriptionAttributes();
        assertThat(m.NotifyStrategy).isEqualTo("BACKOFF_RETRY");
        assertThat(m.NotifyContentFormat).isEqualTo("SIMPLIFIED");
        assertThat(m.FilterTag).containsExactly("c");

        s.ClearFilterTags(); // Action=ClearSUbscriptionFIlterTags on the wire
        assertThat(s.getSubscriptionAttributes().FilterTag).isEmpty();

        List<String> names = new ArrayList<>();
        assertThat(account.getTopic("sdk-sub-attrs").ListSubscription(0, 10, "", names)).isEqualTo(2);
        assertThat(names).containsExactly("hook", "into-queue");
        names.clear();
        assertThat(account.getTopic("sdk-sub-attrs").ListSubscription(1, 1, "", names)).isEqualTo(2);
        assertThat(names).containsExactly("into-queue");

        account.deleteSubscribe("sdk-sub-attrs", "hook");
        assertThat(codeOf(s::getSubscriptionAttributes)).isEqualTo(4440);
        assertThat(codeOf(() -> account.deleteSubscribe("sdk-sub-attrs", "hook"))).isEqualTo(4440);
        account.deleteSubscribe("sdk-sub-attrs", "into-queue");
        account.deleteTopic("sdk-sub-attrs");
    }

    /** EXPONENTIAL_DECAY_RETRY: a 500, then a stall past the push timeout, then success; 1 s and 2 s apart. */
    @Test
    void httpPushRetriesExponentiallyUntilAccepted() throws Exception {
        try (HttpReceiver merchant = new HttpReceiver(Answer.status(200), Answer.status(500), Answer.stall(3500))) {
            account.createTopic("sdk-push-exp", 65536);
            account.createSubscribe("sdk-push-exp", "merchant", merchant.url("/notify"), "http", null, null,
                    "EXPONENTIAL_DECAY_RETRY", "JSON");
            String msgId = account.getTopic("sdk-push-exp").publishMessage("order 42 paid", List.of("paid", "vip"), null);

            assertThat(merchant.await(3, 30_000)).as("three attempts, got %s", merchant.requests.size()).isTrue();
            Thread.sleep(3000);
            assertThat(merchant.requests).as("accepted: no more pushes").hasSize(3);
            for (HttpReceiver.Request r : merchant.requests) {
                assertThat(r.header("x-cmq-message-id")).isEqualTo(msgId);
                assertThat(r.header("x-cmq-message-tag")).isEqualTo("paid, vip");
                assertThat(r.header("User-Agent")).isEqualTo("Qcloud Notification Service Agent");
                assertThat(r.header("Content-Type")).startsWith("text/plain");
                assertThat(r.header("x-cmq-request-id")).isNotBlank();
                JsonNode body = JSON.readTree(r.body());
                assertThat(body.get("msgBody").asText()).isEqualTo("order 42 paid");
                assertThat(body.get("msgId").asText()).isEqualTo(msgId);
                assertThat(body.get("topicName").asText()).isEqualTo("sdk-push-exp");
                assertThat(body.get("subscriptionName").asText()).isEqualTo("merchant");
                assertThat(body.has("TopicOwner")).isTrue();
                assertThat(body.get("publishTime").asLong()).isPositive();
            }
            List<HttpReceiver.Request> rs = merchant.requests;
            assertThat(rs.get(1).atMillis() - rs.get(0).atMillis()).as("first retry after 1 s").isGreaterThanOrEqualTo(900);
            // The second attempt stalled 3.5 s (push timeout 2 s); the next one came 2 s after giving up.
            assertThat(rs.get(2).atMillis() - rs.get(1).atMillis()).isGreaterThanOrEqualTo(3800);
            account.deleteSubscribe("sdk-push-exp", "merchant");
        }
    }

    /** BACKOFF_RETRY: three retries 10–20 s apart (moved with the engine clock), then the message is dropped. */
    @Test
    void httpPushBacksOffThreeTimesThenDrops() throws Exception {
        try (HttpReceiver merchant = new HttpReceiver(Answer.status(503))) {
            account.createTopic("sdk-push-backoff", 65536);
            account.createSubscribe("sdk-push-backoff", "merchant", merchant.url("/n"), "http", null, null,
                    "BACKOFF_RETRY", "SIMPLIFIED");
            account.getTopic("sdk-push-backoff").publishMessage("settle 7");
            assertThat(merchant.await(1, 20_000)).isTrue();
            assertThat(merchant.requests.get(0).body()).as("SIMPLIFIED: the raw body").isEqualTo("settle 7");
            Thread.sleep(1500);
            assertThat(merchant.requests).as("no retry before 10 s").hasSize(1);
            for (int retry = 1; retry <= 3; retry++) {
                // The next retry is scheduled from the engine clock when the failed push is recorded,
                // which may happen after an advance: advance again until it comes (one push per retry
                // whatever the clock does, so extra advances cannot add retries).
                boolean came = false;
                for (int step = 0; step < 8 && !came; step++) {
                    clock.advanceSeconds(21);
                    came = merchant.await(1 + retry, 2_000);
                }
                assertThat(came).as("retry %d", retry).isTrue();
            }
            clock.advanceSeconds(21);
            Thread.sleep(2000);
            assertThat(merchant.requests).as("dropped after 3 retries").hasSize(4);
            assertThat(merchant.bodies()).containsOnly("settle 7");
            RawHttpClient.Reply attrs = new RawHttpClient(url).call("GetSubscriptionAttributes",
                    "topicName", "sdk-push-backoff", "subscriptionName", "merchant").ok();
            assertThat(attrs.integer("droppedMsgCount")).isEqualTo(1);
            account.deleteSubscribe("sdk-push-backoff", "merchant");
        }
    }

    /** A stalled endpoint holds up neither other subscriptions nor (beyond one timeout) its own later messages. */
    @Test
    void aStalledEndpointDoesNotHoldUpOthers() throws Exception {
        try (HttpReceiver slow = new HttpReceiver(Answer.stall(60_000));
                HttpReceiver fast = new HttpReceiver(Answer.status(200))) {
            account.createTopic("sdk-push-iso", 65536);
            account.createSubscribe("sdk-push-iso", "slow", slow.url("/"), "http", null, null,
                    "EXPONENTIAL_DECAY_RETRY", "SIMPLIFIED");
            account.createSubscribe("sdk-push-iso", "fast", fast.url("/"), "http", null, null,
                    "EXPONENTIAL_DECAY_RETRY", "SIMPLIFIED");
            Topic t = account.getTopic("sdk-push-iso");
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                sent.add("m" + i);
            }
            t.batchPublishMessage(sent.subList(0, 16));
            t.batchPublishMessage(sent.subList(16, 32));
            t.batchPublishMessage(sent.subList(32, 40));
            long start = System.currentTimeMillis();
            assertThat(fast.await(40, 30_000)).isTrue();
            // Held up by the stalled endpoint, it would take at least its 60 s stall.
            assertThat(System.currentTimeMillis() - start).isLessThan(20_000);
            assertThat(fast.bodies()).containsExactlyInAnyOrderElementsOf(sent);
            // 16 pushes in parallel per batch: the stalled endpoint saw every message within a few timeouts.
            assertThat(slow.await(40, 30_000)).as("slow endpoint got %s", slow.requests.size()).isTrue();
            account.deleteSubscribe("sdk-push-iso", "slow");
            account.deleteSubscribe("sdk-push-iso", "fast");
        }
    }

    @Test
    void batchPublishKeepsOrderOfIds() throws Exception {
        // Batch publish returns one id per body, in order, all distinct.
        queue("sdk-batch-q");
        account.createTopic("sdk-batch", 65536);
        account.createSubscribe("sdk-batch", "q", "sdk-batch-q", "queue");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            bodies.add("n" + i);
        }
        assertThat(account.getTopic("sdk-batch").batchPublishMessage(bodies)).hasSize(16).doesNotHaveDuplicates();
        assertThat(drain(account.getQueue("sdk-batch-q"), 16)).containsExactlyInAnyOrderElementsOf(bodies);
    }
}
