package io.cmqkafka.adapter.it;

import static io.cmqkafka.adapter.it.AuthProfile.ADMIN_ID;
import static io.cmqkafka.adapter.it.AuthProfile.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.it.HostileHttp.Response;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signed requests byte by byte over a socket: Host header variants, the configured public host, the Python
 * SDK's unsorted body without Content-Type and its {@code @}-value rule, GET, replays, stale and future
 * timestamps, a queue's rate limit. Every answer is HTTP 200 with a CMQ envelope.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
class AuthRawHttpTest {

    @TestHTTPResource("/")
    URL url;

    HostileHttp http;
    String host;
    AuthSigner admin;

    @BeforeEach
    void setUp() {
        http = new HostileHttp(url.getPort());
        host = "127.0.0.1:" + url.getPort();
        admin = new AuthSigner(ADMIN_ID, ADMIN_KEY, host);
    }

    @AfterEach
    void tearDown() {
        http.close();
    }

    Response post(String hostHeader, String body) throws Exception {
        Response r = http.exchange(HostileHttp.post(hostHeader, body), 20_000);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.json()).as("CMQ JSON: %s", r).isNotNull();
        return r;
    }

    Response call(AuthSigner s, String action, String... kv) throws Exception {
        return post(host, s.form(action, kv));
    }

    static void ok(Response r) {
        assertThat(r.code()).as("%s", r).isZero();
    }

    static void error(Response r, int code, String message) {
        assertThat(r.code()).as("%s", r).isEqualTo(code);
        assertThat(r.message()).as("%s", r).isEqualTo(message);
    }

    String createQueue(String name) throws Exception {
        ok(call(admin, "CreateQueue", "queueName", name, "visibilityTimeout", "120"));
        return name;
    }

    /** Bodies of every message in the queue (receives with a long visibility timeout). */
    List<String> drain(String queue) throws Exception {
        List<String> bodies = new ArrayList<>();
        while (true) {
            Response r = call(admin, "BatchReceiveMessage", "queueName", queue, "numOfMsg", "16",
                    "pollingWaitSeconds", "2");
            if (r.code() == 7000) {
                return bodies;
            }
            ok(r);
            r.json().get("msgInfoList").forEach(m -> bodies.add(m.get("msgBody").asText()));
        }
    }

    @Test
    void unsignedAndMissingParts() throws Exception {
        error(post(host, "Action=ListQueue"), 4100, "(10270)secret id is not existed");
        error(post(host, "Action=ListQueue&SecretId=" + ADMIN_ID), 4100,
                "(10030)authentication failed: Signature is missing");
        Map<String, String> p = new TreeMap<>(admin.params("ListQueue"));
        p.put("Signature", "x".repeat(10_000));
        error(post(host, AuthSigner.encode(p)), 4100, "(10030)authentication failed: Signature does not match");
        // Parsing errors are answered before authentication (nothing to verify yet).
        error(post(host, "Action=ListQueue&SecretId=%zz"), 4000,
                "(10110)request parameters error: invalid percent-encoding in parameter SecretId");
    }

    @Test
    void hostVariantsAndPublicHost() throws Exception {
        // A client that wrote http://cmq.internal:80 signs "cmq.internal:80"; its library sends "Host: cmq.internal".
        AuthSigner port80 = new AuthSigner(ADMIN_ID, ADMIN_KEY, "cmq.internal:80");
        ok(post("cmq.internal", port80.form("ListQueue")));
        // Behind a proxy: signed for the public name, Host rewritten by the proxy.
        AuthSigner publicHost = new AuthSigner(ADMIN_ID, ADMIN_KEY, AuthProfile.PUBLIC_HOST);
        ok(post("10.1.2.3:8080", publicHost.form("ListQueue")));
        // HTTP/1.1 requires a Host header: a CMQ error, not Vert.x's bare 400.
        error(post(null, publicHost.form("ListQueue")), 4000,
                "(10110)request parameters error: the Host header is required");
        // Any other host: refused.
        AuthSigner other = new AuthSigner(ADMIN_ID, ADMIN_KEY, "cmq.attacker.example");
        error(post(host, other.form("ListQueue")), 4100, "(10030)authentication failed: Signature does not match");
        AuthSigner otherPort = new AuthSigner(ADMIN_ID, ADMIN_KEY, "127.0.0.1:1");
        error(post(host, otherPort.form("ListQueue")), 4100, "(10030)authentication failed: Signature does not match");
    }

    @Test
    void pythonSdkBodyAndAtValues() throws Exception {
        String q = createQueue("auth-py");
        // Unsorted dict order, no Content-Type, "@" value left out of the string to sign (Python sign.py).
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("queueName", q);
        p.put("msgBody", "@hello python");
        p.put("delaySeconds", "0");
        p.put("Action", "SendMessage");
        p.put("RequestClient", "SDK_Python_1.3");
        p.put("SecretId", ADMIN_ID);
        p.put("Nonce", "7012855433155433496");
        p.put("Timestamp", Long.toString(AuthSigner.now()));
        p.put("SignatureMethod", "HmacSHA256");
        p.put("Signature", io.cmqkafka.adapter.protocol.auth.Signatures.sign("HmacSHA256",
                ADMIN_KEY.getBytes(StandardCharsets.UTF_8), io.cmqkafka.adapter.protocol.auth.Signatures
                        .stringToSign("POST", host, "/v2/index.php", p, true)));
        StringBuilder body = new StringBuilder();
        p.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        Response r = http.exchange(HostileHttp.post(host, "/v2/index.php", null,
                body.toString().getBytes(StandardCharsets.UTF_8)), 10_000);
        ok(r);
        assertThat(drain(q)).containsExactly("@hello python");
        ok(call(admin, "DeleteQueue", "queueName", q));
    }

    @Test
    void getRequestsAreSignedAsGet() throws Exception {
        AuthSigner get = new AuthSigner(ADMIN_ID, ADMIN_KEY, host);
        get.method = "GET";
        Response r = http.exchange(HostileHttp.get(host, "/v2/index.php?" + get.form("ListQueue")), 10_000);
        ok(r);
        // A POST signature sent as GET: refused.
        r = http.exchange(HostileHttp.get(host, "/v2/index.php?" + admin.form("ListQueue")), 10_000);
        error(r, 4100, "(10030)authentication failed: Signature does not match");
    }

    @Test
    void replayedRequestsAreRefusedAndSendNothing() throws Exception {
        String q = createQueue("auth-replay");
        String send = admin.form("SendMessage", "queueName", q, "msgBody", "pay 100 to alice", "delaySeconds", "0");
        ok(post(host, send));
        for (int i = 0; i < 3; i++) {
            Response r = post(host, send);
            assertThat(r.code()).isEqualTo(4500);
            assertThat(r.message()).startsWith("(4500)request replay attack: Nonce ").endsWith(" was already used");
        }
        // Replayed on a fresh connection and with another Host variant the server accepts: still refused.
        http.close();
        assertThat(post(host, send).code()).isEqualTo(4500);
        assertThat(drain(q)).containsExactly("pay 100 to alice");
        ok(call(admin, "DeleteQueue", "queueName", q));
    }

    @Test
    void staleAndFutureTimestamps() throws Exception {
        long now = AuthSigner.now();
        ok(post(host, AuthSigner.encode(admin.params(now - 290, "ListQueue"))));
        ok(post(host, AuthSigner.encode(admin.params(now + 290, "ListQueue"))));
        for (long ts : new long[] {now - 310, now + 310, 0, now - 86_400}) {
            Response r = post(host, AuthSigner.encode(admin.params(ts, "ListQueue")));
            assertThat(r.code()).as("%d: %s", ts - now, r).isEqualTo(4500);
            assertThat(r.message()).startsWith("(4500)request replay attack: Timestamp " + ts + " is more than 300 s");
        }
    }

    @Test
    void queueRateLimit() throws Exception {
        String q = createQueue(AuthProfile.THROTTLED_QUEUE);
        Thread.sleep(1100); // a full bucket
        int ok = 0;
        int limited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 15; i++) {
            Response r = call(admin, "SendMessage", "queueName", q, "msgBody", "m" + i);
            if (r.code() == 0) {
                ok++;
            } else {
                error(r, 4420, "(10250)qps throttling: queue " + q + " is limited to 5 requests/s");
                limited++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(limited).isPositive();
        assertThat(ok).isBetween(5, 5 + (int) Math.ceil(seconds * 5));
        // Other queues are not affected.
        String other = createQueue("auth-not-throttled");
        for (int i = 0; i < 10; i++) {
            ok(call(admin, "GetQueueAttributes", "queueName", other));
        }
        Thread.sleep(1100);
        assertThat(drain(q)).hasSize(ok);
        ok(call(admin, "DeleteQueue", "queueName", other));
        Thread.sleep(1100);
        ok(call(admin, "DeleteQueue", "queueName", q));
    }
}
