package io.cmqkafka.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented test vector of cmq-api.md §1.4, and the body format of §1.2. Fast, no I/O. */
class CmqSignerTest {

    private static final String KEY = "pPgfLipfEXZ7VcRzhAMIyPaU7UbQyFFx";

    private static Map<String, String> docParams() {
        Map<String, String> p = new LinkedHashMap<>(); // deliberately unsorted
        p.put("queueName", "test1");
        p.put("msgBody", "msg");
        p.put("Action", "SendMessage");
        p.put("Timestamp", "1534154812");
        p.put("Nonce", "2889712707386595659");
        p.put("SecretId", "AKIDPcYDclDJCn8D0Xypa4f3pKYUCVYLn3zT");
        p.put("SignatureMethod", "HmacSHA1");
        p.put("RequestClient", "SDK_Python_1.3");
        p.put("delaySeconds", "0");
        p.put("clientRequestId", "1231231231");
        return p;
    }

    @Test
    void stringToSignMatchesTheDocs() {
        assertThat(CmqSigner.stringToSign("POST", "cmq-queue-gz.api.tencentyun.com", "/v2/index.php", docParams()))
                .isEqualTo("POSTcmq-queue-gz.api.tencentyun.com/v2/index.php?Action=SendMessage"
                        + "&Nonce=2889712707386595659&RequestClient=SDK_Python_1.3"
                        + "&SecretId=AKIDPcYDclDJCn8D0Xypa4f3pKYUCVYLn3zT&SignatureMethod=HmacSHA1"
                        + "&Timestamp=1534154812&clientRequestId=1231231231&delaySeconds=0&msgBody=msg&queueName=test1");
    }

    @Test
    void hmacSha1TestVector() {
        CmqSigner signer = new CmqSigner(KEY, CmqSigner.Method.HMAC_SHA1);
        assertThat(signer.sign("POST", "cmq-queue-gz.api.tencentyun.com", "/v2/index.php", docParams()))
                .isEqualTo("C16WEtEXsD5v5tnaUMLAbZewXhI=");
    }

    @Test
    void hmacSha256TestVector() {
        // §1.4 gives the SHA-256 value for the same string to sign (the one that says SignatureMethod=HmacSHA1).
        CmqSigner signer = new CmqSigner(KEY, CmqSigner.Method.HMAC_SHA256);
        assertThat(signer.sign("POST", "cmq-queue-gz.api.tencentyun.com", "/v2/index.php", docParams()))
                .isEqualTo("XPh4vnKmqz+7dMB5OVM7vodL3MunEEKMrHdwS9J2shk=");
    }

    @Test
    void underscoresInNamesBecomeDotsAndSignatureIsNotSigned() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("msgBody_1", "a b");
        p.put("Signature", "ignored");
        p.put("Action", "BatchSendMessage");
        assertThat(CmqSigner.stringToSign("post", "h:1", "/v2/index.php", p))
                .isEqualTo("POSTh:1/v2/index.php?Action=BatchSendMessage&msgBody.1=a b");
    }

    @Test
    void formBodyIsSortedAndEncodedLikeTheJavaSdk() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("msgBody", "hello wörld & more+plus=eq");
        p.put("Signature", "qyHsrVdcmlMaeA2s2eHf0l48VKg=");
        p.put("Action", "SendMessage");
        p.put("queueName", "q1");
        assertThat(CmqSigner.formBody(p)).isEqualTo("Action=SendMessage&Signature=qyHsrVdcmlMaeA2s2eHf0l48VKg%3D"
                + "&msgBody=hello+w%C3%B6rld+%26+more%2Bplus%3Deq&queueName=q1");
    }

    /** Plain code-unit order: upper case before lower case, "msgBody.10" before "msgBody.2". */
    @Test
    void sortOrderPutsUpperCaseFirst() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("msgBody.10", "x");
        p.put("msgBody.2", "x");
        p.put("msgBody.1", "x");
        p.put("UserpollingWaitSeconds", "1");
        p.put("delaySeconds", "0");
        assertThat(CmqSigner.stringToSign("POST", "h", "/p", p))
                .isEqualTo("POSTh/p?UserpollingWaitSeconds=1&delaySeconds=0&msgBody.1=x&msgBody.10=x&msgBody.2=x");
    }
}
