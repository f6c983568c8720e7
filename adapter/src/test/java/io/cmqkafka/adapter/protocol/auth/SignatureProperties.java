package io.cmqkafka.adapter.protocol.auth;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.cmqkafka.adapter.protocol.CmqException;
import io.cmqkafka.adapter.protocol.FormParser;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the signature and the form parser over generated input (jqwik). */
class SignatureProperties {

    static final byte[] KEY = "property-secret".getBytes(UTF_8);

    @Provide
    Arbitrary<Map<String, String>> params() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ019_.").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> values = Arbitraries.strings().all().ofMaxLength(40)
                .filter(s -> s.codePoints().noneMatch(c -> Character.isSurrogate((char) c)) && !s.startsWith("@"))
                .filter(s -> new String(s.getBytes(UTF_8), UTF_8).equals(s));
        return Arbitraries.maps(names.filter(n -> !n.equals("Signature")), values).ofMinSize(1).ofMaxSize(12)
                .map(TreeMap::new);
    }

    /** What a Java SDK would send: sorted pairs, URLEncoder values, Signature added. */
    static byte[] javaBody(Map<String, String> params, String host) {
        String sig = Signatures.sign("HmacSHA1", KEY, Signatures.stringToSign("POST", host, "/v2/index.php",
                params, false));
        TreeMap<String, String> all = new TreeMap<>(params);
        all.put("Signature", sig);
        List<String> pairs = new ArrayList<>();
        all.forEach((k, v) -> pairs.add(URLEncoder.encode(k, UTF_8) + "=" + URLEncoder.encode(v, UTF_8)));
        return String.join("&", pairs).getBytes(UTF_8);
    }

    @Property(tries = 500)
    boolean signedBodiesVerifyAfterParsing(@ForAll("params") Map<String, String> params) {
        Map<String, String> parsed = FormParser.parse(javaBody(params, "127.0.0.1:8080"));
        return Signatures.verify(parsed.get("Signature"), KEY, "POST", List.of("127.0.0.1:8080"), "/v2/index.php",
                parsed, true);
    }

    @Property(tries = 500)
    boolean anyChangedValueFailsVerification(@ForAll("params") Map<String, String> params,
            @ForAll @IntRange(min = 0, max = 100) int which, @ForAll char replacement) {
        Map<String, String> parsed = new TreeMap<>(FormParser.parse(javaBody(params, "h")));
        List<String> names = new ArrayList<>(params.keySet());
        String name = names.get(which % names.size());
        String changed = parsed.get(name) + replacement;
        Assume.that(!Character.isSurrogate(replacement));
        parsed.put(name, changed);
        return !Signatures.verify(parsed.get("Signature"), KEY, "POST", List.of("h"), "/v2/index.php", parsed, true);
    }

    @Property(tries = 2000)
    void parserRejectsOnlyWithCmqErrors(@ForAll @Size(max = 300) byte[] form) {
        try {
            FormParser.parse(form);
        } catch (CmqException expected) {
            // a CMQ error is the only acceptable failure
        }
    }

    @Property(tries = 1000)
    void parserHandlesFormLikeBytes(@ForAll("formLike") String form) {
        try {
            FormParser.parse(form.getBytes(UTF_8));
        } catch (CmqException expected) {
            // fine
        }
    }

    @Provide
    Arbitrary<String> formLike() {
        return Arbitraries.strings().withChars("ab=&%+.019fFzZ\u00e9").ofMaxLength(60);
    }
}
