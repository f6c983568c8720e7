package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.TestClock;
import io.cmqkafka.adapter.it.HttpReceiver.Answer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery of topic messages over raw HTTP against the embedded broker: one hanging or failing message
 * does not stall the later messages of its own subscription, neither on first attempts nor in the retry
 * schedule.
 */
@QuarkusTest
class TopicDeliveryTest {

    /** {@code %test.cmq.topic.push-timeout}: a push not answered within this is a failure. */
    private static final long PUSH_TIMEOUT_MS = 2000;

    @TestHTTPResource("/")
    URL url;

    @Inject
    TestClock clock;

    RawHttpClient cmq;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
    }

    String topic(String prefix) {
        String name = RawHttpClient.queueName(prefix);
        cmq.call("CreateTopic", "topicName", name).ok();
        return name;
    }

    void subscribeHttp(String topic, String name, HttpReceiver r) {
        cmq.call("Subscribe", "topicName", topic, "subscriptionName", name, "protocol", "http",
                "endpoint", r.url("/"), "notifyStrategy", "EXPONENTIAL_DECAY_RETRY",
                "notifyContentFormat", "SIMPLIFIED").ok();
    }

    void publish(String topic, List<String> bodies) {
        String[] kv = new String[2 + 2 * bodies.size()];
        kv[0] = "topicName";
        kv[1] = topic;
        for (int i = 0; i < bodies.size(); i++) {
            kv[2 + 2 * i] = "msgBody." + (i + 1);
            kv[3 + 2 * i] = bodies.get(i);
        }
        cmq.call("BatchPublishMessage", kv).ok();
    }

    static List<String> bodies(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /** The arrival time of the last of {@code bodies} (all must have arrived). */
    static long lastArrival(HttpReceiver r, List<String> bodies) {
        return r.requests.stream().filter(q -> bodies.contains(q.body())).mapToLong(HttpReceiver.Request::atMillis)
                .max().orElseThrow();
    }

    /** First attempts: while one push hangs (until its timeout, and on every retry), the later ones go through. */
    @Test
    void aHangingMessageDoesNotHoldUpLaterOnesOfItsSubscription() throws Exception {
        try (HttpReceiver r = new HttpReceiver(Answer.status(200))
                .answerBy(body -> body.equals("slow") ? Answer.stall(60_000) : null)) {
            String t = topic("deliv-hang");
            subscribeHttp(t, "hook", r);
            cmq.call("PublishMessage", "topicName", t, "msgBody", "slow").ok();
            assertThat(HttpReceiver.awaitCount(() -> r.requestsFor("slow").size(), 1, 20_000)).isTrue();
            long slowAt = r.requestsFor("slow").get(0).atMillis();
            List<String> later = bodies("after-", 10);
            publish(t, later);
            assertThat(HttpReceiver.awaitCount(() -> (int) r.bodies().stream().filter(later::contains).count(),
                    later.size(), 20_000)).as("later messages delivered, got %s", r.bodies()).isTrue();
            // Pushed one after the other, they would have waited for the hanging push to time out.
            assertThat(lastArrival(r, later) - slowAt).as("delivered while the hanging push was in flight")
                    .isLessThan(PUSH_TIMEOUT_MS);
            assertThat(r.bodies()).filteredOn(later::contains).hasSize(later.size());
            cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "hook").ok();
        }
    }

    /** A message that keeps failing goes to the retry schedule; the later ones are delivered meanwhile. */
    @Test
    void aFailingMessageInTheRetryScheduleDoesNotHoldUpLaterOnes() throws Exception {
        try (HttpReceiver r = new HttpReceiver(Answer.status(200))
                .answerBy(body -> body.equals("bad") ? Answer.status(500) : null)) {
            String t = topic("deliv-fail");
            subscribeHttp(t, "hook", r);
            cmq.call("PublishMessage", "topicName", t, "msgBody", "bad").ok();
            assertThat(HttpReceiver.awaitCount(() -> r.requestsFor("bad").size(), 1, 20_000)).isTrue();
            List<String> later = bodies("next-", 16);
            publish(t, later);
            assertThat(HttpReceiver.awaitCount(() -> (int) r.bodies().stream().filter(later::contains).count(),
                    later.size(), 20_000)).as("later messages delivered, got %s", r.bodies()).isTrue();
            clock.advanceSeconds(5); // the first retry (due 1 s after the failure) is due now
            assertThat(HttpReceiver.awaitCount(() -> r.requestsFor("bad").size(), 2, 20_000))
                    .as("the failing message is retried").isTrue();
            cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "hook").ok();
        }
    }

    /**
     * Retries: while the retry of one message hangs until its push timeout, another message's retry that
     * falls due is pushed at once (a retry worker that waited for the whole batch would push it only after
     * the hanging one timed out).
     */
    @Test
    void aHangingRetryDoesNotHoldUpOtherRetries() throws Exception {
        AtomicInteger flakyAttempts = new AtomicInteger();
        try (HttpReceiver r = new HttpReceiver(Answer.status(200)).answerBy(body -> switch (body) {
            case "slow" -> Answer.stall(60_000);
            case "flaky" -> flakyAttempts.incrementAndGet() == 1 ? Answer.status(500) : Answer.status(200);
            default -> null;
        })) {
            String t = topic("deliv-retry");
            subscribeHttp(t, "hook", r);
            cmq.call("PublishMessage", "topicName", t, "msgBody", "slow").ok();
            // The second push of "slow" is its first retry: the retry worker now has a push hanging.
            assertThat(HttpReceiver.awaitCount(() -> r.requestsFor("slow").size(), 2, 30_000)).isTrue();
            long slowRetryAt = r.requestsFor("slow").get(1).atMillis();
            cmq.call("PublishMessage", "topicName", t, "msgBody", "flaky").ok();
            assertThat(HttpReceiver.awaitCount(() -> r.requestsFor("flaky").size(), 1, 20_000)).isTrue();
            clock.advanceSeconds(5); // flaky's retry (1 s after its failure) is due now
            assertThat(HttpReceiver.awaitCount(() -> r.requestsFor("flaky").size(), 2, 20_000)).isTrue();
            assertThat(r.requestsFor("flaky").get(1).atMillis() - slowRetryAt)
                    .as("flaky's retry pushed while slow's retry was in flight").isLessThan(PUSH_TIMEOUT_MS);
            cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "hook").ok();
        }
    }

    /** Racing Subscribes of one name: exactly one subscription exists, the others are told it does. */
    @Test
    void concurrentSubscribesOfOneNameCreateOneSubscription() throws Exception {
        String t = topic("deliv-race");
        int n = 8;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<RawHttpClient.Reply>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String endpoint = "http://127.0.0.1:9/racer-" + i;
                calls.add(pool.submit(() -> {
                    RawHttpClient c = new RawHttpClient(url);
                    start.await();
                    return c.call("Subscribe", "topicName", t, "subscriptionName", "same", "protocol", "http",
                            "endpoint", endpoint);
                }));
            }
            List<RawHttpClient.Reply> won = new ArrayList<>();
            for (var f : calls) {
                RawHttpClient.Reply r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                if (r.json().get("code").asInt() == 0) {
                    won.add(r);
                } else {
                    r.error(4490, "(10470)subscribtion is already existed");
                }
            }
            assertThat(won).as("exactly one Subscribe succeeds").hasSize(1);
            String id = won.get(0).text("subscriptionId");
            RawHttpClient.Reply list = cmq.call("ListSubscriptionByTopic", "topicName", t).ok();
            assertThat(list.integer("totalCount")).isEqualTo(1);
            assertThat(list.array("subscriptionList").get(0).get("subscriptionId").textValue()).isEqualTo(id);
            String endpoint = list.array("subscriptionList").get(0).get("endpoint").textValue();
            // Every later look (and a second racer's view) keeps the winner.
            cmq.call("Subscribe", "topicName", t, "subscriptionName", "same", "protocol", "http",
                    "endpoint", "http://127.0.0.1:9/late").error(4490, "(10470)subscribtion is already existed");
            RawHttpClient.Reply attrs = cmq.call("GetSubscriptionAttributes", "topicName", t,
                    "subscriptionName", "same").ok();
            assertThat(attrs.text("endpoint")).isEqualTo(endpoint);
            cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "same").ok();
            cmq.call("DeleteTopic", "topicName", t).ok();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Extension msgGroupId on PublishMessage: messages of two groups, interleaved, fanned out into an ordered
     * queue, come out one at a time per group and in publish order.
     */
    @Test
    void messageGroupsKeepTheirOrderIntoAnOrderedQueue() {
        String q = cmq.createQueue(RawHttpClient.queueName("deliv-ordq"), "ordered", "1");
        String t = topic("deliv-ord");
        cmq.call("Subscribe", "topicName", t, "subscriptionName", "into", "protocol", "queue", "endpoint", q).ok();
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "msgGroupId", "").errorModule(4000, 10350);
        cmq.call("PublishMessage", "topicName", t, "msgBody", "x", "msgGroupId", "g".repeat(129))
                .errorModule(4000, 10350);

        cmq.call("PublishMessage", "topicName", t, "msgBody", "A1", "msgGroupId", "A").ok();
        cmq.call("PublishMessage", "topicName", t, "msgBody", "B1", "msgGroupId", "B").ok();
        cmq.call("PublishMessage", "topicName", t, "msgBody", "A2", "msgGroupId", "A").ok();
        cmq.call("BatchPublishMessage", "topicName", t, "msgBody.1", "B2", "msgBody.2", "B3", "msgBody.3", "B4",
                "msgGroupId", "B").ok();
        cmq.call("BatchPublishMessage", "topicName", t, "msgBody.1", "A3", "msgBody.2", "A4", "msgGroupId", "A").ok();
        cmq.call("PublishMessage", "topicName", t, "msgBody", "U1").ok();

        // First the head of each group, and the message without a group.
        List<String> heads = new ArrayList<>();
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < 10 && heads.size() < 3; i++) {
            RawHttpClient.Reply r = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16",
                    "pollingWaitSeconds", "2", "visibilityTimeout", "30");
            if (r.json().get("code").asInt() == 0) {
                r.array("msgInfoList").forEach(m -> {
                    heads.add(m.get("msgBody").textValue());
                    handles.add(m.get("receiptHandle").textValue());
                });
            }
        }
        assertThat(heads).containsExactlyInAnyOrder("A1", "B1", "U1");
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "1").error(7000, "(10200)no message");

        // Then, deleting what was received each time, one message per group at a time, in publish order.
        List<String> a = new ArrayList<>(List.of("A1"));
        List<String> b = new ArrayList<>(List.of("B1"));
        for (int i = 0; i < 20 && a.size() + b.size() < 8; i++) {
            String[] kv = new String[2 + 2 * handles.size()];
            kv[0] = "queueName";
            kv[1] = q;
            for (int h = 0; h < handles.size(); h++) {
                kv[2 + 2 * h] = "receiptHandle." + (h + 1);
                kv[3 + 2 * h] = handles.get(h);
            }
            if (!handles.isEmpty()) {
                cmq.call("BatchDeleteMessage", kv).ok();
            }
            handles.clear();
            RawHttpClient.Reply r = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16",
                    "pollingWaitSeconds", "5", "visibilityTimeout", "30");
            if (r.json().get("code").asInt() != 0) {
                continue;
            }
            List<String> got = new ArrayList<>();
            r.array("msgInfoList").forEach(m -> {
                got.add(m.get("msgBody").textValue());
                handles.add(m.get("receiptHandle").textValue());
            });
            assertThat(got.stream().filter(x -> x.startsWith("A")).count()).as("one of A at a time: %s", got)
                    .isLessThanOrEqualTo(1);
            assertThat(got.stream().filter(x -> x.startsWith("B")).count()).as("one of B at a time: %s", got)
                    .isLessThanOrEqualTo(1);
            got.stream().filter(x -> x.startsWith("A")).forEach(a::add);
            got.stream().filter(x -> x.startsWith("B")).forEach(b::add);
        }
        assertThat(a).containsExactly("A1", "A2", "A3", "A4");
        assertThat(b).containsExactly("B1", "B2", "B3", "B4");
        cmq.call("Unsubscribe", "topicName", t, "subscriptionName", "into").ok();
    }
}
