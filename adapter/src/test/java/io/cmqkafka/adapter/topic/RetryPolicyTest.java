package io.cmqkafka.adapter.topic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void backoffRetriesThreeTimesTenToTwentySecondsApartThenDrops() {
        for (int failures = 1; failures <= 3; failures++) {
            for (int i = 0; i < 50; i++) {
                long at = RetryPolicy.nextAttemptAt("BACKOFF_RETRY", failures, 1_000_000, 0);
                assertThat(at - 1_000_000).isBetween(10_000L, 20_000L);
            }
        }
        assertThat(RetryPolicy.nextAttemptAt("BACKOFF_RETRY", 4, 1_000_000, 0)).isEqualTo(-1);
    }

    @Test
    void exponentialDoublesUntilTheMessageIsADayOld() {
        long published = 5_000_000;
        assertThat(RetryPolicy.nextAttemptAt("EXPONENTIAL_DECAY_RETRY", 1, published, published))
                .isEqualTo(published + 1000);
        assertThat(RetryPolicy.nextAttemptAt("EXPONENTIAL_DECAY_RETRY", 2, published, published))
                .isEqualTo(published + 2000);
        assertThat(RetryPolicy.nextAttemptAt("EXPONENTIAL_DECAY_RETRY", 5, published, published))
                .isEqualTo(published + 16_000);
        long lateNow = published + 86_400_000L - 1000;
        assertThat(RetryPolicy.nextAttemptAt("EXPONENTIAL_DECAY_RETRY", 3, lateNow, published)).isEqualTo(-1);
        assertThat(RetryPolicy.nextAttemptAt("EXPONENTIAL_DECAY_RETRY", 40, published, published))
                .as("no overflow").isEqualTo(published + RetryPolicy.EXPONENTIAL_MAX_MS);
    }
}
