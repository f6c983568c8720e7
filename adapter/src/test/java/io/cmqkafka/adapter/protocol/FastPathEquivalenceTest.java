package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The allocation-light paths (issue 7) answer exactly what the straightforward code did. */
class FastPathEquivalenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The envelope as it used to be built: a map serialised by Jackson. */
    private static String reference(CmqResponse r, String requestId, String clientRequestId) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", r.code());
        body.put("message", r.message());
        body.put("requestId", requestId);
        if (clientRequestId != null && clientRequestId.matches("[0-9]{1,20}")) {
            body.put("clientRequestId", new BigInteger(clientRequestId));
        }
        r.fields().forEach(body::putIfAbsent);
        return new String(JSON.writeValueAsBytes(body), StandardCharsets.UTF_8); // as the old code did
    }

    @Test
    void envelopeIsByteForByteTheMapSerialisation() throws Exception {
        Map<String, Object> msg = CmqResponse.fields("msgBody", "h\u00e9llo \"w\"\n\u2028 \ud83d\ude00", "msgId", "123",
                "enqueueTime", 1795617691L, "dequeueCount", 2);
        List<CmqResponse> cases = List.of(
                CmqResponse.success(new LinkedHashMap<>()),
                CmqResponse.success(CmqResponse.fields("msgInfoList", List.of(msg, msg))),
                CmqResponse.success(CmqResponse.fields("code", 5, "requestId", "x", "clientRequestId", "c", "n", null)),
                CmqResponse.error(CmqError.NO_MESSAGE.exception()),
                // every kind of value a handler may return, nested: written directly or through the mapper
                CmqResponse.success(CmqResponse.fields("long", Long.MIN_VALUE, "int", -7, "bool", true,
                        "double", 1.5, "set", new java.util.TreeSet<>(List.of("b", "a")), "nested",
                        List.of(List.of(), java.util.Arrays.asList(1, "x", null), new LinkedHashMap<>()), "array", new int[] {1, 2},
                        "tags", List.of(CmqResponse.fields("k", null, "v", List.of(3L))))),
                CmqResponse.error(new CmqException(CmqError.BATCH_DELETE_FAILED, "m",
                        CmqResponse.fields("errorList", List.of(CmqResponse.fields("code", 1, "message", "x"))))));
        for (CmqResponse r : cases) {
            for (String crid : new String[] {null, "42", "12345678901234567890", "x1", ""}) {
                assertThat(new String(r.toJson("900000000000000001", crid), StandardCharsets.UTF_8))
                        .isEqualTo(reference(r, "900000000000000001", crid));
            }
        }
    }

    @Test
    void utf8LengthMatchesGetBytes() {
        Random rnd = new Random(7);
        String[] fixed = {"", "a", "\u00e9", "\u20ac", "\ud83d\ude00", "\ud83d", "\ude00", "x\ud83dy", "\ud83d\ud83d\ude00"};
        for (String s : fixed) {
            assertThat(MessageActions.utf8Length(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
        for (int i = 0; i < 2000; i++) {
            char[] c = new char[rnd.nextInt(20)];
            for (int j = 0; j < c.length; j++) {
                int kind = rnd.nextInt(4);
                c[j] = (char) (kind == 0 ? rnd.nextInt(0x80) : kind == 1 ? rnd.nextInt(0x800)
                        : kind == 2 ? 0xd800 + rnd.nextInt(0x800) : rnd.nextInt(0x10000));
            }
            String s = new String(c);
            assertThat(MessageActions.utf8Length(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void requestIdsAreEighteenDigits() {
        String a = RequestIds.next();
        String b = RequestIds.next();
        assertThat(a).matches("[1-9][0-9]{17}");
        assertThat(Long.parseLong(b) - Long.parseLong(a)).isEqualTo(1);
    }

    @Test
    void formValuesDecodeLikeTheStrictDecoder() {
        Random rnd = new Random(11);
        String alphabet = "ab+%2B%41%C3%A9%E2%82%AC%20=x9~*";
        for (int i = 0; i < 3000; i++) {
            StringBuilder v = new StringBuilder();
            int n = rnd.nextInt(12);
            for (int j = 0; j < n; j++) {
                int k = rnd.nextInt(alphabet.length());
                v.append(alphabet.charAt(k));
            }
            String form = "p=" + v.toString().replace("=", "");
            if (form.matches(".*%.?\\+.*")) {
                continue; // URLDecoder reads "%+E" as hex (Integer.parseInt); the parser rightly refuses it
            }
            String expected;
            try {
                expected = java.net.URLDecoder.decode(form.substring(2), StandardCharsets.UTF_8);
                byte[] strict = expected.getBytes(StandardCharsets.UTF_8);
                if (expected.contains("\ufffd")) {
                    expected = null; // malformed UTF-8: the parser must refuse it
                } else {
                    assertThat(strict).isNotNull();
                }
            } catch (IllegalArgumentException e) {
                expected = null; // bad percent-encoding
            }
            String got;
            try {
                got = FormParser.parse(form.getBytes(StandardCharsets.UTF_8)).get("p");
            } catch (CmqException e) {
                got = null;
            }
            assertThat(got).as(form).isEqualTo(expected);
        }
    }
}
