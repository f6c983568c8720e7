package io.cmqkafka.adapter.protocol;

/**
 * Admission of a parsed request before its action runs: authentication, permissions, rate limits
 * ({@code protocol/auth}). Throws the {@link CmqException} the client should see; must not block.
 */
@FunctionalInterface
public interface RequestGuard {

    /** Lets everything in (unit tests of the dispatcher; no credentials configured). */
    RequestGuard NONE = request -> {
    };

    void check(CmqRequest request);
}
