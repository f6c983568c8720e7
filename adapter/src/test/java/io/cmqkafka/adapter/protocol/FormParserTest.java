package io.cmqkafka.adapter.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormParserTest {

    static Map<String, String> parse(String form) {
        return FormParser.parse(form.getBytes(UTF_8));
    }

    @Test
    void javaSdkBody() {
        Map<String, String> p = parse("Action=SendMessage&Nonce=488965522&RequestClient=SDK_JAVA_1.3"
                + "&SecretId=AKIDtest&Signature=qyHsrVdcmlMaeA2s2eHf0l48VKg%3D&SignatureMethod=HmacSHA1"
                + "&Timestamp=1795617691&delaySeconds=0&msgBody=hello+w%C3%B6rld+%26+more%2Bplus%3Deq&queueName=q1");
        assertThat(p).containsEntry("msgBody", "hello wörld & more+plus=eq")
                .containsEntry("Signature", "qyHsrVdcmlMaeA2s2eHf0l48VKg=")
                .containsEntry("delaySeconds", "0")
                .hasSize(10);
        assertThat(p.keySet()).first().isEqualTo("Action");
    }

    @Test
    void pythonBodyKeepsWireOrder() {
        Map<String, String> p = parse("queueName=q1&UserpollingWaitSeconds=30&Action=ReceiveMessage"
                + "&RequestClient=SDK_Python_1.3&SecretId=AKIDtest&Nonce=7012855433155433496&Timestamp=1795617704"
                + "&SignatureMethod=HmacSHA1&Signature=dcaAL4Jca5U6VkLxzy43HH8i9ZE%3D");
        assertThat(p.keySet()).containsExactly("queueName", "UserpollingWaitSeconds", "Action", "RequestClient",
                "SecretId", "Nonce", "Timestamp", "SignatureMethod", "Signature");
        assertThat(p).containsEntry("Signature", "dcaAL4Jca5U6VkLxzy43HH8i9ZE=");
    }

    @Test
    void plusIsSpaceAndEncodedPlusIsPlus() {
        assertThat(parse("a=x+y&b=x%2By&c=x%2by&d=%20")).containsExactly(
                Map.entry("a", "x y"), Map.entry("b", "x+y"), Map.entry("c", "x+y"), Map.entry("d", " "));
    }

    @Test
    void rawUtf8AndEdgeCases() {
        assertThat(parse("msgBody=wörld&empty=&flag&&trailing=1&")).containsExactly(
                Map.entry("msgBody", "wörld"), Map.entry("empty", ""), Map.entry("flag", ""),
                Map.entry("trailing", "1"));
        assertThat(parse("")).isEmpty();
        assertThat(parse("a=b=c")).containsEntry("a", "b=c");
        assertThat(parse("msg%42ody=1")).containsEntry("msgBody", "1");
    }

    @Test
    void badPercentEncoding() {
        for (String bad : new String[] {"a=%", "a=%4", "a=%zz", "a=100%", "a=%G1&b=2"}) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(CmqException.class)
                    .hasMessage("(10110)request parameters error: invalid percent-encoding in parameter a")
                    .extracting("error").isEqualTo(CmqError.BAD_ENCODING);
        }
        assertThatThrownBy(() -> parse("%=1")).hasMessageContaining("in a parameter name");
    }

    @Test
    void invalidUtf8() {
        assertThatThrownBy(() -> parse("msgBody=%C3%28"))
                .isInstanceOf(CmqException.class)
                .hasMessage("(10110)request parameters error: invalid UTF-8 in parameter msgBody");
        assertThatThrownBy(() -> FormParser.parse(new byte[] {'a', '=', (byte) 0xff}))
                .hasMessage("(10110)request parameters error: invalid UTF-8 in parameter a");
        assertThat(CmqError.BAD_ENCODING.code()).isEqualTo(4000);
    }

    @Test
    void duplicateNames() {
        assertThatThrownBy(() -> parse("queueName=a&x=1&queueName=a"))
                .isInstanceOf(CmqException.class)
                .hasMessage("(10330)parameter queueName is NOT a repeatable parameter");
        // Decoded names are compared.
        assertThatThrownBy(() -> parse("ab=1&a%62=2")).hasMessageContaining("parameter ab is NOT");
    }

    @Test
    void emptyName() {
        assertThatThrownBy(() -> parse("=1")).hasMessageStartingWith("(10310)");
    }

    @Test
    void sizeLimit() {
        byte[] max = new byte[Limits.MAX_REQUEST_BYTES];
        Arrays.fill(max, (byte) 'a');
        assertThat(FormParser.parse(max)).hasSize(1);
        byte[] over = Arrays.copyOf(max, max.length + 1);
        over[over.length - 1] = 'a';
        assertThatThrownBy(() -> FormParser.parse(over))
                .hasMessage("(10420)cannot parse request, or request size is more than 1MB")
                .extracting("error").isEqualTo(CmqError.REQUEST_TOO_LARGE);
    }
}
