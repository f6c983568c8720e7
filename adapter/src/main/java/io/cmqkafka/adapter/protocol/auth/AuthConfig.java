package io.cmqkafka.adapter.protocol.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authentication settings (prefix {@code cmq.auth}). With neither {@code credentials} nor
 * {@code credentials-file} set, authentication is off (the local default) and a warning says so at start.
 */
@ConfigMapping(prefix = "cmq.auth")
public interface AuthConfig {

    /** {@code SecretId:SecretKey} pairs separated by commas (env {@code CMQ_AUTH_CREDENTIALS}). */
    Optional<String> credentials();

    /**
     * A file of {@code SecretId:SecretKey} lines ({@code #} comments, blank lines ignored), e.g. a mounted
     * Kubernetes secret; re-read every {@link #credentialsFileCheckInterval()}. Setting it turns
     * authentication on even while the file is missing or empty (then every request is refused).
     */
    Optional<String> credentialsFile();

    @WithDefault("10s")
    Duration credentialsFileCheckInterval();

    /**
     * Host names (with port if the clients write one) the clients sign with, besides the request's Host
     * header: for a service behind a proxy or load balancer that rewrites Host.
     */
    Optional<List<String>> publicHost();

    /** Largest allowed difference between a request's Timestamp and the server clock (generic code 4500). */
    @WithDefault("300")
    long timestampWindowSeconds();

    /** Most (SecretId, Timestamp, Nonce, Signature) entries remembered for replay detection, per instance. */
    @WithDefault("1000000")
    int nonceCacheSize();

    /**
     * Accept the Python SDK's signature variant that leaves out POST parameters whose value starts with
     * {@code @} (cmq-api.md §1.4). Such values are then not covered by the signature.
     */
    @WithDefault("true")
    boolean acceptPythonAtVariant();

    /**
     * Refuse a SecretId that does not begin with {@code AKID} (4000/10450) before looking it up, as
     * Tencent Cloud does. Off by default: local and test keys are often named freely.
     */
    @WithDefault("false")
    boolean requireAkidPrefix();

    /**
     * Optional per-SecretId restrictions, e.g. {@code cmq.auth.permissions."AKIDorders".queues=orders-*} and
     * {@code ...actions=send}. A key without an entry may do everything.
     */
    Map<String, Permission> permissions();

    interface Permission {
        /** Queue name patterns ({@code *} any run of characters, {@code ?} one), case-insensitive. */
        @WithDefault("*")
        List<String> queues();

        /** Topic name patterns, same syntax (for the topic actions). */
        @WithDefault("*")
        List<String> topics();

        /** Action families: {@code send}, {@code receive} (receive and delete), {@code manage} (everything else). */
        @WithDefault("send,receive,manage")
        List<String> actions();
    }
}
