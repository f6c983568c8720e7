package io.cmqkafka.samples.redpackets;

import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import io.cmqkafka.samples.Cmq;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Case study 2: New-Year red packets. Sending debits the sender at once; the credit to the
 * receiver often fails under peak load. A failed credit goes to a retry queue instead of rolling
 * the debit back; the account system keeps pulling it and retrying until the credit succeeds, and
 * deletes the message only then. The queue keeps the message until that delete.
 */
public final class RedPackets {

    public static final String RETRIES = "credit-retries";

    /** The credit step; throws when the account system is overloaded. */
    public interface CreditService {
        void credit(String transferId, String account, long amount) throws Exception;
    }

    /**
     * Balances with idempotent credits: a retry of a credit that went through (its delete was lost)
     * changes nothing, so at-least-once delivery is enough.
     */
    public static final class Ledger {
        public final Map<String, AtomicLong> balances = new ConcurrentHashMap<>();
        private final Map<String, Boolean> applied = new ConcurrentHashMap<>();

        public void debit(String account, long amount) {
            balances.computeIfAbsent(account, k -> new AtomicLong()).addAndGet(-amount);
        }

        /** True if this call applied the credit, false if it had been applied before. */
        public boolean credit(String transferId, String account, long amount) {
            if (applied.putIfAbsent(transferId, Boolean.TRUE) != null) {
                return false;
            }
            balances.computeIfAbsent(account, k -> new AtomicLong()).addAndGet(amount);
            return true;
        }

        public boolean isCredited(String transferId) {
            return applied.containsKey(transferId);
        }
    }

    private final Queue retries;
    private final CreditService credits;
    private final Ledger ledger;

    public RedPackets(Account a, CreditService credits, Ledger ledger, int retryAfterSeconds) throws Exception {
        // The lease is the retry delay: a failed attempt leaves the message, which comes back after it.
        this.retries = Cmq.queue(a, RETRIES, retryAfterSeconds, 0);
        this.credits = credits;
        this.ledger = ledger;
    }

    /** Sends a red packet: debit now, credit now or, if that fails, through the retry queue. */
    public void send(String transferId, String from, String to, long amount) throws Exception {
        ledger.debit(from, amount);
        try {
            credits.credit(transferId, to, amount);
        } catch (Exception overloaded) {
            retries.send(transferId + "," + to + "," + amount); // "pending" for the user
        }
    }

    /** The account system's retrier: one attempt on one pending credit; false if none was pending. */
    public boolean retryOne() throws Exception {
        Message m = Cmq.receive(retries, 1);
        if (m == null) {
            return false;
        }
        String[] f = m.msgBody.split(",");
        try {
            credits.credit(f[0], f[1], Long.parseLong(f[2]));
        } catch (Exception stillOverloaded) {
            return true; // not deleted: it comes back once its lease lapses
        }
        retries.deleteMessage(m.receiptHandle);
        return true;
    }

    /** A short demonstration against {@code CMQ_ENDPOINT} with a credit service that fails every other call. */
    public static void main(String[] args) throws Exception {
        Ledger ledger = new Ledger();
        AtomicLong calls = new AtomicLong();
        RedPackets rp = new RedPackets(Cmq.account(), (id, acc, amt) -> {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new Exception("overloaded");
            }
            ledger.credit(id, acc, amt);
        }, ledger, 1);
        for (int i = 0; i < 10; i++) {
            rp.send("demo-" + i, "alice", "bob", 88);
        }
        while (ledger.balances.getOrDefault("bob", new AtomicLong()).get() < 880) {
            rp.retryOne();
        }
        System.out.println("balances: " + ledger.balances);
    }
}
