package io.cmqkafka.adapter.protocol.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmqkafka.adapter.protocol.CmqException;
import io.cmqkafka.adapter.protocol.CmqRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Admission rules with an explicit clock: signature, hosts, window edges, replays, permissions, limits. */
class RequestAuthenticatorTest {

    static final String HOST = "127.0.0.1:8080";
    static final String PATH = "/v2/index.php";

    final AtomicLong nowMillis = new AtomicLong(1_800_000_000_000L);
    final AtomicLong nanos = new AtomicLong();
    TestAuthConfig config = new TestAuthConfig().credentials("AKIDa:keyA, AKIDb:keyB");
    RateLimiter limiter = new RateLimiter(0, 0, Map.of(), Map.of(), nanos::get);
    long nonce = 1;

    RequestAuthenticator auth() {
        return new RequestAuthenticator(config, limiter, nowMillis::get);
    }

    long now() {
        return nowMillis.get() / 1000;
    }

    /** A request signed like the Java SDK, over {@code signHost}, sent with Host {@code hostHeader}. */
    CmqRequest signed(String id, String key, String method, String signHost, String hostHeader, long timestamp,
            String... kv) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", "SendMessage");
        p.put("Nonce", Long.toString(nonce++));
        p.put("SecretId", id);
        p.put("SignatureMethod", "HmacSHA1");
        p.put("Timestamp", Long.toString(timestamp));
        p.put("queueName", "q1");
        p.put("msgBody", "hello");
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                p.remove(kv[i]);
            } else {
                p.put(kv[i], kv[i + 1]);
            }
        }
        String sts = Signatures.stringToSign(method, signHost, PATH, p, false);
        p.put("Signature", Signatures.sign(Signatures.algorithm(p.get("SignatureMethod")), key.getBytes(UTF_8), sts));
        return new CmqRequest(method, hostHeader, PATH, p);
    }

    CmqRequest signed(String... kv) {
        return signed("AKIDa", "keyA", "POST", HOST, HOST, now(), kv);
    }

    static CmqRequest with(CmqRequest r, String name, String value) {
        Map<String, String> p = new LinkedHashMap<>(r.params());
        p.put(name, value);
        return new CmqRequest(r.method(), r.host(), r.path(), p);
    }

    static void assertError(Runnable r, int code, String message) {
        assertThatThrownBy(r::run).isInstanceOf(CmqException.class).hasMessage(message)
                .extracting(e -> ((CmqException) e).code()).isEqualTo(code);
    }

    @Test
    void validSignaturesPass() {
        RequestAuthenticator a = auth();
        assertThat(a.enabled()).isTrue();
        a.check(signed());
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now()));
        a.check(signed("AKIDa", "keyA", "GET", HOST, HOST, now()));
        a.check(signed("SignatureMethod", "HmacSHA256"));
        a.check(signed("SignatureMethod", null)); // absent: SHA-1
    }

    @Test
    void unknownOrMissingSecretId() {
        RequestAuthenticator a = auth();
        assertError(() -> a.check(signed("AKIDz", "keyA", "POST", HOST, HOST, now())), 4100,
                "(10270)secret id is not existed");
        assertError(() -> a.check(signed("SecretId", null)), 4100, "(10270)secret id is not existed");
    }

    @Test
    void badOrMissingSignature() {
        RequestAuthenticator a = auth();
        assertError(() -> a.check(signed("AKIDa", "keyB", "POST", HOST, HOST, now())), 4100,
                "(10030)authentication failed: Signature does not match");
        CmqRequest ok = signed();
        assertError(() -> a.check(with(ok, "msgBody", "tampered")), 4100,
                "(10030)authentication failed: Signature does not match");
        assertError(() -> a.check(with(ok, "extra", "1")), 4100,
                "(10030)authentication failed: Signature does not match");
        assertError(() -> a.check(with(ok, "Signature", "")), 4100,
                "(10030)authentication failed: Signature is missing");
        assertError(() -> a.check(with(ok, "Signature", "not base64 at all \u0000")), 4100,
                "(10030)authentication failed: Signature does not match");
        // Signed as POST, sent as GET.
        CmqRequest post = signed();
        assertError(() -> a.check(new CmqRequest("GET", HOST, PATH, post.params())), 4100,
                "(10030)authentication failed: Signature does not match");
        // Signed for another path.
        assertError(() -> a.check(new CmqRequest("POST", HOST, "/", signed().params())), 4100,
                "(10030)authentication failed: Signature does not match");
    }

    @Test
    void hostVariants() {
        RequestAuthenticator a = auth();
        // Endpoint http://h:80: the SDK signs "h:80", the HTTP library sends "Host: h".
        a.check(signed("AKIDa", "keyA", "POST", "cmq.local:80", "cmq.local", now()));
        a.check(signed("AKIDa", "keyA", "POST", "cmq.local:443", "cmq.local", now()));
        // And the other way round.
        a.check(signed("AKIDa", "keyA", "POST", "cmq.local", "cmq.local:80", now()));
        a.check(signed("AKIDa", "keyA", "POST", "[::1]", "[::1]:80", now()));
        // Another port is another host.
        assertError(() -> a.check(signed("AKIDa", "keyA", "POST", "cmq.local:8080", "cmq.local", now())), 4100,
                "(10030)authentication failed: Signature does not match");
        // Behind a proxy: only with public-host configured.
        assertError(() -> a.check(signed("AKIDa", "keyA", "POST", "cmq.example.com", "10.0.0.7:8080", now())),
                4100, "(10030)authentication failed: Signature does not match");
        config.publicHosts = List.of("cmq.example.com", " cmq2.example.com:8443 ");
        RequestAuthenticator proxied = auth();
        proxied.check(signed("AKIDa", "keyA", "POST", "cmq.example.com", "10.0.0.7:8080", now()));
        proxied.check(signed("AKIDa", "keyA", "POST", "cmq2.example.com:8443", null, now()));
        assertThat(proxied.hosts("h")).containsExactly("h", "h:80", "h:443", "cmq.example.com",
                "cmq2.example.com:8443");
        assertThat(proxied.hosts("h:443")).startsWith("h:443", "h");
    }

    @Test
    void pythonAtVariant() {
        RequestAuthenticator a = auth();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", "SendMessage");
        p.put("Nonce", "77");
        p.put("SecretId", "AKIDa");
        p.put("Timestamp", Long.toString(now()));
        p.put("queueName", "q1");
        p.put("msgBody", "@hello");
        p.put("Signature", Signatures.sign("HmacSHA1", "keyA".getBytes(UTF_8),
                Signatures.stringToSign("POST", HOST, PATH, p, true)));
        a.check(new CmqRequest("POST", HOST, PATH, p));
        config.atVariant = false;
        p.put("Nonce", "78");
        p.put("Signature", Signatures.sign("HmacSHA1", "keyA".getBytes(UTF_8),
                Signatures.stringToSign("POST", HOST, PATH, p, true)));
        assertError(() -> auth().check(new CmqRequest("POST", HOST, PATH, p)), 4100,
                "(10030)authentication failed: Signature does not match");
    }

    @Test
    void timestampWindowEdges() {
        RequestAuthenticator a = auth();
        a.check(signed("AKIDa", "keyA", "POST", HOST, HOST, now() - 300));
        a.check(signed("AKIDa", "keyA", "POST", HOST, HOST, now() + 300));
        long n = now();
        assertError(() -> a.check(signed("AKIDa", "keyA", "POST", HOST, HOST, n - 301)), 4500,
                "(4500)request replay attack: Timestamp " + (n - 301) + " is more than 300 s away from the server time "
                        + n);
        assertError(() -> a.check(signed("AKIDa", "keyA", "POST", HOST, HOST, n + 301)), 4500,
                "(4500)request replay attack: Timestamp " + (n + 301) + " is more than 300 s away from the server time "
                        + n);
        assertError(() -> a.check(signed("AKIDa", "keyA", "POST", HOST, HOST, 0)), 4500,
                "(4500)request replay attack: Timestamp 0 is more than 300 s away from the server time " + n);
    }

    @Test
    void timestampAndNonceFormats() {
        RequestAuthenticator a = auth();
        assertError(() -> a.check(signed("Timestamp", null)), 4000, "(10010)lacked of required parameters: Timestamp");
        assertError(() -> a.check(signed("Timestamp", "-5")), 4000, "(10360)parameter Timestamp error type");
        assertError(() -> a.check(signed("Timestamp", "1e9")), 4000, "(10360)parameter Timestamp error type");
        assertError(() -> a.check(signed("Timestamp", "9".repeat(19))), 4000, "(10360)parameter Timestamp error type");
        assertError(() -> a.check(signed("Nonce", null)), 4000, "(10010)lacked of required parameters: Nonce");
        assertError(() -> a.check(signed("Nonce", "abc")), 4000, "(10360)parameter Nonce error type");
        a.check(signed("Nonce", "0")); // Java: 0 <= n < 2^31
        a.check(signed("Nonce", "18446744073709551615")); // UInt64 max
    }

    @Test
    void replayedRequestIsRefusedOnce() {
        RequestAuthenticator a = auth();
        CmqRequest r = signed();
        a.check(r);
        assertError(() -> a.check(r), 4500, "(4500)request replay attack: Nonce " + r.params().get("Nonce")
                + " was already used");
        // Same nonce and second, different request (so a different signature): not a replay.
        long n = nonce;
        CmqRequest other = signed("Nonce", r.params().get("Nonce"), "msgBody", "other");
        a.check(other);
        // After the window the replay is stale instead.
        nowMillis.addAndGet(301_000);
        assertError(() -> a.check(r), 4500, "(4500)request replay attack: Timestamp "
                + r.params().get("Timestamp") + " is more than 300 s away from the server time " + now());
        assertThat(n).isPositive();
    }

    @Test
    void nonceCacheIsBoundedAndPruned() {
        config.nonceCacheSize = 3;
        RequestAuthenticator a = auth();
        a.check(signed());
        a.check(signed());
        a.check(signed());
        assertError(() -> a.check(signed()), 4420, "(10250)qps throttling: more signed requests within the replay "
                + "window than this instance can remember");
        nowMillis.addAndGet(301_000); // the three entries leave the window
        a.check(signed());
    }

    @Test
    void noCredentialsMeansOff() {
        config = new TestAuthConfig();
        RequestAuthenticator a = auth();
        assertThat(a.enabled()).isFalse();
        a.check(new CmqRequest("POST", null, PATH, Map.of("Action", "ListQueue")));
        a.check(signed("AKIDnobody", "whatever", "POST", HOST, HOST, 0));
    }

    @Test
    void permissions() {
        config.permission("AKIDb", List.of("orders-*", "audit"), List.of("send"));
        RequestAuthenticator a = auth();
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "orders-eu"));
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "ORDERS-us"));
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "audit",
                "Action", "BatchSendMessage"));
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "payments")),
                4000, "(10461)no cam authentication: AKIDb may not use queue payments");
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "audit2")),
                4000, "(10461)no cam authentication: AKIDb may not use queue audit2");
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "orders-eu",
                "Action", "ReceiveMessage")), 4000,
                "(10461)no cam authentication: AKIDb may not use receive actions (ReceiveMessage)");
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "orders-eu",
                "Action", "deleteQUEUE")), 4000,
                "(10461)no cam authentication: AKIDb may not use manage actions (deleteQUEUE)");
        // Unrestricted keys may do anything.
        a.check(signed("queueName", "payments", "Action", "DeleteQueue"));
    }

    @Test
    void akidPrefixIsRequiredOnlyWhenConfigured() {
        config.credentials("AKIDa:keyA, AKIDb:keyB, plainkey:keyP");
        auth().check(signed("plainkey", "keyP", "POST", HOST, HOST, now()));
        config.requireAkid = true;
        RequestAuthenticator strict = auth();
        assertError(() -> strict.check(signed("plainkey", "keyP", "POST", HOST, HOST, now())), 4000,
                "(10450)secret id dosen't begin with AKID");
        strict.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now()));
    }

    @Test
    void everyParameterNamingAQueueIsChecked() {
        config.permission("AKIDb", List.of("orders-*"), List.of("manage"));
        RequestAuthenticator a = auth();
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", "orders-dlq",
                "Action", "RedriveDeadLetterQueue", "targetQueueName", "payments")), 4000,
                "(10461)no cam authentication: AKIDb may not use queue payments");
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "Action",
                "ListDeadLetterSourceQueues", "queueName", null, "deadLetterQueueName", "payments-dlq")), 4000,
                "(10461)no cam authentication: AKIDb may not use queue payments-dlq");
        CmqRequest list = signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "Action", "ListQueue", "queueName", null);
        a.check(list);
        assertThat(list.visibleQueues().test("orders-1")).isTrue();
        assertThat(list.visibleQueues().test("payments")).as("lists show only the key's queues").isFalse();
        assertThat(list.visibleTopics().test("anything")).as("no topic patterns: every topic").isTrue();
    }

    @Test
    void topicActionsAndQueueSubscriptions() {
        config.permission("AKIDb", List.of("orders-*"), List.of("send", "manage"));
        RequestAuthenticator a = auth();
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", null, "Action", "PublishMessage", "topicName", "t"));
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", null, "Action", "Subscribe", "topicName", "t",
                "protocol", "queue", "endpoint", "orders-eu"));
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", null, "Action", "Subscribe", "topicName", "t",
                "protocol", "http", "endpoint", "http://hooks/x"));
        // A queue subscription writes into its queue: the key must be allowed that queue.
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now(), "queueName", null, "Action", "subscribe",
                "topicName", "t", "protocol", "QUEUE", "endpoint", "payments")), 4000,
                "(10461)no cam authentication: AKIDb may not use queue payments");
        assertThat(ActionKind.of("PublishMessage")).isEqualTo(ActionKind.SEND);
        assertThat(ActionKind.of("batchpublishmessage")).isEqualTo(ActionKind.SEND);
        for (String manage : List.of("CreateTopic", "DeleteTopic", "ListTopic", "GetTopicAttributes",
                "SetTopicAttributes", "Subscribe", "Unsubscribe", "ListSubscriptionByTopic",
                "GetSubscriptionAttributes", "SetSubscriptionAttributes", "ClearSUbscriptionFIlterTags")) {
            assertThat(ActionKind.of(manage)).as(manage).isEqualTo(ActionKind.MANAGE);
        }
    }

    @Test
    void permissionPatterns() {
        assertThat(Permissions.glob("orders-*").matcher("orders-").matches()).isTrue();
        assertThat(Permissions.glob("orders-*").matcher("xorders-1").matches()).isFalse();
        assertThat(Permissions.glob("q?").matcher("q1").matches()).isTrue();
        assertThat(Permissions.glob("q?").matcher("q12").matches()).isFalse();
        assertThat(Permissions.glob("a.b").matcher("axb").matches()).isFalse();
        assertThat(Permissions.glob("*").matcher("anything").matches()).isTrue();
        assertThatThrownBy(() -> ActionKind.parse("admin")).hasMessageContaining("send, receive or manage");
        assertThat(ActionKind.parse(" Delete ")).isEqualTo(ActionKind.RECEIVE);
    }

    @Test
    void rateLimitPerKeyAndPerQueue() {
        limiter = new RateLimiter(0, 0, Map.of("AKIDb", 2), Map.of("Slow-Q", 3), nanos::get);
        RequestAuthenticator a = auth();
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now()));
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now()));
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now())), 4420,
                "(10250)qps throttling: SecretId AKIDb is limited to 2 requests/s");
        a.check(signed()); // AKIDa unlimited
        nanos.addAndGet(500_000_000L); // half a second: one more token
        a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now()));
        assertError(() -> a.check(signed("AKIDb", "keyB", "POST", HOST, HOST, now())), 4420,
                "(10250)qps throttling: SecretId AKIDb is limited to 2 requests/s");

        for (int i = 0; i < 3; i++) {
            a.check(signed("queueName", "slow-q"));
        }
        assertError(() -> a.check(signed("queueName", "SLOW-Q")), 4420,
                "(10250)qps throttling: queue SLOW-Q is limited to 3 requests/s");
        a.check(signed("queueName", "other"));
        nanos.addAndGet(1_000_000_000L);
        assertThatCode(() -> a.check(signed("queueName", "slow-q"))).doesNotThrowAnyException();
    }

    @Test
    void rateLimitDefaultsAndBoundedTables() {
        RateLimiter r = new RateLimiter(1, 1, Map.of(), Map.of(), nanos::get);
        assertThat(r.active()).isTrue();
        for (int i = 0; i < RateLimiter.MAX_BUCKETS + 10; i++) {
            r.check(null, "q" + i);
        }
        assertThat(r.buckets()).isLessThanOrEqualTo(RateLimiter.MAX_BUCKETS);
        nanos.addAndGet(2_000_000_000L);
        r.check(null, "fresh"); // idle buckets are dropped to make room
        assertThat(r.buckets()).isLessThan(10);
        assertThat(new RateLimiter(0, 0, Map.of(), Map.of(), nanos::get).active()).isFalse();
    }
}
