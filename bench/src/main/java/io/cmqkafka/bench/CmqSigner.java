package io.cmqkafka.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CMQ v2 request signature (cmq-api.md §1.4) and the form body the official Java SDK sends (§1.2).
 *
 * <p>String to sign = {@code METHOD + host + path + "?" + k=v&...}: every parameter but {@code Signature},
 * sorted by name in plain code-unit order, raw (not URL-encoded) values, {@code _} in names replaced by
 * {@code .}. Signature = Base64(HMAC-SHA1 or HMAC-SHA256 keyed with the SecretKey).
 */
public final class CmqSigner {

    public enum Method {
        HMAC_SHA1("HmacSHA1"), HMAC_SHA256("HmacSHA256");

        final String jca;

        Method(String jca) {
            this.jca = jca;
        }

        /** The value of the {@code SignatureMethod} parameter. */
        public String paramValue() {
            return jca;
        }
    }

    private final String secretKey;
    private final Method method;
    private final ThreadLocal<Mac> macs;

    public CmqSigner(String secretKey, Method method) {
        this.secretKey = secretKey;
        this.method = method;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(method.jca);
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), method.jca));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Method method() {
        return method;
    }

    /** The exact text that gets signed. */
    public static String stringToSign(String httpMethod, String host, String path, Map<String, String> params) {
        TreeMap<String, String> sorted = new TreeMap<>();
        params.forEach((k, v) -> {
            if (!"Signature".equals(k)) {
                sorted.put(k.replace('_', '.'), v);
            }
        });
        StringBuilder sb = new StringBuilder(256).append(httpMethod.toUpperCase()).append(host).append(path).append('?');
        boolean first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (!first) {
                sb.append('&');
            }
            first = false;
            sb.append(e.getKey()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    public String sign(String httpMethod, String host, String path, Map<String, String> params) {
        byte[] digest = macs.get().doFinal(stringToSign(httpMethod, host, path, params).getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(digest);
    }

    /**
     * The POST body as the Java SDK writes it: keys sorted, values {@code URLEncoder}-encoded (UTF-8).
     * {@code params} must already contain {@code Signature}.
     */
    public static String formBody(Map<String, String> params) {
        TreeMap<String, String> sorted = new TreeMap<>(params);
        int size = 0;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            size += e.getKey().length() + e.getValue().length() + 2;
        }
        StringBuilder sb = new StringBuilder(size + 64);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(e.getKey()).append('=').append(encode(e.getValue()));
        }
        return sb.toString();
    }

    /** URLEncoder, but skips the copy for the common all-safe value (bench bodies are alphanumeric). */
    static String encode(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '*' || c == '_';
            if (!safe) {
                return URLEncoder.encode(v, StandardCharsets.UTF_8);
            }
        }
        return v;
    }
}
