package io.cmqkafka.adapter.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CMQ v2 request signature (cmq-api.md §1.4), as every official SDK computes it:
 * {@code Base64(HMAC(SecretKey, METHOD + host + path + "?" + sorted name=value pairs))}, with every parameter
 * but {@code Signature}, names sorted by code unit, then {@code _} in names written as {@code .}, raw decoded
 * values. Pure functions; {@link RequestAuthenticator} decides which hosts and variants to try.
 */
public final class Signatures {

    public static final String SIGNATURE = "Signature";
    public static final String HMAC_SHA1 = "HmacSHA1";
    public static final String HMAC_SHA256 = "HmacSHA256";

    private Signatures() {
    }

    /** Docs: {@code HmacSHA256} selects SHA-256; absent or anything else means SHA-1. */
    public static String algorithm(String signatureMethod) {
        return HMAC_SHA256.equals(signatureMethod) ? HMAC_SHA256 : HMAC_SHA1;
    }

    /**
     * The string to sign.
     *
     * @param dropAtValues leave out parameters whose value starts with {@code @}, as the Python SDK does for POST
     */
    public static String stringToSign(String method, String host, String path, Map<String, String> params,
            boolean dropAtValues) {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getKey().equals(SIGNATURE) || dropAtValues && e.getValue().startsWith("@")) {
                continue;
            }
            sorted.put(e.getKey(), e.getValue());
        }
        StringBuilder b = new StringBuilder(method.length() + host.length() + path.length() + 256);
        b.append(method).append(host).append(path).append('?');
        boolean first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (!first) {
                b.append('&');
            }
            first = false;
            // Sorted by the name as sent, then '_' written as '.' (Java CMQClient.call, Python sign.py).
            b.append(e.getKey().replace('_', '.')).append('=').append(e.getValue());
        }
        return b.toString();
    }

    /** Base64 of the HMAC of {@code data} (UTF-8) under {@code key} (UTF-8 bytes of the SecretKey). */
    public static String sign(String algorithm, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    /** Constant-time comparison of two signatures (time depends only on the lengths). */
    public static boolean same(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Whether {@code signature} verifies for any of {@code hosts} × (all parameters, and for POST with an
     * {@code @}-value also without them). Every candidate is computed and compared, match or not, so the time
     * taken does not depend on which one matched.
     */
    public static boolean verify(String signature, byte[] key, String method, List<String> hosts, String path,
            Map<String, String> params, boolean allowPythonAtVariant) {
        String algorithm = algorithm(params.get("SignatureMethod"));
        boolean atVariant = allowPythonAtVariant && "POST".equals(method)
                && params.entrySet().stream().anyMatch(e -> !e.getKey().equals(SIGNATURE)
                        && e.getValue().startsWith("@"));
        List<String> candidates = new ArrayList<>();
        for (String host : hosts) {
            candidates.add(stringToSign(method, host, path, params, false));
            if (atVariant) {
                candidates.add(stringToSign(method, host, path, params, true));
            }
        }
        boolean ok = false;
        for (String candidate : candidates) {
            ok |= same(sign(algorithm, key, candidate), signature);
        }
        return ok;
    }
}
