package io.cmqkafka.samples.payments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qcloud.cmq.Account;
import com.qcloud.cmq.Message;
import com.qcloud.cmq.Queue;
import com.qcloud.cmq.Topic;
import io.cmqkafka.samples.Cmq;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Case study 3: third-party payment notifications. The wallet writes every paid order to a queue
 * (the settlement record: it must not be lost) and publishes it to a topic. An HTTP relay pulls the
 * queue and POSTs each order to its merchant, retrying until the merchant accepts. The topic fans
 * the order out to risk control (and campaigns, promotions): risk control blocks a merchant whose
 * volume jumps abnormally in a short window, and the wallet then refuses that merchant's payments.
 */
public final class Payments {

    public static final String ORDERS = "paid-orders";
    public static final String EVENTS = "order-events";
    public static final String RISK = "risk-control";
    private static final ObjectMapper JSON = new ObjectMapper();

    public record PaidOrder(String orderId, String merchant, String account, long amountCents, long paidAt, String terminal) {
    }

    private Payments() {
    }

    /** Queue, topic, and risk control's queue subscribed to the topic. */
    public static void setUp(Account a, int relayRetrySeconds) throws Exception {
        Cmq.queue(a, ORDERS, relayRetrySeconds, 0);
        Cmq.topic(a, EVENTS);
        Cmq.queue(a, RISK, 30, 0);
        Cmq.subscribeQueue(a, EVENTS, "risk", RISK);
    }

    /** The wallet side: records a paid order, unless the merchant is blocked. */
    public static final class Wallet {
        private final Queue orders;
        private final Topic events;
        private final Set<String> blocked = ConcurrentHashMap.newKeySet();

        public Wallet(Account a) {
            this.orders = a.getQueue(ORDERS);
            this.events = a.getTopic(EVENTS);
        }

        /** The interface risk control calls back. */
        public void block(String merchant) {
            blocked.add(merchant);
        }

        public boolean pay(PaidOrder o) throws Exception {
            if (blocked.contains(o.merchant())) {
                return false;
            }
            String body = JSON.writeValueAsString(o);
            orders.send(body); // acknowledged once stored: the settlement record is safe from here on
            events.publishMessage(body);
            return true;
        }
    }

    /** Pulls paid orders and POSTs each to its merchant's URL; deletes only what a merchant accepted. */
    public static final class HttpRelay {
        private final Queue orders;
        private final Map<String, URI> merchantUrls;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        public HttpRelay(Account a, Map<String, URI> merchantUrls) {
            this.orders = a.getQueue(ORDERS);
            this.merchantUrls = merchantUrls;
        }

        /** Relays what one receive returns; false if nothing came. */
        public boolean relayBatch() throws Exception {
            var batch = Cmq.receive(orders, 16, 1);
            for (Message m : batch) {
                PaidOrder o = JSON.readValue(m.msgBody, PaidOrder.class);
                boolean accepted;
                try {
                    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(merchantUrls.get(o.merchant()))
                            .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(m.msgBody)).build(),
                            HttpResponse.BodyHandlers.discarding());
                    accepted = r.statusCode() / 100 == 2;
                } catch (java.io.IOException e) {
                    accepted = false;
                }
                if (accepted) {
                    orders.deleteMessage(m.receiptHandle);
                } // else: the lease lapses and the order is relayed again
            }
            return !batch.isEmpty();
        }
    }

    /** Watches the order stream; blocks a merchant with more than {@code limit} orders in {@code windowMillis}. */
    public static final class RiskControl {
        private final Queue feed;
        private final Wallet wallet;
        private final int limit;
        private final long windowMillis;
        private final Map<String, Deque<Long>> recent = new HashMap<>();
        public final Set<String> seenOrders = ConcurrentHashMap.newKeySet();

        public RiskControl(Account a, Wallet wallet, int limit, long windowMillis) {
            this.feed = a.getQueue(RISK);
            this.wallet = wallet;
            this.limit = limit;
            this.windowMillis = windowMillis;
        }

        public boolean watchBatch() throws Exception {
            var batch = Cmq.receive(feed, 16, 1);
            for (Message m : batch) {
                PaidOrder o = JSON.readValue(m.msgBody, PaidOrder.class);
                if (seenOrders.add(o.orderId())) {
                    Deque<Long> times = recent.computeIfAbsent(o.merchant(), k -> new ArrayDeque<>());
                    times.addLast(o.paidAt());
                    while (!times.isEmpty() && times.peekFirst() < o.paidAt() - windowMillis) {
                        times.removeFirst();
                    }
                    if (times.size() > limit) {
                        wallet.block(o.merchant()); // suspected fake orders
                    }
                }
                feed.deleteMessage(m.receiptHandle);
            }
            return !batch.isEmpty();
        }
    }

    /** A short demonstration against {@code CMQ_ENDPOINT}: records three orders and shows what risk control saw. */
    public static void main(String[] args) throws Exception {
        Account a = Cmq.account();
        setUp(a, 5);
        Wallet wallet = new Wallet(a);
        RiskControl risk = new RiskControl(a, wallet, 100, 60_000);
        for (int i = 0; i < 3; i++) {
            wallet.pay(new PaidOrder("demo-" + i, "m1", "u1", 1999, System.currentTimeMillis(), "pos-7"));
        }
        while (risk.seenOrders.size() < 3) {
            risk.watchBatch();
        }
        System.out.println("risk control saw " + risk.seenOrders);
    }
}
