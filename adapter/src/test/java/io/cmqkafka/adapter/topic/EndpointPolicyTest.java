package io.cmqkafka.adapter.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cmqkafka.adapter.topic.EndpointPolicy.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointPolicyTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "http://merchant.example.com/notify",
        "https://merchant.example.com:8443/cmq?x=1",
        "HTTP://127.0.0.1:9000/",
        "http://[::1]:8080/hook",
        "http://h",
    })
    void goodUrls(String url) {
        assertThat(EndpointPolicy.checkSyntax(url, 500)).isEqualTo(Verdict.OK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://a b.com/",
        "http://ab.com/x y",
        "http://ab.com/\tx",
        " http://ab.com/",
        "http://ab.com/\u00a0",
    })
    void blanks(String url) {
        assertThat(EndpointPolicy.checkSyntax(url, 500)).isEqualTo(Verdict.BLANK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "ftp://ab.com/",
        "file:///etc/passwd",
        "ab.com/notify",
        "http://",
        "http:///path",
        "http://user:pw@ab.com/",
        "http://ab.com/#frag",
        "http://ab.com:0/",
        "http://ab.com:99999/",
        "http://ab.com/ü",
        "http://ab.com/\u0001",
        "javascript:alert(1)",
        "http://ab.com/%zz",
    })
    void badUrls(String url) {
        assertThat(EndpointPolicy.checkSyntax(url, 500)).isEqualTo(Verdict.FORMAT);
    }

    @Test
    void lengthLimit() {
        String base = "http://ab.com/";
        assertThat(EndpointPolicy.checkSyntax(base + "x".repeat(500 - base.length()), 500)).isEqualTo(Verdict.OK);
        assertThat(EndpointPolicy.checkSyntax(base + "x".repeat(501 - base.length()), 500)).isEqualTo(Verdict.FORMAT);
    }

    @Test
    void emptyAllowListAllowsAnything() {
        assertThat(EndpointPolicy.ANY.refusal("http://169.254.169.254/latest")).isNull();
        assertThat(new EndpointPolicy(List.of("*")).refusal("http://10.0.0.1/")).isNull();
    }

    @Test
    void hostsDomainsAndNetworks() {
        EndpointPolicy p = new EndpointPolicy(List.of("hooks.example.com", "*.merchants.example.org",
                "10.1.0.0/16", "127.0.0.1", "fd00::/8"));
        assertThat(p.refusal("https://hooks.example.com/x")).isNull();
        assertThat(p.refusal("https://HOOKS.example.com/x")).isNull();
        assertThat(p.refusal("https://a.merchants.example.org/x")).isNull();
        assertThat(p.refusal("https://evilmerchants.example.org/x")).isNotNull();
        assertThat(p.refusal("http://10.1.200.3:8080/x")).isNull();
        assertThat(p.refusal("http://10.2.0.1/x")).contains("10.2.0.1");
        assertThat(p.refusal("http://127.0.0.1:9/x")).isNull();
        assertThat(p.refusal("http://127.0.0.2/x")).isNotNull();
        assertThat(p.refusal("http://169.254.169.254/latest/meta-data")).isNotNull();
        assertThat(p.refusal("http://[fd12::1]/x")).isNull();
        assertThat(p.refusal("http://[::1]/x")).isNotNull();
        assertThat(new EndpointPolicy(List.of("10.0.0.0/8")).refusal("http://localhost/x"))
                .as("a name resolving outside the networks").isNotNull();
    }

    @Test
    void hostNamesOnlyRefuseOtherNames() {
        EndpointPolicy p = new EndpointPolicy(List.of("hooks.example.com"));
        assertThat(p.refusal("http://127.0.0.1/")).contains("not in cmq.topic.allowed-endpoints");
    }

    @Test
    void badEntriesFailAtStart() {
        assertThatThrownBy(() -> new EndpointPolicy(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EndpointPolicy(List.of("http://x/"))).isInstanceOf(IllegalArgumentException.class);
    }
}
