package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.QueueMeta;
import com.qcloud.cmq.entity.CmqResponse;
import io.cmqkafka.adapter.TestClock;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every queue action through the official CMQ Java SDK, against the service on an embedded broker. */
@QuarkusTest
class SdkQueueTest {

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

    /** A blocking SDK call (a long poll) on another thread. */
    static <T> CompletableFuture<T> inBackground(java.util.concurrent.Callable<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    @Test
    void createListAttributesAndDelete() throws Exception {
        QueueMeta meta = new QueueMeta();
        meta.pollingWaitSeconds = 3;
        meta.visibilityTimeout = 45;
        meta.maxMsgSize = 2048;
        meta.msgRetentionSeconds = 7200;
        account.createQueue("sdk-admin-1", meta);
        account.createQueue("sdk-admin-2", new QueueMeta());

        QueueMeta got = account.getQueue("sdk-admin-1").getQueueAttributes();
        assertThat(got.pollingWaitSeconds).isEqualTo(3);
        assertThat(got.visibilityTimeout).isEqualTo(45);
        assertThat(got.maxMsgSize).isEqualTo(2048);
        assertThat(got.msgRetentionSeconds).isEqualTo(7200);
        assertThat(got.activeMsgNum).isZero();
        assertThat(got.createTime).isPositive();

        List<String> names = new ArrayList<>();
        int total = account.listQueue("sdk-admin", 0, 1, names);
        assertThat(total).isEqualTo(2);
        assertThat(names).hasSize(1);

        // Names are unique case-insensitively: 4460.
        assertThat(code(catchThrowableOfType(CMQServerException.class,
                () -> account.createQueue("SDK-ADMIN-1", new QueueMeta())))).isEqualTo(4460);

        QueueMeta change = new QueueMeta();
        change.visibilityTimeout = 90;
        change.maxMsgSize = 0; // Java SDK sends only values > 0
        change.msgRetentionSeconds = 0;
        change.pollingWaitSeconds = 0;
        account.getQueue("sdk-admin-1").setQueueAttributes(change);
        got = account.getQueue("sdk-admin-1").getQueueAttributes();
        assertThat(got.visibilityTimeout).isEqualTo(90);
        assertThat(got.pollingWaitSeconds).isEqualTo(3);
        assertThat(got.maxMsgSize).isEqualTo(2048);

        account.deleteQueue("sdk-admin-1");
        account.deleteQueue("sdk-admin-2");
        assertThat(code(catchThrowableOfType(CMQServerException.class,
                () -> account.getQueue("sdk-admin-1").getQueueAttributes()))).isEqualTo(4440);
        assertThat(code(catchThrowableOfType(CMQServerException.class,
                () -> account.deleteQueue("sdk-admin-1")))).isEqualTo(4440);
    }

    @Test
    void sendReceiveDelete() throws Exception {
        account.createQueue("sdk-msgs", new QueueMeta());
        var q = account.getQueue("sdk-msgs");
        CmqResponse sent = q.send("hello wörld & more+plus=eq");
        assertThat(sent.getMsgId()).isNotBlank();

        Message m = q.receiveMessage(1);
        assertThat(m.msgBody).isEqualTo("hello wörld & more+plus=eq");
        assertThat(m.msgId).isEqualTo(sent.getMsgId());
        assertThat(m.dequeueCount).isEqualTo(1);
        assertThat(m.enqueueTime).isPositive();
        assertThat(m.firstDequeueTime).isGreaterThanOrEqualTo(m.enqueueTime - 1);
        assertThat(m.nextVisibleTime).isGreaterThanOrEqualTo(m.firstDequeueTime + 29);
        q.deleteMessage(m.receiptHandle);

        // Empty queue: 7000 "(10200)no message".
        CMQServerException empty = catchThrowableOfType(CMQServerException.class, () -> q.receiveMessage(0));
        assertThat(code(empty)).isEqualTo(7000);
        assertThat(empty.getMessage()).contains("(10200)");

        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            bodies.add("batch-" + i);
        }
        List<String> ids = q.batchSendMessage(bodies);
        assertThat(ids).hasSize(16).doesNotHaveDuplicates();
        List<Message> got = new ArrayList<>(q.batchReceiveMessage(16, 1));
        while (got.size() < 16) {
            got.addAll(q.batchReceiveMessage(16 - got.size(), 1));
        }
        assertThat(got).extracting(x -> x.msgBody).containsExactlyInAnyOrderElementsOf(bodies);
        List<String> handles = new ArrayList<>();
        got.forEach(x -> handles.add(x.receiptHandle));
        q.batchDeleteMessage(handles);
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.batchReceiveMessage(16, 0))))
                .isEqualTo(7000);
        // Deleted handles are no longer valid: all failed is 6020.
        assertThat(code(catchThrowableOfType(CMQServerException.class,
                () -> q.batchDeleteMessage(Arrays.asList("garbage", handles.get(0))))))
                .isEqualTo(6020);
        // One valid handle among bad ones: the valid one is deleted, and the answer is 6010.
        q.send("one more");
        Message one = q.receiveMessage(1);
        assertThat(code(catchThrowableOfType(CMQServerException.class,
                () -> q.batchDeleteMessage(Arrays.asList("garbage", one.receiptHandle)))))
                .isEqualTo(6010);
        clock.advanceSeconds(31); // past the lease: an undeleted message would come back
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.receiveMessage(0))))
                .isEqualTo(7000);
    }

    /**
     * The SDK's calls without a wait send no pollingWaitSeconds: the queue's own
     * pollingWaitSeconds applies (answered 7000 only after it), and a send wakes the poll.
     */
    @Test
    void receiveWithoutAWaitLongPollsForTheQueuesPollingWaitSeconds() throws Exception {
        QueueMeta meta = new QueueMeta();
        meta.pollingWaitSeconds = 2;
        account.createQueue("sdk-queue-wait", meta);
        var q = account.getQueue("sdk-queue-wait");
        long t0 = System.nanoTime();
        CMQServerException empty = catchThrowableOfType(CMQServerException.class, q::receiveMessage);
        assertThat(code(empty)).isEqualTo(7000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                .as("held for the queue's wait, not answered at once").isGreaterThanOrEqualTo(1_800);

        CompletableFuture<List<Message>> waiting = inBackground(() -> q.batchReceiveMessage(4));
        Thread.sleep(300);
        q.send("wake up");
        assertThat(waiting.get(15, TimeUnit.SECONDS)).extracting(m -> m.msgBody).containsExactly("wake up");
    }

    @Test
    void leaseLapsesAndTheMessageComesBackWithAHigherDequeueCount() throws Exception {
        QueueMeta meta = new QueueMeta();
        meta.visibilityTimeout = 30;
        account.createQueue("sdk-lease", meta);
        var q = account.getQueue("sdk-lease");
        String id = q.send("work item").getMsgId();

        Message first = q.receiveMessage(1);
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.receiveMessage(0))))
                .as("leased: invisible to others").isEqualTo(7000);
        assertThat(q.getQueueAttributes().inactiveMsgNum).isEqualTo(1);

        clock.advanceSeconds(31);
        Message second = q.receiveMessage(1);
        assertThat(second.msgId).isEqualTo(id);
        assertThat(second.dequeueCount).isEqualTo(2);
        assertThat(second.firstDequeueTime).isEqualTo(first.firstDequeueTime);

        // The first receive's handle is stale: 4430.
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.deleteMessage(first.receiptHandle))))
                .isEqualTo(4430);
        q.deleteMessage(second.receiptHandle);
        clock.advanceSeconds(31);
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.receiveMessage(0))))
                .as("deleted messages never come back").isEqualTo(7000);
    }

    @Test
    void aQueueCreatedAgainUnderTheSameNameStartsEmpty() throws Exception {
        account.createQueue("sdk-recreate", new QueueMeta());
        var q = account.getQueue("sdk-recreate");
        q.send("old-1");
        q.send("old-2");
        Message old = q.receiveMessage(1);
        account.deleteQueue("sdk-recreate");
        account.createQueue("sdk-recreate", new QueueMeta());
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.receiveMessage(0))))
                .as("no message of the deleted incarnation").isEqualTo(7000);
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.deleteMessage(old.receiptHandle))))
                .as("handles of the deleted incarnation").isEqualTo(4430);
        q.send("new");
        assertThat(q.receiveMessage(1).msgBody).isEqualTo("new");
    }

    @Test
    void delayedMessagesStayInvisibleUntilTheyMature() throws Exception {
        account.createQueue("sdk-delay", new QueueMeta());
        var q = account.getQueue("sdk-delay");
        q.send("later", 120);
        q.send("now");
        Message now = q.receiveMessage(1);
        assertThat(now.msgBody).isEqualTo("now");
        q.deleteMessage(now.receiptHandle); // else its lease lapses below and it comes back too
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.receiveMessage(0)))).isEqualTo(7000);
        assertThat(q.getQueueAttributes().delayMsgNum).isEqualTo(1);
        clock.advanceSeconds(121);
        Message later = q.receiveMessage(1);
        assertThat(later.msgBody).isEqualTo("later");
        assertThat(later.dequeueCount).isEqualTo(1);
    }

    @Test
    void longPollWakesWhenAMessageArrives() throws Exception {
        account.createQueue("sdk-longpoll", new QueueMeta());
        var q = account.getQueue("sdk-longpoll");
        long t0 = System.nanoTime();
        CompletableFuture<Message> waiting = inBackground(() -> q.receiveMessage(10));
        Thread.sleep(300);
        q.send("wake up");
        Message m = waiting.get(15, TimeUnit.SECONDS);
        assertThat(m.msgBody).isEqualTo("wake up");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(9_000);
    }

    @Test
    void errorsCarryCmqCodes() throws Exception {
        QueueMeta meta = new QueueMeta();
        meta.maxMsgSize = 1024;
        account.createQueue("sdk-errors", meta);
        var q = account.getQueue("sdk-errors");
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.send("x".repeat(1025)))))
                .isEqualTo(4400);
        assertThat(code(catchThrowableOfType(CMQServerException.class,
                () -> account.getQueue("no-such-queue").send("x")))).isEqualTo(4440);
        assertThat(code(catchThrowableOfType(CMQServerException.class, () -> q.deleteMessage("1_2_3")))).isEqualTo(4430);
        assertThatThrownBy(() -> account.createQueue("9starts-with-digit", new QueueMeta()))
                .isInstanceOf(CMQServerException.class);
    }
}
