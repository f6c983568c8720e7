package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CmqRequestTest {

    static CmqRequest request(String form) {
        return new CmqRequest("POST", "localhost", "/v2/index.php", FormParserTest.parse(form));
    }

    @Test
    void actionRequired() {
        assertThatThrownBy(() -> request("queueName=q1"))
                .hasMessage("(10010)lacked of required parameters: Action")
                .extracting("error").isEqualTo(CmqError.MISSING_PARAMETER);
        assertThatThrownBy(() -> request("Action=")).hasMessage("(10010)lacked of required parameters: Action");
    }

    @Test
    void requiredString() {
        CmqRequest r = request("Action=X&a=");
        assertThat(r.string("a")).isEmpty();
        assertThat(r.optionalString("b")).isNull();
        assertThatThrownBy(() -> r.string("queueName"))
                .hasMessage("(10010)lacked of required parameters: queueName");
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v2/index.php");
    }

    @Test
    void integers() {
        assertThat(request("Action=X&numOfMsg=16").requiredInt(Limits.NUM_OF_MSG)).isEqualTo(16);
        assertThat(request("Action=X&numOfMsg=%2B3").requiredInt(Limits.NUM_OF_MSG)).isEqualTo(3);
        assertThat(request("Action=X").optionalInt(Limits.NUM_OF_MSG)).isNull();
        assertThatThrownBy(() -> request("Action=X").requiredInt(Limits.NUM_OF_MSG))
                .hasMessage("(10010)lacked of required parameters: numOfMsg");
        for (String notInt : new String[] {"", "abc", "1.5", " 1", "1e3", "0x10", "--1"}) {
            assertThatThrownBy(() -> request("Action=X&numOfMsg=" + notInt).optionalInt(Limits.NUM_OF_MSG))
                    .as(notInt).hasMessage("(10360)parameter numOfMsg error type");
        }
        assertThatThrownBy(() -> request("Action=X&numOfMsg=99999999999999999999").optionalInt(Limits.NUM_OF_MSG))
                .hasMessage("(10350)parameter numOfMsg value or length is out of range");
        assertThatThrownBy(() -> request("Action=X&numOfMsg=17").optionalInt(Limits.NUM_OF_MSG))
                .hasMessage("(10350)parameter numOfMsg value or length is out of range")
                .extracting("error").isEqualTo(CmqError.OUT_OF_RANGE);
    }

    @Test
    void queueName() {
        String max = "q" + "a".repeat(63);
        for (String ok : new String[] {"q", "Q1", "a-b_c", max}) {
            assertThat(request("Action=X&queueName=" + ok).queueName()).isEqualTo(ok);
        }
        for (String bad : new String[] {"", "1q", "-q", "_q", "q.1", "q%20", "wörld", max + "a"}) {
            assertThatThrownBy(() -> request("Action=X&queueName=" + bad).queueName()).as(bad)
                    .hasMessage("(10020)queue name format error");
        }
    }

    static String array(String name, int... indices) {
        StringBuilder sb = new StringBuilder("Action=X");
        for (int i : indices) {
            sb.append('&').append(name).append('.').append(i).append("=v").append(i);
        }
        return sb.toString();
    }

    @Test
    void arraysOneBasedAndZeroBasedInNumericOrder() {
        assertThat(request(array("msgBody", 1, 2, 3)).list("msgBody")).containsExactly("v1", "v2", "v3");
        assertThat(request(array("msgBody", 0, 1)).list("msgBody")).containsExactly("v0", "v1");
        assertThat(request(array("msgBody", 10, 2, 1, 3, 4, 5, 6, 7, 8, 9)).list("msgBody"))
                .containsExactly("v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10");
        assertThat(request(array("msgBody", 0)).list("msgBody")).containsExactly("v0");
        // other parameters sharing the prefix differently are not part of the array
        assertThat(request(array("msgBody", 1) + "&msgBody=x&msgBodyX.2=y").list("msgBody")).containsExactly("v1");
    }

    @Test
    void arrayGapsAndStart() {
        assertThatThrownBy(() -> request(array("msgBody", 1, 3)).list("msgBody"))
                .hasMessage("(10380)msgBody parameter is not consequent");
        assertThatThrownBy(() -> request(array("msgBody", 2, 3)).list("msgBody"))
                .hasMessage("(10380)msgBody parameter is not consequent");
        assertThatThrownBy(() -> request(array("msgBody", 0, 2)).list("msgBody"))
                .hasMessage("(10380)msgBody parameter is not consequent");
    }

    @Test
    void arraySize() {
        int[] sixteen = new int[16];
        int[] seventeen = new int[17];
        for (int i = 0; i < 17; i++) {
            if (i < 16) {
                sixteen[i] = i + 1;
            }
            seventeen[i] = i + 1;
        }
        assertThat(request(array("receiptHandle", sixteen)).list("receiptHandle")).hasSize(16);
        assertThatThrownBy(() -> request(array("receiptHandle", seventeen)).list("receiptHandle"))
                .hasMessage("(10370)receiptHandle parameter batch size is out of range");
        assertThatThrownBy(() -> request("Action=X").list("receiptHandle"))
                .hasMessage("(10010)lacked of required parameters: receiptHandle.n");
    }

    @Test
    void arrayBadIndex() {
        assertThatThrownBy(() -> request("Action=X&msgBody.a=1").list("msgBody"))
                .hasMessage("(10310)error: parameter msgBody.a key format error");
        assertThatThrownBy(() -> request("Action=X&msgBody.1=a&msgBody.01=b").list("msgBody"))
                .hasMessage("(10330)parameter msgBody.01 is NOT a repeatable parameter");
    }

    @Test
    void paramsKeepWireOrder() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("b", "1");
        expected.put("Action", "X");
        expected.put("a", "2");
        assertThat(request("b=1&Action=X&a=2").params()).containsExactlyEntriesOf(expected);
    }
}
