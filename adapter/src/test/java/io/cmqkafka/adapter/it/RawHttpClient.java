package io.cmqkafka.adapter.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte-exact CMQ client for the raw-HTTP tests: it sends exactly the bytes and headers it is given
 * (java.net.http adds no Content-Type of its own) and checks the envelope invariants of every reply
 * (cmq-api.md §1.5): HTTP 200, JSON content type, a JSON object with integer {@code code}, string
 * {@code message} and non-empty string {@code requestId}.
 */
final class RawHttpClient {

    /** What okhttp 3.7.0 sends for the Java SDK 1.0.7 (cmq-api.md §1.2). */
    static final String JAVA_CONTENT_TYPE = "*/*;charset=utf-8";
    static final String PATH = "/v2/index.php";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong NONCE = new AtomicLong(488_965_522L);

    private final String base;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    RawHttpClient(URL url) {
        String s = url.toString();
        this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** One reply; {@code json} is null only when the body was not JSON (the constructor's checks fail then). */
    record Reply(int status, String contentType, String raw, JsonNode json, long millis) {

        int code() {
            return json.get("code").intValue();
        }

        String message() {
            return json.get("message").textValue();
        }

        String requestId() {
            return json.get("requestId").textValue();
        }

        /** A field that must be a JSON string. */
        String text(String field) {
            JsonNode n = json.get(field);
            assertThat(n).as("field %s in %s", field, raw).isNotNull();
            assertThat(n.isTextual()).as("field %s is a JSON string in %s", field, raw).isTrue();
            return n.textValue();
        }

        /** A field that must be a JSON integer that fits Java's int (the SDK reads it with getInt). */
        int integer(String field) {
            JsonNode n = json.get(field);
            assertThat(n).as("field %s in %s", field, raw).isNotNull();
            assertThat(n.isIntegralNumber() && n.canConvertToInt())
                    .as("field %s is a JSON int in %s", field, raw).isTrue();
            return n.intValue();
        }

        /** A field that must be a JSON array. */
        JsonNode array(String field) {
            JsonNode n = json.get(field);
            assertThat(n).as("field %s in %s", field, raw).isNotNull();
            assertThat(n.isArray()).as("field %s is a JSON array in %s", field, raw).isTrue();
            return n;
        }

        /** Asserts code 0 and message "". */
        Reply ok() {
            assertThat(code()).as("code of %s", raw).isZero();
            assertThat(message()).as("message of %s", raw).isEmpty();
            return this;
        }

        /** Asserts the exact error code and message. */
        Reply error(int code, String message) {
            assertThat(code()).as("code of %s", raw).isEqualTo(code);
            assertThat(message()).as("message of %s", raw).isEqualTo(message);
            return this;
        }

        /** Asserts the error code and the "(module)" prefix of the message. */
        Reply errorModule(int code, int module) {
            assertThat(code()).as("code of %s", raw).isEqualTo(code);
            assertThat(message()).as("message of %s", raw).startsWith("(" + module + ")");
            return this;
        }
    }

    // ------------------------------------------------------------------------------------ sending

    /** Any method, path (with query) and Content-Type (null: no header), exact body bytes. */
    Reply send(String method, String pathAndQuery, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        long start = System.nanoTime();
        HttpResponse<String> resp;
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new AssertionError(method + " " + pathAndQuery + " failed: " + e, e);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String ct = resp.headers().firstValue("Content-Type").orElse(null);
        JsonNode json = null;
        try {
            json = JSON.readTree(resp.body());
        } catch (Exception notJson) {
            // asserted below
        }
        Reply r = new Reply(resp.statusCode(), ct, resp.body(), json, millis);
        checkEnvelope(r);
        return r;
    }

    static void checkEnvelope(Reply r) {
        assertThat(r.status()).as("HTTP status of %s", r.raw()).isEqualTo(200);
        assertThat(r.contentType()).as("Content-Type of %s", r.raw()).isNotNull();
        assertThat(r.contentType().toLowerCase()).startsWith("application/json");
        assertThat(r.json()).as("JSON body: %s", r.raw()).isNotNull();
        assertThat(r.json().isObject()).as("JSON object: %s", r.raw()).isTrue();
        assertThat(r.json().get("code")).as("code in %s", r.raw()).isNotNull();
        assertThat(r.json().get("code").isInt()).as("code is a JSON integer in %s", r.raw()).isTrue();
        assertThat(r.json().get("message")).as("message in %s", r.raw()).isNotNull();
        assertThat(r.json().get("message").isTextual()).as("message is a JSON string in %s", r.raw()).isTrue();
        assertThat(r.json().get("requestId")).as("requestId in %s", r.raw()).isNotNull();
        assertThat(r.json().get("requestId").isTextual()).as("requestId is a JSON string in %s", r.raw()).isTrue();
        assertThat(r.json().get("requestId").textValue()).isNotEmpty();
    }

    /** POST {@code body} as is to /v2/index.php with the Java SDK's Content-Type. */
    Reply post(String body) {
        return send("POST", PATH, JAVA_CONTENT_TYPE, body.getBytes(StandardCharsets.UTF_8));
    }

    /** POST {@code body} as is, no Content-Type header (Python SDK). */
    Reply postNoContentType(String body) {
        return send("POST", PATH, null, body.getBytes(StandardCharsets.UTF_8));
    }

    /** GET /v2/index.php?query. */
    Reply get(String query) {
        return send("GET", PATH + "?" + query, null, null);
    }

    /**
     * What the Java SDK would send for {@code action} with {@code namesAndValues}: common parameters
     * added, keys sorted, values URL-encoded with {@link URLEncoder}.
     */
    Reply call(String action, String... namesAndValues) {
        return post(javaForm(action, namesAndValues));
    }

    static String javaForm(String action, String... namesAndValues) {
        Map<String, String> p = new TreeMap<>();
        p.put("Action", action);
        p.put("Nonce", Long.toString(NONCE.incrementAndGet()));
        p.put("RequestClient", "SDK_JAVA_1.3");
        p.put("SecretId", "AKIDtest");
        p.put("Signature", "qyHsrVdcmlMaeA2s2eHf0l48VKg=");
        p.put("SignatureMethod", "HmacSHA1");
        p.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
        for (int i = 0; i < namesAndValues.length; i += 2) {
            p.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        List<String> pairs = new ArrayList<>();
        p.forEach((k, v) -> pairs.add(k + "=" + enc(v)));
        return String.join("&", pairs);
    }

    /** Pairs in the given order, values URL-encoded, nothing added. */
    static String form(String... namesAndValues) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            pairs.add(namesAndValues[i] + "=" + enc(namesAndValues[i + 1]));
        }
        return String.join("&", pairs);
    }

    static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------ conveniences

    /** A queue name unique to this JVM run, within the name rules. */
    static String queueName(String prefix) {
        return prefix + "-" + Long.toString(System.nanoTime(), 36);
    }

    /** CreateQueue; asserts success; returns the queue name. */
    String createQueue(String name, String... settings) {
        String[] kv = new String[settings.length + 2];
        kv[0] = "queueName";
        kv[1] = name;
        System.arraycopy(settings, 0, kv, 2, settings.length);
        call("CreateQueue", kv).ok();
        return name;
    }

    /** SendMessage; asserts success; returns the msgId. */
    String sendMessage(String queue, String body) {
        return call("SendMessage", "queueName", queue, "msgBody", body, "delaySeconds", "0").ok().text("msgId");
    }

    /** ReceiveMessage with a long poll that absorbs the fetch lag; asserts success. */
    Reply receive(String queue, String... extra) {
        String[] kv = new String[extra.length + 4];
        kv[0] = "queueName";
        kv[1] = queue;
        kv[2] = "pollingWaitSeconds";
        kv[3] = "10";
        System.arraycopy(extra, 0, kv, 4, extra.length);
        return call("ReceiveMessage", kv).ok();
    }
}
