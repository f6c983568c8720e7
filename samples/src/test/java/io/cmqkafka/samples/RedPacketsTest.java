package io.cmqkafka.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.samples.redpackets.RedPackets;
import io.cmqkafka.samples.redpackets.RedPackets.Ledger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Case study 2 end to end: credits that fail at peak are retried through the queue until they succeed. */
class RedPacketsTest {

    @Test
    void everyCreditLandsExactlyOnceThoughMostFirstAttemptsFail() throws Exception {
        Ledger ledger = new Ledger();
        // Overloaded account system: each transfer's first two credit attempts fail.
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        AtomicInteger applied = new AtomicInteger();
        RedPackets.CreditService flaky = (id, account, amount) -> {
            if (attempts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet() <= 2) {
                throw new Exception("overloaded");
            }
            if (ledger.credit(id, account, amount)) {
                applied.incrementAndGet();
            }
        };
        RedPackets rp = new RedPackets(LocalService.account(), flaky, ledger, 1);
        int transfers = 60;
        for (int i = 0; i < transfers; i++) {
            rp.send("tx-" + i, "sender-" + (i % 3), "receiver-" + (i % 7), 100 + i);
        }

        List<Thread> retriers = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 90_000;
        for (int r = 0; r < 2; r++) {
            Thread t = new Thread(() -> {
                while (applied.get() < transfers && System.currentTimeMillis() < deadline) {
                    try {
                        rp.retryOne();
                    } catch (Exception e) {
                        System.err.println(e);
                    }
                }
            });
            t.start();
            retriers.add(t);
        }
        for (Thread t : retriers) {
            t.join(100_000);
        }

        assertThat(applied.get()).as("credits applied").isEqualTo(transfers);
        for (int i = 0; i < transfers; i++) {
            assertThat(ledger.isCredited("tx-" + i)).as("tx-%d credited", i).isTrue();
            assertThat(attempts.get("tx-" + i).get()).as("tx-%d attempts", i).isGreaterThanOrEqualTo(3);
        }
        // money is neither created nor lost: debits and credits balance
        long total = ledger.balances.values().stream().mapToLong(AtomicLong::get).sum();
        assertThat(total).isZero();
        // nothing left pending once every credit landed (the last deletes may still be on their way)
        long quietUntil = System.currentTimeMillis() + 5_000;
        while (System.currentTimeMillis() < quietUntil && rp.retryOne()) {
            // drain retries of credits whose delete had not arrived; the ledger ignores them
        }
        assertThat(applied.get()).isEqualTo(transfers);
    }
}
