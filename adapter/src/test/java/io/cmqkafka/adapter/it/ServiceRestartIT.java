package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.CMQServerException;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.QueueMeta;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, stopped (gracefully, then with SIGKILL) and started again on the same
 * data folder: queues, waiting messages, leases and deletes are as they were.
 */
@Tag("slow")
class ServiceRestartIT {

    static List<Message> drain(com.qcloud.cmq.Queue q) throws Exception {
        List<Message> out = new ArrayList<>();
        while (true) {
            try {
                out.addAll(q.batchReceiveMessage(16, 1));
            } catch (CMQServerException e) {
                if (CmqSdk.code(e) == 7000) {
                    return out;
                }
                throw e;
            }
        }
    }

    @Test
    void queuesMessagesLeasesAndDeletesSurviveRestarts() throws Exception {
        Path dir = Files.createTempDirectory("cmq-restart");
        Set<String> acknowledged = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        Message leased;
        try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
            Account acc = CmqSdk.account(svc.url());
            QueueMeta meta = new QueueMeta();
            meta.visibilityTimeout = 600;
            acc.createQueue("restart-q", meta);
            var q = acc.getQueue("restart-q");
            for (int i = 0; i < 10; i++) {
                acknowledged.add(q.send("m" + i).getMsgId());
            }
            List<Message> got = q.batchReceiveMessage(3, 5);
            assertThat(got).isNotEmpty();
            for (int i = 0; i < got.size() - 1; i++) {
                q.deleteMessage(got.get(i).receiptHandle);
                deleted.add(got.get(i).msgId);
            }
            leased = got.get(got.size() - 1);
            svc.stop();
        }

        List<Message> visible;
        try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
            var q = CmqSdk.account(svc.url()).getQueue("restart-q");
            assertThat(q.getQueueAttributes().visibilityTimeout).isEqualTo(600);
            visible = drain(q);
            Set<String> ids = new HashSet<>();
            visible.forEach(m -> ids.add(m.msgId));
            Set<String> expected = new HashSet<>(acknowledged);
            expected.removeAll(deleted);
            expected.remove(leased.msgId);
            assertThat(ids).as("every waiting message, none deleted, not the leased one").isEqualTo(expected);
            // The lease granted before the restart is still valid: its handle deletes.
            q.deleteMessage(leased.receiptHandle);
            deleted.add(leased.msgId);
            // Delete half of the rest, then die without any shutdown.
            for (int i = 0; i < visible.size() / 2; i++) {
                q.deleteMessage(visible.get(i).receiptHandle);
                deleted.add(visible.get(i).msgId);
            }
            svc.kill();
        }

        try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
            var q = CmqSdk.account(svc.url()).getQueue("restart-q");
            // Leases from before the kill are still running (600 s): nothing visible yet...
            assertThat(code(() -> q.receiveMessage(0))).isEqualTo(7000);
            // ...but their handles still work, and deletes acknowledged before the kill stuck.
            int remaining = 0;
            for (Message m : visible) {
                if (!deleted.contains(m.msgId)) {
                    q.deleteMessage(m.receiptHandle);
                    remaining++;
                } else {
                    assertThat(code(() -> q.deleteMessage(m.receiptHandle))).isIn(0, 4430);
                }
            }
            assertThat(remaining).isEqualTo(visible.size() - visible.size() / 2);
            assertThat(q.getQueueAttributes().activeMsgNum).isZero();
        }
    }

    /**
     * Dead-letter policy and rewind state are Kafka's, not the process's: after a SIGKILL a lapsed
     * message past its receive count still moves to the dead-letter queue, and a rewind still finds
     * the messages deleted before the kill.
     */
    @Test
    void deadLettersAndRewindSurviveAKill() throws Exception {
        Path dir = Files.createTempDirectory("cmq-restart-features");
        String poisonId;
        Set<String> consumed = new HashSet<>();
        long before = System.currentTimeMillis() / 1000 - 1;
        try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
            RawHttpClient cmq = new RawHttpClient(svc.url());
            cmq.createQueue("restart-dlq");
            cmq.createQueue("restart-src", "deadLetterPolicy",
                    "{\"deadLetterQueue\":\"restart-dlq\",\"policy\":0,\"maxReceiveCount\":1}");
            poisonId = cmq.sendMessage("restart-src", "poison");
            assertThat(cmq.receive("restart-src", "visibilityTimeout", "1").text("msgId")).isEqualTo(poisonId);

            cmq.createQueue("restart-rewind", "rewindSeconds", "3600");
            var q = CmqSdk.account(svc.url()).getQueue("restart-rewind");
            for (int i = 0; i < 4; i++) {
                q.sendMessage("r" + i);
            }
            while (consumed.size() < 4) {
                for (Message m : q.batchReceiveMessage(16, 5)) {
                    q.deleteMessage(m.receiptHandle);
                    consumed.add(m.msgId);
                }
            }
            svc.kill();
        }

        try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
            RawHttpClient cmq = new RawHttpClient(svc.url());
            assertThat(cmq.call("GetQueueAttributes", "queueName", "restart-src").ok().json()
                    .get("deadLetterPolicy").get("deadLetterQueueName").textValue()).isEqualTo("restart-dlq");
            // Received once (its lease lapsed long ago): the next receive (or the sweep, once the
            // restarted service has loaded the partition) moves it instead. Never delivered again.
            cmq.call("ReceiveMessage", "queueName", "restart-src", "pollingWaitSeconds", "1").errorModule(7000, 10200);
            var dlq = CmqSdk.account(svc.url()).getQueue("restart-dlq");
            Message dead = null;
            for (int i = 0; i < 6 && dead == null; i++) {
                try {
                    dead = dlq.receiveMessage(10);
                } catch (CMQServerException e) {
                    assertThat(CmqSdk.code(e)).isEqualTo(7000);
                }
            }
            assertThat(dead).as("the dead letter within a minute of the restart").isNotNull();
            cmq.call("ReceiveMessage", "queueName", "restart-src", "pollingWaitSeconds", "0").errorModule(7000, 10200);
            assertThat(dead.msgId).isEqualTo(poisonId);
            assertThat(dead.msgBody).isEqualTo("poison");

            var q = CmqSdk.account(svc.url()).getQueue("restart-rewind");
            assertThat(code(() -> q.receiveMessage(0))).as("all deleted before the kill").isEqualTo(7000);
            assertThat(q.getQueueAttributes().rewindmsgNum).isEqualTo(4);
            q.rewindQueue((int) before);
            Set<String> again = new HashSet<>();
            while (again.size() < 4) {
                for (Message m : q.batchReceiveMessage(16, 5)) {
                    again.add(m.msgId);
                }
            }
            assertThat(again).isEqualTo(consumed);
        }
    }

    /**
     * SIGKILL under load, three times; the embedded broker dies with the service, mid-commit as likely
     * as not. Each restart gets ready (a kill mid-commit can leave a hanging transaction that holds a
     * lease shard back until the sweeper aborts it), no acknowledged message is lost, and no
     * acknowledged delete is undone.
     */
    @Test
    void acknowledgedWorkSurvivesKillsUnderLoad() throws Exception {
        Path dir = Files.createTempDirectory("cmq-restart-load");
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Set<String> deleted = ConcurrentHashMap.newKeySet();
        // A delete whose answer the kill cut off may have happened or not.
        Set<String> deleteTried = ConcurrentHashMap.newKeySet();
        Random random = new Random();
        for (int round = 0; round < 3; round++) {
            try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
                if (round == 0) {
                    QueueMeta meta = new QueueMeta();
                    meta.visibilityTimeout = 5; // the final drain waits out leases granted before the last kill
                    CmqSdk.account(svc.url()).createQueue("load-q", meta);
                }
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> workers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    var q = CmqSdk.account(svc.url()).getQueue("load-q");
                    workers.add(new Thread(() -> {
                        while (!stop.get()) {
                            try {
                                sent.addAll(q.batchSendMessage(List.of("a", "b", "c", "d", "e", "f", "g", "h")));
                            } catch (Exception e) {
                                pause(); // killed, or busy
                            }
                        }
                    }));
                    var r = CmqSdk.account(svc.url()).getQueue("load-q");
                    workers.add(new Thread(() -> {
                        while (!stop.get()) {
                            try {
                                for (Message m : r.batchReceiveMessage(16, 1)) {
                                    deleteTried.add(m.msgId);
                                    r.deleteMessage(m.receiptHandle); // one by one: each acknowledgement is exact
                                    deleted.add(m.msgId);
                                }
                            } catch (Exception e) {
                                pause(); // 7000, a lapsed lease, or killed
                            }
                        }
                    }));
                }
                workers.forEach(Thread::start);
                Thread.sleep(3000 + random.nextInt(3000));
                svc.kill();
                stop.set(true);
                for (Thread t : workers) {
                    t.join(30_000);
                }
            }
        }
        assertThat(sent).isNotEmpty();
        assertThat(deleted).isNotEmpty();
        try (ServiceProcess svc = new ServiceProcess(dir, Map.of()).start()) {
            var q = CmqSdk.account(svc.url()).getQueue("load-q");
            Set<String> left = new HashSet<>();
            Set<String> missing = new HashSet<>(sent);
            missing.removeAll(deleted);
            Set<String> unsure = new HashSet<>(deleteTried);
            unsure.removeAll(deleted);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!unsure.containsAll(missing) && System.nanoTime() < deadline) {
                try {
                    List<String> handles = new ArrayList<>();
                    for (Message m : q.batchReceiveMessage(16, 2)) {
                        left.add(m.msgId);
                        missing.remove(m.msgId);
                        handles.add(m.receiptHandle);
                    }
                    q.batchDeleteMessage(handles);
                } catch (CMQServerException e) {
                    assertThat(CmqSdk.code(e)).isEqualTo(7000); // leases from before the kill still running
                }
            }
            missing.removeAll(unsure);
            assertThat(missing).as("acknowledged sends neither deleted nor received again").isEmpty();
            left.retainAll(deleted);
            assertThat(left).as("messages whose delete was acknowledged, delivered again").isEmpty();
        }
    }

    static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    interface Call {
        void run() throws Exception;
    }

    static int code(Call c) throws Exception {
        try {
            c.run();
            return 0;
        } catch (CMQServerException e) {
            return CmqSdk.code(e);
        }
    }
}
