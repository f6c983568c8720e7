package io.cmqkafka.adapter.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine end to end on a real broker, including a restart on the same data folder. */
class QueueEngineIT {

    static final QueueSettings DEFAULTS = new QueueSettings(100_000_000L, 0, 30, 65536, 345600, 0);

    static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void leasesDeletesAndRestart() throws Exception {
        Path dir = Files.createTempDirectory("engine-it");
        ManualClock clock = new ManualClock();
        List<ReceivedMessage> firstBatch;
        try (EngineHarness h = new EngineHarness(dir, clock)) {
            QueueEngine e = h.engine;
            await(e.createQueue("orders", DEFAULTS));
            List<String> ids = await(e.send("orders", List.of("m1", "m2", "m3", "m4"), 0));
            assertThat(ids).hasSize(4).doesNotHaveDuplicates();

            // A batch receive answers with what is there when the first message is; gather all four.
            firstBatch = new java.util.ArrayList<>();
            while (firstBatch.size() < 4) {
                firstBatch.addAll(await(e.receive("orders", 4 - firstBatch.size(), 5, null)));
            }
            assertThat(firstBatch).extracting(ReceivedMessage::msgBody).containsExactlyInAnyOrder("m1", "m2", "m3", "m4");
            assertThat(firstBatch).allSatisfy(m -> assertThat(m.dequeueCount()).isEqualTo(1));
            // All leased: nothing more to receive.
            assertThat(await(e.receive("orders", 1, 0, null))).isEmpty();

            // Delete m1 and m2; a second delete of m1 with the same handle is idempotent.
            ReceivedMessage m1 = find(firstBatch, "m1");
            ReceivedMessage m2 = find(firstBatch, "m2");
            assertThat(await(e.delete("orders", List.of(m1.receiptHandle(), m2.receiptHandle())))).containsOnlyNulls();

            // Lease of m3/m4 lapses: both come back with dequeueCount 2; the old handles are dead.
            clock.advanceSeconds(31);
            List<ReceivedMessage> again = await(e.receive("orders", 4, 0, null));
            assertThat(again).extracting(ReceivedMessage::msgBody).containsExactlyInAnyOrder("m3", "m4");
            assertThat(again).allSatisfy(m -> assertThat(m.dequeueCount()).isEqualTo(2));
            ReceivedMessage m3old = find(firstBatch, "m3");
            assertThat(await(e.delete("orders", List.of(m3old.receiptHandle()))))
                    .containsExactly(QueueException.Kind.INVALID_RECEIPT_HANDLE);
            // m3 deleted with its current handle; m4 stays leased across the restart.
            assertThat(await(e.delete("orders", List.of(find(again, "m3").receiptHandle())))).containsOnlyNulls();
            firstBatch = again;
        }
        try (EngineHarness h = new EngineHarness(dir, clock)) {
            QueueEngine e = h.engine;
            // m4's lease (30 s) is still running after the restart: honoured.
            assertThat(await(e.receive("orders", 4, 0, null))).isEmpty();
            QueueAttributes a = await(e.getQueueAttributes("orders"));
            assertThat(a.inactiveMsgNum()).isEqualTo(1);
            // Its handle still works after the restart.
            clock.advanceSeconds(10);
            List<ReceivedMessage> none = await(e.receive("orders", 4, 0, null));
            assertThat(none).isEmpty();
            clock.advanceSeconds(25);
            List<ReceivedMessage> back = await(e.receive("orders", 4, 0, null));
            assertThat(back).extracting(ReceivedMessage::msgBody).containsExactly("m4");
            assertThat(back.get(0).dequeueCount()).isEqualTo(3);
            assertThat(await(e.delete("orders", List.of(back.get(0).receiptHandle())))).containsOnlyNulls();
            assertThat(await(e.receive("orders", 4, 0, null))).isEmpty();
        }
    }

    @Test
    void windowBoundsMemoryAndAFullWindowOfLeasesAnswers6070() throws Exception {
        Path dir = Files.createTempDirectory("engine-window");
        ManualClock clock = new ManualClock();
        try (EngineHarness h = new EngineHarness(dir, clock)) { // 2 partitions, window 100 messages each
            QueueEngine e = h.engine;
            await(e.createQueue("big", DEFAULTS));
            List<String> bodies = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                bodies.add("x");
            }
            for (int i = 0; i < 25; i++) {
                await(e.send("big", bodies, 0)); // 400 messages
            }
            int leased = 0;
            while (true) {
                List<ReceivedMessage> got;
                try {
                    got = await(e.receive("big", 16, 2, null)); // waits for the fetcher if it lags
                } catch (java.util.concurrent.ExecutionException ex) {
                    assertThat(ex.getCause()).isInstanceOf(QueueException.class);
                    assertThat(((QueueException) ex.getCause()).kind()).isEqualTo(QueueException.Kind.TOO_MANY_INFLIGHT);
                    break;
                }
                assertThat(got).as("receives stop at the window, before the backlog ends").isNotEmpty();
                leased += got.size();
            }
            assertThat(leased).isEqualTo(200);
            QueueAttributes a = await(e.getQueueAttributes("big"));
            assertThat(a.inactiveMsgNum()).isEqualTo(200);
            assertThat(a.activeMsgNum()).isEqualTo(200);
            // Once the leases lapse the same window is served again.
            clock.advanceSeconds(31);
            assertThat(await(e.receive("big", 16, 0, null))).hasSize(16);
        }
    }

    static ReceivedMessage find(List<ReceivedMessage> ms, String body) {
        return ms.stream().filter(m -> m.msgBody().equals(body)).findFirst().orElseThrow();
    }
}
