package io.cmqkafka.adapter.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FiltersTest {

    static SubscriptionRecord sub(List<String> tags, List<String> keys) {
        return new SubscriptionRecord("t", "tid", "s", "sid", "queue", "q", "BACKOFF_RETRY", "SIMPLIFIED", tags,
                keys, 0, 0);
    }

    /** The reference's examples (tencentcloud.com 406/8127), AMQP-topic style. */
    @ParameterizedTest
    @CsvSource({
        "1.*.0, 1.x.0, true",
        "1.*.0, 1.0, false",
        "1.*.0, 1.x.y.0, false",
        "1.*.0, 1..0, false",
        "1.#.0, 1.2.3.4.4.2.2.0, true",
        "1.#.0, 1.0, true",
        "1.#.0, 1.x.0, true",
        "1.#.0, 1.x.1, false",
        "1.#.0, 2.0, false",
        "#, a.b.c, true",
        "#, a, true",
        "*, a, true",
        "*, a.b, false",
        "a.#, a, true",
        "a.#, a.b.c, true",
        "#.c, c, true",
        "#.c, a.b.c, true",
        "#.c, a.b.d, false",
        "a.b, a.b, true",
        "a.b, a.B, false",
        "*.#.*, a.b, true",
        "*.#.*, a, false",
        "order.paid, order.paid, true",
    })
    void routingKeys(String bindingKey, String routingKey, boolean matches) {
        assertThat(Filters.routingKeyMatches(bindingKey, routingKey)).isEqualTo(matches);
    }

    @Test
    void anyBindingKeyOfASubscription() {
        assertThat(Filters.matches(2, sub(List.of(), List.of("x.*", "1.#.0")), List.of(), "1.2.0")).isTrue();
        assertThat(Filters.matches(2, sub(List.of(), List.of("x.*", "1.#.0")), List.of(), "y.z")).isFalse();
        assertThat(Filters.matches(2, sub(List.of(), List.of("x.*")), List.of(), null)).isFalse();
        // Tags do not count on a routing-key topic.
        assertThat(Filters.matches(2, sub(List.of("a"), List.of("x.*")), List.of("a"), "y.z")).isFalse();
    }

    @Test
    void tagsMatchByIntersection() {
        assertThat(Filters.matches(1, sub(List.of(), List.of()), List.of(), null)).as("no filter: all").isTrue();
        assertThat(Filters.matches(1, sub(List.of(), List.of()), List.of("a"), null)).isTrue();
        assertThat(Filters.matches(1, sub(List.of("a", "b"), List.of()), List.of("b", "c"), null)).isTrue();
        assertThat(Filters.matches(1, sub(List.of("a", "b"), List.of()), List.of("c"), null)).isFalse();
        assertThat(Filters.matches(1, sub(List.of("a"), List.of()), List.of(), null))
                .as("untagged message, tag-filtered subscription").isFalse();
        // Binding keys do not count on a tag topic.
        assertThat(Filters.matches(1, sub(List.of(), List.of("x")), List.of(), "y")).isTrue();
    }
}
