package io.cmqkafka.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.qcloud.cmq.Account;
import com.sun.net.httpserver.HttpServer;
import io.cmqkafka.samples.payments.Payments;
import io.cmqkafka.samples.payments.Payments.PaidOrder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Case study 3 end to end: HTTP relay with retries to a real merchant endpoint, and topic fan-out to risk control. */
class PaymentsTest {

    @Test
    void ordersReachTheirMerchantsAndASuddenSurgeGetsTheMerchantBlocked() throws Exception {
        Account a = LocalService.account();
        Payments.setUp(a, 1);

        // The merchants' server: refuses each order's first POST (busy), accepts the next.
        Map<String, AtomicInteger> posts = new ConcurrentHashMap<>();
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        HttpServer merchant = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        merchant.createContext("/notify", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String id = body.replaceAll(".*\"orderId\":\"([^\"]+)\".*", "$1");
            int n = posts.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
            if (n > 1) {
                accepted.add(id);
            }
            ex.sendResponseHeaders(n > 1 ? 200 : 503, -1);
            ex.close();
        });
        merchant.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + merchant.getAddress().getPort() + "/notify");
            Payments.Wallet wallet = new Payments.Wallet(a);
            Payments.HttpRelay relay = new Payments.HttpRelay(a, Map.of("bookshop", url, "suspicious", url));
            Payments.RiskControl risk = new Payments.RiskControl(a, wallet, 10, 60_000);

            Set<String> paid = ConcurrentHashMap.newKeySet();
            long now = System.currentTimeMillis();
            for (int i = 0; i < 5; i++) {
                PaidOrder o = new PaidOrder("book-" + i, "bookshop", "user-" + i, 2500, now + i, "web");
                assertThat(wallet.pay(o)).isTrue();
                paid.add(o.orderId());
            }
            // orders in quick succession at one merchant: fake orders, risk control steps in (it reads the
            // topic's fan-out as it goes, so the surge goes on until the wallet refuses one)
            int refused = 0;
            long surgeUntil = System.currentTimeMillis() + 60_000;
            for (int i = 0; refused == 0 && i < 200 && System.currentTimeMillis() < surgeUntil; i++) {
                PaidOrder o = new PaidOrder("sus-" + i, "suspicious", "user-x", 100, System.currentTimeMillis(), "pos-1");
                if (wallet.pay(o)) {
                    paid.add(o.orderId());
                } else {
                    refused++;
                }
                risk.watchBatch(); // risk control reads the topic's feed as it goes
            }

            long deadline = System.currentTimeMillis() + 60_000;
            while ((!accepted.containsAll(paid) || !risk.seenOrders.containsAll(paid))
                    && System.currentTimeMillis() < deadline) {
                relay.relayBatch();
                risk.watchBatch();
            }
            assertThat(accepted).as("orders the merchants accepted").containsAll(paid);
            assertThat(risk.seenOrders).as("orders risk control saw through the topic").containsAll(paid);
            assertThat(refused).as("payments refused once the merchant was blocked").isGreaterThan(0);
            assertThat(wallet.pay(new PaidOrder("sus-late", "suspicious", "u", 1, System.currentTimeMillis(), "p")))
                    .isFalse();
            assertThat(wallet.pay(new PaidOrder("book-late", "bookshop", "u", 1, System.currentTimeMillis(), "p")))
                    .as("other merchants are unaffected").isTrue();
            for (String id : paid) {
                assertThat(posts.get(id).get()).as("%s: refused once, then relayed again", id).isGreaterThanOrEqualTo(2);
            }
        } finally {
            merchant.stop(0);
        }
    }
}
