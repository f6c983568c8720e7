package io.cmqkafka.adapter.protocol.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;

/**
 * Optional request rate limits (prefix {@code cmq.rate-limit}), in requests per second per instance, with a
 * burst of one second's worth. 0 means unlimited. Over the limit: 4420 "qps throttling".
 */
@ConfigMapping(prefix = "cmq.rate-limit")
public interface RateLimitConfig {

    /** Default limit of every SecretId. */
    @WithDefault("0")
    int perKey();

    /** Default limit of every queue (requests naming it in {@code queueName}). */
    @WithDefault("0")
    int perQueue();

    /** Limits of particular SecretIds, e.g. {@code cmq.rate-limit.keys."AKIDbatch"=50}. */
    Map<String, Integer> keys();

    /** Limits of particular queues (name case-insensitive), e.g. {@code cmq.rate-limit.queues.payments=200}. */
    Map<String, Integer> queues();
}
