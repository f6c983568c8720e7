package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.it.HostileHttp.Response;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated hostile requests against the running service with authentication on: mis-signed,
 * tampered, replayed, stale, unsigned, unpermitted, truncated, oversized, garbage bodies, signed requests with
 * out-of-range or malformed parameters, and malformed HTTP. Then: the service is healthy, no request got a
 * 5xx, a stack trace or CMQ's internal error 6000, no mis-signed request succeeded, and every message sent to
 * the protected queue before and during the fuzzing is still there exactly as sent (id and body), and
 * nothing else is. Seed and count: {@code -Dfuzz.seed=...}, {@code -Dfuzz.requests=...}; figures are printed.
 */
@QuarkusTest
@TestProfile(AuthProfile.class)
@Tag("slow")
class FuzzServiceTest {

    static final String PROTECTED = "fuzz-protected";
    static final String TARGET = "fuzz-target";
    static final String[] ACTIONS = {"SendMessage", "BatchSendMessage", "ReceiveMessage", "BatchReceiveMessage",
        "DeleteMessage", "BatchDeleteMessage", "CreateQueue", "DeleteQueue", "ListQueue", "GetQueueAttributes",
        "SetQueueAttributes", "sendmessage", "NoSuchAction", "CreateTopic", ""};
    static final String[] PARAMS = {"queueName", "msgBody", "delaySeconds", "pollingWaitSeconds",
        "visibilityTimeout", "numOfMsg", "receiptHandle", "maxMsgSize", "msgRetentionSeconds", "rewindSeconds",
        "maxMsgHeapNum", "limit", "offset", "searchWord", "msgBody.1", "msgBody.0", "msgBody.17", "receiptHandle.1",
        "clientRequestId", "UserpollingWaitSeconds", "Token", "unknownParam", "a_b"};
    static final String[] VALUES = {"", "0", "1", "-1", "16", "17", "30", "31", "3600", "3601", "43200", "43201",
        "1024", "1048576", "1048577", "99999999999999999999", "+5", "1.5", "0x10", "abc", " 7", "１", "null",
        "fuzz-target", "Fuzz-Target", "1bad", "q".repeat(65), "x", "@file", "é\u0000\u001f", "1_0_0_0_0_1",
        "1_zz_0_0_0_1", "%", "&", "=", "\uD83D\uDE00"};

    @TestHTTPResource("/")
    URL url;

    final Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
    final List<String> problems = new ArrayList<>();
    Random rnd;
    String host;
    AuthSigner admin;
    AuthSigner fuzzKey;
    HostileHttp conn;
    /** msgId → body of every message sent to the protected queue. */
    final Map<String, String> expected = new LinkedHashMap<>();
    /** Accepted requests, byte for byte, to replay. */
    final List<byte[]> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    final java.util.concurrent.ExecutorService sideBySide = java.util.concurrent.Executors.newFixedThreadPool(32);
    final List<java.util.concurrent.Future<?>> pending = new ArrayList<>();

    record Case(String category, byte[] bytes, boolean mustFail, boolean wellFormedHttp) {
    }

    @Test
    void fuzz() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int requests = Integer.getInteger("fuzz.requests", 3000);
        System.out.printf("FUZZ seed %d (rerun with -Dfuzz.seed=%d), %d requests%n", seed, seed, requests);
        rnd = new Random(seed);
        host = "127.0.0.1:" + url.getPort();
        admin = new AuthSigner(AuthProfile.ADMIN_ID, AuthProfile.ADMIN_KEY, host);
        fuzzKey = new AuthSigner(AuthProfile.FUZZ_ID, AuthProfile.FUZZ_KEY, host);
        conn = new HostileHttp(url.getPort());

        cmqOk(admin.form("CreateQueue", "queueName", PROTECTED, "visibilityTimeout", "600"));
        cmqOk(admin.form("CreateQueue", "queueName", TARGET, "visibilityTimeout", "1"));
        for (int i = 0; i < 40; i++) {
            sendProtected();
        }

        List<Supplier<Case>> generators = List.of(
                this::wrongKey, this::tampered, this::flippedSignature, this::replay, this::stale, this::wrongHost,
                this::unsigned, this::unpermitted, this::signedHostileParams, this::signedHostileParams,
                this::signedHostileParams, this::garbageBody, this::truncated, this::malformedHttp,
                this::otherMethod, this::tooManyParams);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < requests; i++) {
                if (i % 50 == 0) {
                    sendProtected();
                }
                Case c = rnd.nextInt(400) == 0 ? oversized() : generators.get(rnd.nextInt(generators.size())).get();
                run(c);
            }
            for (java.util.concurrent.Future<?> f : pending) {
                f.get();
            }
        } finally {
            sideBySide.shutdownNow();
            if (!problems.isEmpty()) {
                print(requests, (System.nanoTime() - start) / 1e9, -1);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        conn.close();

        // The service is healthy and still serves.
        try (HostileHttp h = new HostileHttp(url.getPort())) {
            Response health = h.exchange(HostileHttp.get(host, "/q/health/ready"), 10_000);
            assertThat(health.status()).as("%s", health).isEqualTo(200);
            assertThat(health.text()).contains("UP");
        }
        // Every protected message is there exactly as sent, and nothing else.
        Map<String, String> found = drain(PROTECTED);
        print(requests, seconds, found.size());
        assertThat(problems).as("problems").isEmpty();
        assertThat(found).as("messages in the protected queue").isEqualTo(expected);
        assertThat(outcomes.values().stream().flatMap(m -> m.keySet().stream()))
                .noneMatch(o -> o.startsWith("http 5"));
    }

    // ------------------------------------------------------------------------------------ running

    void run(Case c) throws Exception {
        if (c.wellFormedHttp()) {
            record(c, conn.exchange(c.bytes(), 20_000));
        } else { // each on its own connection; many wait for the idle timeout, so they run side by side
            pending.add(sideBySide.submit(() -> {
                record(c, fresh(c));
                return null;
            }));
        }
    }

    Response fresh(Case c) {
        try (HostileHttp fresh = new HostileHttp(url.getPort())) {
            fresh.write(c.bytes());
            return fresh.read(20_000);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } catch (java.io.IOException refusedWrite) {
            return Response.CLOSED;
        }
    }

    synchronized void record(Case c, Response r) {
        String outcome;
        if (r == null) {
            outcome = "no answer in 20 s";
            problems.add(c.category() + ": no answer in 20 s");
        } else if (r.status() < 0) {
            outcome = "closed";
        } else if (r.status() == 200 && r.json() != null) {
            outcome = "cmq " + r.code();
        } else {
            outcome = "http " + r.status();
        }
        outcomes.computeIfAbsent(c.category(), k -> new TreeMap<>()).merge(outcome, 1, Integer::sum);
        if (r == null) {
            return;
        }
        if (r.status() >= 500) {
            problems.add(c.category() + ": HTTP " + r.status() + " " + r);
        }
        if (r.text().contains("Exception") || r.text().contains("\tat ") || r.text().contains("\"stack\"")) {
            problems.add(c.category() + ": stack trace " + r);
        }
        if (c.wellFormedHttp()) {
            if (r.status() != 200 || !envelope(r.json())) {
                problems.add(c.category() + ": not a CMQ envelope: " + r + " for " + preview(c.bytes()));
            } else if (r.code() == 6000) {
                problems.add(c.category() + ": internal error for " + preview(c.bytes()));
            }
        }
        if (c.mustFail() && r.status() == 200 && r.code() == 0) {
            problems.add(c.category() + ": accepted " + preview(c.bytes()));
        }
        if (!c.mustFail() && r.code() == 0) {
            accepted.add(c.bytes());
        }
    }

    static boolean envelope(JsonNode j) {
        return j != null && j.has("code") && j.get("code").isInt() && j.has("message") && j.get("message").isTextual()
                && j.has("requestId") && j.get("requestId").isTextual() && !j.get("requestId").asText().isEmpty();
    }

    static String preview(byte[] b) {
        String s = new String(b, 0, Math.min(b.length, 400), StandardCharsets.ISO_8859_1);
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    Response cmqOk(String form) throws Exception {
        Response r = conn.exchange(HostileHttp.post(host, form), 20_000);
        assertThat(r.code()).as("%s", r).isZero();
        return r;
    }

    void sendProtected() throws Exception {
        if (rnd.nextInt(4) == 0) {
            int n = 1 + rnd.nextInt(16);
            String[] kv = new String[2 * n + 4];
            kv[0] = "queueName";
            kv[1] = PROTECTED;
            kv[2] = "delaySeconds";
            kv[3] = "0";
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                bodies.add(body());
                kv[4 + 2 * i] = "msgBody." + (i + 1);
                kv[5 + 2 * i] = bodies.get(i);
            }
            String form = admin.form("BatchSendMessage", kv);
            JsonNode list = cmqOk(form).json().get("msgList");
            for (int i = 0; i < n; i++) {
                expected.put(list.get(i).get("msgId").asText(), bodies.get(i));
            }
            accepted.add(HostileHttp.post(host, form));
        } else {
            String b = body();
            String form = admin.form("SendMessage", "queueName", PROTECTED, "msgBody", b, "delaySeconds", "0");
            expected.put(cmqOk(form).json().get("msgId").asText(), b);
            accepted.add(HostileHttp.post(host, form));
        }
    }

    String body() {
        String[] parts = {"pay ", "100", " to ", "alice", "&", "=", "+", "%20", "@", "wörld", "\uD83D\uDE00", "\n",
            "\"", "\\", "<x>", " ", "ü", "\t"};
        StringBuilder b = new StringBuilder("m" + expected.size() + ":");
        int n = rnd.nextInt(30);
        for (int i = 0; i < n; i++) {
            b.append(parts[rnd.nextInt(parts.length)]);
        }
        if (rnd.nextInt(20) == 0) {
            b.append("x".repeat(rnd.nextInt(60_000)));
        }
        return b.toString();
    }

    Map<String, String> drain(String queue) throws Exception {
        Map<String, String> got = new LinkedHashMap<>();
        try (HostileHttp h = new HostileHttp(url.getPort())) {
            while (true) {
                Response r = h.exchange(HostileHttp.post(host, admin.form("BatchReceiveMessage", "queueName", queue,
                        "numOfMsg", "16", "pollingWaitSeconds", "2")), 20_000);
                if (r.code() == 7000) {
                    return got;
                }
                assertThat(r.code()).as("%s", r).isZero();
                for (JsonNode m : r.json().get("msgInfoList")) {
                    String previous = got.put(m.get("msgId").asText(), m.get("msgBody").asText());
                    assertThat(previous).as("message %s delivered twice", m.get("msgId")).isNull();
                }
            }
        }
    }

    synchronized void print(int requests, double seconds, int messages) {
        Map<String, Integer> total = new TreeMap<>();
        StringBuilder b = new StringBuilder();
        b.append(String.format("FUZZ %d requests in %.1f s; protected queue: %d messages sent, %d found%n", requests,
                seconds, expected.size(), messages));
        outcomes.forEach((category, byOutcome) -> {
            int n = byOutcome.values().stream().mapToInt(Integer::intValue).sum();
            b.append(String.format("FUZZ   %-22s %5d  %s%n", category, n, byOutcome));
            byOutcome.forEach((o, k) -> total.merge(o, k, Integer::sum));
        });
        b.append(String.format("FUZZ   %-22s %5d  %s%n", "all", total.values().stream().mapToInt(Integer::intValue)
                .sum(), total));
        b.append("FUZZ problems: ").append(problems.size()).append('\n');
        problems.stream().limit(20).forEach(p -> b.append("FUZZ   ").append(p).append('\n'));
        System.out.print(b);
    }

    // --------------------------------------------------------------------------------- generators

    <T> T pick(T[] a) {
        return a[rnd.nextInt(a.length)];
    }

    /** A request that would change or consume the protected queue if it were accepted. */
    String[] protectedCall() {
        return switch (rnd.nextInt(6)) {
            case 0 -> new String[] {"SendMessage", "queueName", PROTECTED, "msgBody", "forged", "delaySeconds", "0"};
            case 1 -> new String[] {"ReceiveMessage", "queueName", PROTECTED, "pollingWaitSeconds", "0"};
            case 2 -> new String[] {"BatchReceiveMessage", "queueName", PROTECTED, "numOfMsg", "16"};
            case 3 -> new String[] {"DeleteQueue", "queueName", PROTECTED};
            case 4 -> new String[] {"SetQueueAttributes", "queueName", PROTECTED, "msgRetentionSeconds", "60"};
            default -> new String[] {"BatchSendMessage", "queueName", PROTECTED, "msgBody.1", "forged"};
        };
    }

    static String[] tail(String[] call) {
        String[] kv = new String[call.length - 1];
        System.arraycopy(call, 1, kv, 0, kv.length);
        return kv;
    }

    Case post(String category, String form, boolean mustFail) {
        return new Case(category, HostileHttp.post(host, form), mustFail, true);
    }

    Case wrongKey() {
        String[] c = protectedCall();
        // Another key's secret, a near miss, an empty one; or an unknown SecretId.
        String[][] pairs = {{AuthProfile.ADMIN_ID, AuthProfile.FUZZ_KEY}, {AuthProfile.FUZZ_ID, AuthProfile.ADMIN_KEY},
            {AuthProfile.ADMIN_ID, AuthProfile.ADMIN_KEY + "x"}, {AuthProfile.ADMIN_ID, "k"},
            {AuthProfile.ADMIN_ID, AuthProfile.ADMIN_KEY.substring(1)}, {"AKIDnobody", AuthProfile.ADMIN_KEY}};
        String[] pair = pick(pairs);
        AuthSigner s = new AuthSigner(pair[0], pair[1], host);
        s.signatureMethod = rnd.nextBoolean() ? "HmacSHA1" : "HmacSHA256";
        return post("wrong-key", s.form(c[0], tail(c)), true);
    }

    Case tampered() {
        String[] c = protectedCall();
        Map<String, String> p = new TreeMap<>(admin.params(c[0], tail(c)));
        switch (rnd.nextInt(4)) {
            case 0 -> p.put("queueName", PROTECTED.toUpperCase());
            case 1 -> p.put("extra", "1");
            case 2 -> p.remove(pick(new String[] {"Nonce", "Timestamp", "SignatureMethod", "RequestClient"}));
            default -> p.put("Action", c[0].equals("DeleteQueue") ? "GetQueueAttributes" : "DeleteQueue");
        }
        return post("tampered", AuthSigner.encode(p), true);
    }

    Case flippedSignature() {
        String[] c = protectedCall();
        Map<String, String> p = new TreeMap<>(admin.params(c[0], tail(c)));
        char[] sig = p.get("Signature").toCharArray();
        int i = rnd.nextInt(sig.length);
        sig[i] = sig[i] == 'A' ? 'B' : 'A';
        p.put("Signature", rnd.nextInt(5) == 0 ? new String(sig, 0, sig.length - 1) : new String(sig));
        return post("flipped-signature", AuthSigner.encode(p), true);
    }

    Case replay() {
        byte[] original;
        synchronized (accepted) {
            original = accepted.get(rnd.nextInt(accepted.size()));
        }
        return new Case("replay", original, true, true);
    }

    Case stale() {
        String[] c = protectedCall();
        long skew = (301 + rnd.nextInt(100_000)) * (rnd.nextBoolean() ? 1L : -1L);
        return post("stale", AuthSigner.encode(new TreeMap<>(admin.params(AuthSigner.now() + skew, c[0], tail(c)))),
                true);
    }

    Case wrongHost() {
        String[] c = protectedCall();
        AuthSigner s = new AuthSigner(AuthProfile.ADMIN_ID, AuthProfile.ADMIN_KEY,
                pick(new String[] {"127.0.0.1", "127.0.0.1:1", "localhost:" + url.getPort(), "evil.example",
                    host + "/", ""}));
        return post("wrong-host", s.form(c[0], tail(c)), true);
    }

    Case unsigned() {
        String[] c = protectedCall();
        StringBuilder b = new StringBuilder("Action=").append(c[0]);
        for (int i = 1; i < c.length; i += 2) {
            b.append('&').append(c[i]).append('=').append(c[i + 1]);
        }
        if (rnd.nextBoolean()) {
            b.append("&SecretId=").append(AuthProfile.ADMIN_ID);
        }
        return post("unsigned", b.toString(), true);
    }

    Case unpermitted() {
        String[] c = protectedCall();
        AuthSigner s = new AuthSigner(AuthProfile.SEND_ONLY_ID, AuthProfile.SEND_ONLY_KEY, host);
        return post("no-permission", s.form(c[0], tail(c)), true);
    }

    /** Correctly signed by the fuzz key, hostile parameters, never naming the protected queue. */
    Case signedHostileParams() {
        String action = pick(ACTIONS);
        Map<String, String> kv = new HashMap<>();
        if (rnd.nextInt(5) > 0) {
            kv.put("queueName", rnd.nextInt(3) == 0 ? pick(VALUES) : TARGET);
        }
        int n = rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            kv.put(pick(PARAMS), pick(VALUES));
        }
        if (rnd.nextInt(8) == 0) {
            int items = rnd.nextBoolean() ? 17 : 1 + rnd.nextInt(16);
            String name = rnd.nextBoolean() ? "msgBody" : "receiptHandle";
            int gap = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(items) : -1;
            for (int i = 1; i <= items; i++) {
                kv.put(name + "." + (i == gap ? i + 5 : i), pick(VALUES));
            }
        }
        if (PROTECTED.equalsIgnoreCase(kv.get("queueName"))) {
            kv.put("queueName", TARGET);
        }
        // Long polls would only slow the fuzzing down.
        kv.computeIfPresent("pollingWaitSeconds", (k, v) -> v.equals("30") || v.equals("16") ? "0" : v);
        if (action.toLowerCase().contains("receive") && !kv.containsKey("pollingWaitSeconds")) {
            kv.put("pollingWaitSeconds", "0");
        }
        List<String> flat = new ArrayList<>();
        kv.forEach((k, v) -> {
            flat.add(k);
            flat.add(v);
        });
        String form = fuzzKey.form(action, flat.toArray(new String[0]));
        return post("signed-hostile-params", form, false);
    }

    Case garbageBody() {
        byte[] b = new byte[rnd.nextInt(rnd.nextBoolean() ? 64 : 4000)];
        if (rnd.nextBoolean()) {
            rnd.nextBytes(b);
        } else {
            String alphabet = "Action=SendMessage&queueName" + PROTECTED + "%+=&.0123456789msgBody";
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) alphabet.charAt(rnd.nextInt(alphabet.length()));
            }
        }
        return new Case("garbage-body", HostileHttp.post(host, "/v2/index.php",
                rnd.nextBoolean() ? null : pick(new String[] {"*/*;charset=utf-8", "application/json",
                    "text/plain; charset=latin1", "multipart/form-data; boundary=x"}), b), true, true);
    }

    Case truncated() {
        String[] c = protectedCall();
        byte[] full = admin.form(c[0], tail(c)).getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(full, rnd.nextInt(full.length));
        return new Case("truncated", HostileHttp.post(host, "/v2/index.php", "*/*;charset=utf-8", cut), true, true);
    }

    Case oversized() {
        int size = (1 << 20) + 1 + rnd.nextInt(200_000);
        ByteArrayOutputStream b = new ByteArrayOutputStream(size);
        byte[] head = admin.form("SendMessage", "queueName", PROTECTED, "msgBody", "x").getBytes(StandardCharsets.UTF_8);
        b.write(head, 0, head.length);
        byte[] pad = "&pad=".getBytes(StandardCharsets.UTF_8);
        b.write(pad, 0, pad.length);
        while (b.size() < size) {
            b.write('a');
        }
        return new Case("oversized", HostileHttp.post(host, "/v2/index.php", null, b.toByteArray()), true, true);
    }

    Case tooManyParams() {
        StringBuilder b = new StringBuilder(admin.form("SendMessage", "queueName", PROTECTED, "msgBody", "x"));
        int n = 1000 + rnd.nextInt(5000);
        for (int i = 0; i < n; i++) {
            b.append("&p").append(i).append('=');
        }
        return post("too-many-params", b.toString(), true);
    }

    Case otherMethod() {
        String m = pick(new String[] {"PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"});
        String form = admin.form("DeleteQueue", "queueName", PROTECTED);
        byte[] bytes = (m + " /v2/index.php?" + form + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: "
                + form.length() + "\r\n\r\n" + form).getBytes(StandardCharsets.UTF_8);
        return new Case("other-method", bytes, true, false);
    }

    Case malformedHttp() {
        if (rnd.nextInt(20) == 0) { // a valid, signed, chunked request (no SDK sends one, but it is HTTP/1.1)
            String read = admin.form("GetQueueAttributes", "queueName", PROTECTED);
            return new Case("chunked-valid", ("POST /v2/index.php HTTP/1.1\r\nHost: " + host
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(read.length()) + "\r\n" + read
                    + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8), false, false);
        }
        String form = admin.form("DeleteQueue", "queueName", PROTECTED);
        String[] heads = {
            "GET\r\n\r\n",
            "\r\n\r\n",
            "POST /v2/index.php HTTP/9.9\r\nHost: h\r\nContent-Length: 5\r\n\r\nAction",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                    + Integer.toHexString(form.length()) + "\r\n" + form + "\r\n0\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nNoColonHeader\r\nContent-Length: 0\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nX-Big: " + "b".repeat(30_000) + "\r\nContent-Length: 0\r\n\r\n",
            "GET /v2/index.php?" + "a".repeat(1_200_000) + " HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /../../etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /q/../v2/index.php?" + form + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n",
            "GET /%zz?%zz HTTP/1.1\r\nHost: h\r\n\r\n",
            "GET /v2/index.php?Action=ListQueue HTTP/1.1\r\nHost: h\r\nHost: g\r\n\r\n",
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: "
                    + form.length() + "\r\n\r\n" + form,
            "POST /v2/index.php HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\u001f\u008b\u0008\u0000",
            "POST /v2/index.php HTTP/1.0\r\nContent-Length: " + form.length() + "\r\n\r\n" + form,
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
            "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
        };
        return new Case("malformed-http", pick(heads).getBytes(StandardCharsets.ISO_8859_1), true, false);
    }
}
