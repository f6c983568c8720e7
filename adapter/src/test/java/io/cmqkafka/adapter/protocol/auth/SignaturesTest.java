package io.cmqkafka.adapter.protocol.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The v2 signature against the documented vector and the SDK quirks of cmq-api.md §1.4. */
class SignaturesTest {

    static final String DOC_ID = "AKIDPcYDclDJCn8D0Xypa4f3pKYUCVYLn3zT";
    static final byte[] DOC_KEY = "pPgfLipfEXZ7VcRzhAMIyPaU7UbQyFFx".getBytes(UTF_8);
    static final String DOC_HOST = "cmq-queue-gz.api.tencentyun.com";
    static final String DOC_STRING = "POSTcmq-queue-gz.api.tencentyun.com/v2/index.php?Action=SendMessage"
            + "&Nonce=2889712707386595659&RequestClient=SDK_Python_1.3&SecretId=AKIDPcYDclDJCn8D0Xypa4f3pKYUCVYLn3zT"
            + "&SignatureMethod=HmacSHA1&Timestamp=1534154812&clientRequestId=1231231231&delaySeconds=0"
            + "&msgBody=msg&queueName=test1";

    /** The documented request, parameters in an unsorted (Python dict) order. */
    static Map<String, String> docParams(String method) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("queueName", "test1");
        p.put("msgBody", "msg");
        p.put("delaySeconds", "0");
        p.put("clientRequestId", "1231231231");
        p.put("Action", "SendMessage");
        p.put("SignatureMethod", method);
        p.put("Timestamp", "1534154812");
        p.put("Nonce", "2889712707386595659");
        p.put("RequestClient", "SDK_Python_1.3");
        p.put("SecretId", DOC_ID);
        return p;
    }

    @Test
    void documentedStringToSign() {
        assertThat(Signatures.stringToSign("POST", DOC_HOST, "/v2/index.php", docParams("HmacSHA1"), false))
                .isEqualTo(DOC_STRING);
    }

    @Test
    void documentedHmacSha1Vector() {
        assertThat(Signatures.sign("HmacSHA1", DOC_KEY, DOC_STRING)).isEqualTo("C16WEtEXsD5v5tnaUMLAbZewXhI=");
        Map<String, String> p = docParams("HmacSHA1");
        p.put("Signature", "C16WEtEXsD5v5tnaUMLAbZewXhI=");
        assertThat(Signatures.verify("C16WEtEXsD5v5tnaUMLAbZewXhI=", DOC_KEY, "POST", List.of(DOC_HOST),
                "/v2/index.php", p, true)).isTrue();
        // The doc's PHP snippet keys the HMAC with the SecretId by mistake: that must not verify.
        assertThat(Signatures.verify("C16WEtEXsD5v5tnaUMLAbZewXhI=", DOC_ID.getBytes(UTF_8), "POST",
                List.of(DOC_HOST), "/v2/index.php", p, true)).isFalse();
    }

    @Test
    void hmacSha256Vector() {
        String s = DOC_STRING.replace("SignatureMethod=HmacSHA1", "SignatureMethod=HmacSHA256");
        assertThat(Signatures.stringToSign("POST", DOC_HOST, "/v2/index.php", docParams("HmacSHA256"), false))
                .isEqualTo(s);
        // The reference's value was computed over the SHA-1 string (only the algorithm changed).
        assertThat(Signatures.sign("HmacSHA256", DOC_KEY, DOC_STRING))
                .isEqualTo("XPh4vnKmqz+7dMB5OVM7vodL3MunEEKMrHdwS9J2shk=");
        String sig = Signatures.sign("HmacSHA256", DOC_KEY, s);
        assertThat(Signatures.verify(sig, DOC_KEY, "POST", List.of(DOC_HOST), "/v2/index.php",
                docParams("HmacSHA256"), true)).isTrue();
        // Signed with SHA-256 but declared SHA-1: no match.
        assertThat(Signatures.verify(sig, DOC_KEY, "POST", List.of(DOC_HOST), "/v2/index.php",
                docParams("HmacSHA1"), true)).isFalse();
    }

    @Test
    void signatureMethodOtherThanHmacSha256MeansSha1() {
        assertThat(Signatures.algorithm(null)).isEqualTo("HmacSHA1");
        assertThat(Signatures.algorithm("HmacSHA1")).isEqualTo("HmacSHA1");
        assertThat(Signatures.algorithm("sha256")).isEqualTo("HmacSHA1");
        assertThat(Signatures.algorithm("MD5")).isEqualTo("HmacSHA1");
        assertThat(Signatures.algorithm("HmacSHA256")).isEqualTo("HmacSHA256");
    }

    @Test
    void namesSortByCodeUnitThenUnderscoreBecomesDot() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("msgBody.2", "b");
        p.put("msgBody.10", "j");
        p.put("msgBody.1", "a");
        p.put("queueName", "q");
        p.put("Action", "BatchSendMessage");
        p.put("a_b", "x");
        p.put("Signature", "ignored");
        assertThat(Signatures.stringToSign("GET", "h:1", "/p", p, false))
                .isEqualTo("GETh:1/p?Action=BatchSendMessage&a.b=x&msgBody.1=a&msgBody.10=j&msgBody.2=b&queueName=q");
    }

    @Test
    void rawDecodedValuesAreSigned() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("msgBody", "hello wörld & more+plus=eq");
        p.put("Action", "SendMessage");
        assertThat(Signatures.stringToSign("POST", "127.0.0.1:18080", "/v2/index.php", p, false))
                .isEqualTo("POST127.0.0.1:18080/v2/index.php?Action=SendMessage&msgBody=hello wörld & more+plus=eq");
    }

    @Test
    void pythonLeavesOutAtValuesOnPostOnly() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", "SendMessage");
        p.put("queueName", "q1");
        p.put("msgBody", "@hello");
        String python = Signatures.sign("HmacSHA1", DOC_KEY,
                Signatures.stringToSign("POST", "h", "/v2/index.php", p, true));
        assertThat(Signatures.stringToSign("POST", "h", "/v2/index.php", p, true))
                .isEqualTo("POSTh/v2/index.php?Action=SendMessage&queueName=q1");
        assertThat(Signatures.verify(python, DOC_KEY, "POST", List.of("h"), "/v2/index.php", p, true)).isTrue();
        assertThat(Signatures.verify(python, DOC_KEY, "POST", List.of("h"), "/v2/index.php", p, false)).isFalse();
        assertThat(Signatures.verify(python, DOC_KEY, "GET", List.of("h"), "/v2/index.php", p, true)).isFalse();
        // Java signs the @-value like any other: also accepted.
        String java = Signatures.sign("HmacSHA1", DOC_KEY,
                Signatures.stringToSign("POST", "h", "/v2/index.php", p, false));
        assertThat(Signatures.verify(java, DOC_KEY, "POST", List.of("h"), "/v2/index.php", p, true)).isTrue();
    }

    @Test
    void anyListedHostVerifies() {
        Map<String, String> p = docParams("HmacSHA1");
        assertThat(Signatures.verify("C16WEtEXsD5v5tnaUMLAbZewXhI=", DOC_KEY, "POST",
                List.of("127.0.0.1:8080", DOC_HOST), "/v2/index.php", p, true)).isTrue();
        assertThat(Signatures.verify("C16WEtEXsD5v5tnaUMLAbZewXhI=", DOC_KEY, "POST",
                List.of("127.0.0.1:8080"), "/v2/index.php", p, true)).isFalse();
        assertThat(Signatures.verify("C16WEtEXsD5v5tnaUMLAbZewXhI=", DOC_KEY, "POST", List.of(DOC_HOST),
                "/", p, true)).isFalse();
    }

    @Test
    void comparisonIsExact() {
        assertThat(Signatures.same("abc=", "abc=")).isTrue();
        assertThat(Signatures.same("abc=", "abd=")).isFalse();
        assertThat(Signatures.same("abc=", "abc")).isFalse();
        assertThat(Signatures.same("abc=", "")).isFalse();
        assertThat(Signatures.same("abc=", "abc=ü")).isFalse();
    }
}
