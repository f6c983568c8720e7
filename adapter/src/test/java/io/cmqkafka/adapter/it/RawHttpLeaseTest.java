package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.TestClock;
import io.cmqkafka.adapter.it.RawHttpClient.Reply;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leases and long polling over raw HTTP: the {@code visibilityTimeout} extension parameter of
 * ReceiveMessage, re-delivery after the lease lapses (moved with {@link TestClock}), stale handles, and
 * {@code pollingWaitSeconds} (cmq-api.md §1.6, §2.2, §4).
 */
@QuarkusTest
class RawHttpLeaseTest {

    @TestHTTPResource("/")
    URL url;

    @Inject
    TestClock clock;

    RawHttpClient cmq;

    @BeforeEach
    void setUp() {
        cmq = new RawHttpClient(url);
    }

    @Test
    void leaseLapsesAndMessageComesBackWithNewHandle() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-vt"));
        String msgId = cmq.sendMessage(q, "lease me");

        Reply first = cmq.receive(q, "visibilityTimeout", "5");
        assertThat(first.text("msgId")).isEqualTo(msgId);
        assertThat(first.integer("dequeueCount")).isEqualTo(1);
        assertThat(first.integer("nextVisibleTime") - first.integer("firstDequeueTime")).isBetween(4, 6);
        String oldHandle = first.text("receiptHandle");

        // Within the lease the message is invisible.
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0").error(7000, "(10200)no message");

        clock.advanceSeconds(6);
        Reply second = cmq.receive(q, "visibilityTimeout", "60");
        assertThat(second.text("msgId")).isEqualTo(msgId);
        assertThat(second.text("msgBody")).isEqualTo("lease me");
        assertThat(second.integer("dequeueCount")).isEqualTo(2);
        assertThat(second.integer("firstDequeueTime")).isEqualTo(first.integer("firstDequeueTime"));
        assertThat(second.integer("enqueueTime")).isEqualTo(first.integer("enqueueTime"));
        assertThat(second.integer("nextVisibleTime")).isGreaterThan(first.integer("nextVisibleTime"));
        String newHandle = second.text("receiptHandle");
        assertThat(newHandle).isNotEqualTo(oldHandle);

        // The handle of the earlier receive is stale.
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", oldHandle)
                .error(4430, "(10260)receipt handle is invalid");
        cmq.call("BatchDeleteMessage", "queueName", q, "receiptHandle.1", oldHandle)
                .errorModule(6020, 10290)
                .array("errorList").forEach(e -> assertThat(e.get("code").intValue()).isEqualTo(4430));
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", newHandle).ok();

        clock.advanceSeconds(61);
        cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0").error(7000, "(10200)no message");
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void handleExpiresWhenLeaseLapsesEvenWithoutNewReceive() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-exp"), "visibilityTimeout", "100");
        cmq.sendMessage(q, "expire");
        Reply got = cmq.receive(q, "visibilityTimeout", "3");
        assertThat(got.integer("nextVisibleTime") - got.integer("firstDequeueTime")).isBetween(2, 4);
        clock.advanceSeconds(4);
        // Past nextVisibleTime the handle no longer deletes (cmq-api.md §2.2 DeleteMessage).
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", got.text("receiptHandle"))
                .error(4430, "(10260)receipt handle is invalid");
        // Without the parameter, the queue's visibilityTimeout (100 s) applies.
        Reply again = cmq.receive(q);
        assertThat(again.integer("dequeueCount")).isEqualTo(2);
        assertThat(again.integer("nextVisibleTime") - (int) (clock.millis() / 1000)).isBetween(98, 101);
        cmq.call("DeleteMessage", "queueName", q, "receiptHandle", again.text("receiptHandle")).ok();
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void visibilityTimeoutRange() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-range"));
        for (String bad : new String[] {"0", "-5", "43201"}) {
            cmq.call("ReceiveMessage", "queueName", q, "visibilityTimeout", bad)
                    .error(4000, "(10350)parameter visibilityTimeout value or length is out of range");
            cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "1", "visibilityTimeout", bad)
                    .error(4000, "(10350)parameter visibilityTimeout value or length is out of range");
        }
        cmq.call("ReceiveMessage", "queueName", q, "visibilityTimeout", "ten")
                .error(4000, "(10360)parameter visibilityTimeout error type");
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "a", "msgBody.2", "b").ok();
        Reply max = cmq.receive(q, "visibilityTimeout", "43200");
        assertThat(max.integer("nextVisibleTime") - max.integer("firstDequeueTime")).isBetween(43199, 43201);
        Reply min = cmq.receive(q, "visibilityTimeout", "1");
        assertThat(min.integer("nextVisibleTime") - min.integer("firstDequeueTime")).isBetween(0, 2);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void batchReceiveLeasesLapseTogether() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-batch"));
        cmq.call("BatchSendMessage", "queueName", q, "msgBody.1", "a", "msgBody.2", "b", "msgBody.3", "c").ok();
        int got = 0;
        while (got < 3) {
            got += cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "3", "pollingWaitSeconds", "10",
                    "visibilityTimeout", "5").ok().array("msgInfoList").size();
        }
        cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "3").error(7000, "(10200)no message");
        clock.advanceSeconds(6);
        Reply again = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "16", "pollingWaitSeconds", "10",
                "visibilityTimeout", "600").ok();
        assertThat(again.array("msgInfoList")).hasSize(3)
                .allSatisfy(m -> assertThat(m.get("dequeueCount").intValue()).isEqualTo(2));
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void longPollOnEmptyQueueAnswersAfterTheWait() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-poll"));
        Reply r = cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "2")
                .error(7000, "(10200)no message");
        assertThat(r.millis()).isBetween(1_500L, 4_999L);
        Reply b = cmq.call("BatchReceiveMessage", "queueName", q, "numOfMsg", "4", "pollingWaitSeconds", "2")
                .error(7000, "(10200)no message");
        assertThat(b.millis()).isBetween(1_500L, 4_999L);
        // pollingWaitSeconds=0: at once.
        Reply now = cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0")
                .error(7000, "(10200)no message");
        assertThat(now.millis()).isLessThan(1_500L);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void longPollUsesTheQueueAttributeWhenNotGiven() {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-qpoll"), "pollingWaitSeconds", "2");
        Reply r = cmq.call("ReceiveMessage", "queueName", q).error(7000, "(10200)no message");
        assertThat(r.millis()).isBetween(1_500L, 4_999L);
        // The request's value wins over the queue's.
        Reply now = cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "0")
                .error(7000, "(10200)no message");
        assertThat(now.millis()).isLessThan(1_500L);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }

    @Test
    void longPollReturnsAsSoonAsAMessageArrives() throws Exception {
        String q = cmq.createQueue(RawHttpClient.queueName("lease-wake"));
        CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(
                () -> cmq.call("ReceiveMessage", "queueName", q, "pollingWaitSeconds", "20"));
        Thread.sleep(500);
        long sentAt = System.nanoTime();
        String msgId = cmq.sendMessage(q, "wake up");
        Reply got = waiting.get(25, TimeUnit.SECONDS).ok();
        long afterSendMillis = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(got.text("msgId")).isEqualTo(msgId);
        assertThat(got.text("msgBody")).isEqualTo("wake up");
        assertThat(afterSendMillis).isLessThan(5_000L);
        assertThat(got.millis()).isLessThan(10_000L);
        cmq.call("DeleteQueue", "queueName", q).ok();
    }
}
