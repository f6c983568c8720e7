package io.cmqkafka.adapter.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.protocol.auth.NonceCache.Outcome;
import org.junit.jupiter.api.Test;

class NonceCacheTest {

    @Test
    void sameRequestTwiceIsAReplay() {
        NonceCache c = new NonceCache(300, 100);
        assertThat(c.record("id", 1000, "5", "sig", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.record("id", 1000, "5", "sig", 1100)).isEqualTo(Outcome.REPLAYED);
        // Any component different: another request.
        assertThat(c.record("id2", 1000, "5", "sig", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.record("id", 1001, "5", "sig", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.record("id", 1000, "6", "sig", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.record("id", 1000, "5", "sig2", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.size()).isEqualTo(5);
    }

    @Test
    void entriesLeaveWithTheirWindow() {
        NonceCache c = new NonceCache(300, 2);
        assertThat(c.record("id", 1000, "1", "s", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.record("id", 1200, "2", "s", 1000)).isEqualTo(Outcome.FRESH);
        assertThat(c.record("id", 1000, "3", "s", 1000)).isEqualTo(Outcome.FULL);
        // At now = 1300 the entry of 1000 is still inside the window (1300 - 300 = 1000).
        assertThat(c.record("id", 1000, "1", "s", 1300)).isEqualTo(Outcome.REPLAYED);
        // At 1301 it is gone (and a request with Timestamp 1000 would be refused for its Timestamp).
        assertThat(c.record("id", 1301, "3", "s", 1301)).isEqualTo(Outcome.FRESH);
        assertThat(c.size()).isEqualTo(2);
    }
}
