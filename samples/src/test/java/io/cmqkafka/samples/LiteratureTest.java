package io.cmqkafka.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.qcloud.cmq.Account;
import io.cmqkafka.samples.literature.Literature;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Case study 4 end to end: asynchronous credits, a rewind after they were deleted, and log aggregation. */
class LiteratureTest {

    @Test
    void deletedCreditsCanBeConsumedAgainFromAPointInTime() throws Exception {
        Account a = LocalService.account();
        Literature.setUp(a, 86_400);
        long before = System.currentTimeMillis() / 1000 - 1;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Literature.credit(a, "reader-" + i, "book-" + (i % 4), 1 + i % 3);
            sent.add("reader-" + i + ",book-" + (i % 4) + "," + (1 + i % 3));
        }
        assertThat(Literature.applyCredits(a)).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(Literature.applyCredits(a)).as("nothing left once applied and deleted").isEmpty();

        // reconciliation: every credit since `before`, again, in production order
        assertThat(Literature.replaySince(a, before)).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void logsPileUpAndAreTakenAtTheConsumersOwnPace() throws Exception {
        Account a = LocalService.account();
        Literature.setUp(a, 86_400); // whichever test runs first creates both queues
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            lines.add("2026-11-27T10:00:00Z app-" + (i % 5) + " INFO request " + i + " served");
        }
        Literature.shipLogs(a, lines);

        List<String> pulled = new ArrayList<>();
        for (int round = 0; round < 200 && pulled.size() < lines.size(); round++) {
            List<String> got = Literature.pullLogs(a, 300); // the cluster takes 300 per round
            assertThat(got.size()).isLessThanOrEqualTo(300);
            pulled.addAll(got);
        }
        assertThat(pulled).containsExactlyInAnyOrderElementsOf(lines);
    }
}
