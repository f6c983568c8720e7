package io.cmqkafka.adapter.it;

import io.cmqkafka.adapter.protocol.auth.Signatures;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Builds signed CMQ forms the way the SDKs do, for raw-socket tests. */
final class AuthSigner {

    static final String PATH = "/v2/index.php";
    private static final AtomicLong NONCE = new AtomicLong(System.nanoTime() & 0x3fff_ffffL);

    final String id;
    final String key;
    String method = "POST";
    String signHost;
    String signatureMethod = "HmacSHA1";

    AuthSigner(String id, String key, String signHost) {
        this.id = id;
        this.key = key;
        this.signHost = signHost;
    }

    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    /** All parameters with a fresh Nonce and the current Timestamp, Signature included; insertion order. */
    Map<String, String> params(String action, String... kv) {
        return params(now(), action, kv);
    }

    Map<String, String> params(long timestamp, String action, String... kv) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", action);
        p.put("Nonce", Long.toString(NONCE.incrementAndGet()));
        p.put("RequestClient", "SDK_JAVA_1.3");
        p.put("SecretId", id);
        p.put("SignatureMethod", signatureMethod);
        p.put("Timestamp", Long.toString(timestamp));
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        p.put("Signature", sign(p));
        return p;
    }

    String sign(Map<String, String> p) {
        return Signatures.sign(Signatures.algorithm(p.get("SignatureMethod")),
                key.getBytes(StandardCharsets.UTF_8), Signatures.stringToSign(method, signHost, PATH, p, false));
    }

    /** Java SDK body: keys sorted, values URL-encoded. */
    String form(String action, String... kv) {
        return encode(new TreeMap<>(params(action, kv)));
    }

    static String encode(Map<String, String> p) {
        List<String> pairs = new ArrayList<>();
        p.forEach((k, v) -> pairs.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }
}
