package io.cmqkafka.adapter.protocol.auth;

import io.cmqkafka.adapter.engine.EngineClock;
import io.cmqkafka.adapter.protocol.CmqError;
import io.cmqkafka.adapter.protocol.CmqRequest;
import io.cmqkafka.adapter.protocol.Limits;
import io.cmqkafka.adapter.protocol.RequestGuard;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Admits a request before its action runs, in this order: SecretId known (4100/10270), Signature valid
 * (4100/10030), Timestamp within the window of the server clock and Nonce not seen before (4500), the key's
 * permissions (4000/10461), rate limits (4420). With no credentials configured only the rate limits apply.
 *
 * <p>The signature is accepted if it verifies for any host a client may have signed: the Host header as
 * sent, with or without the scheme's default port (a client that writes {@code http://h:80} signs
 * {@code h:80} while its HTTP library sends {@code Host: h}), and every {@code cmq.auth.public-host}; and,
 * for POST, with or without the parameters whose value starts with {@code @} (Python SDK). Comparisons are
 * constant-time. Time comes from the engine's injectable clock.
 */
@ApplicationScoped
public class RequestAuthenticator implements RequestGuard {

    private static final Logger LOG = Logger.getLogger(RequestAuthenticator.class);
    private static final Pattern UNSIGNED = Pattern.compile("[0-9]{1,20}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");
    /** A DNS name (253) plus a port; longer Host headers are not tried. */
    private static final int MAX_HOST_CHARS = 300;

    private final AuthConfig config;
    private final EngineClock clock;
    private final Credentials credentials;
    private final NonceCache nonces;
    private final Permissions permissions;
    private final RateLimiter rateLimiter;
    private final List<String> publicHosts;

    @Inject
    public RequestAuthenticator(AuthConfig config, RateLimitConfig rateLimits, EngineClock clock) {
        this(config, new RateLimiter(rateLimits, System::nanoTime), clock);
    }

    public RequestAuthenticator(AuthConfig config, RateLimiter rateLimiter, EngineClock clock) {
        this.config = config;
        this.clock = clock;
        this.credentials = new Credentials(config.credentials().filter(s -> !s.isBlank()).orElse(null),
                config.credentialsFile().filter(s -> !s.isBlank()).map(Path::of).orElse(null));
        this.nonces = new NonceCache(config.timestampWindowSeconds(), config.nonceCacheSize());
        this.permissions = new Permissions(config.permissions());
        this.rateLimiter = rateLimiter;
        this.publicHosts = config.publicHost().orElse(List.of()).stream()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Instantiates the bean at start, so bad settings stop the service, and says whether auth is on. */
    void onStart(@Observes StartupEvent event) {
        if (!credentials.enabled()) {
            LOG.warn("AUTHENTICATION IS OFF: no cmq.auth.credentials or cmq.auth.credentials-file is configured, "
                    + "so every request is accepted whatever its SecretId and Signature. Configure credentials "
                    + "for any deployment that is reachable by others.");
        } else {
            credentials.startWatching(config.credentialsFileCheckInterval());
            LOG.infof("authentication on: %d SecretId(s), %d with restricted permissions, timestamp window %d s%s",
                    credentials.size(), config.permissions().size(), config.timestampWindowSeconds(),
                    publicHosts.isEmpty() ? "" : ", public host(s) " + publicHosts);
        }
        if (rateLimiter.active()) {
            LOG.info("rate limits configured (cmq.rate-limit)");
        }
    }

    @PreDestroy
    void stop() {
        credentials.close();
    }

    public boolean enabled() {
        return credentials.enabled();
    }

    /** Re-reads the credentials file now (tests; the watcher does it periodically). */
    public boolean reloadCredentials() {
        return credentials.reload();
    }

    @Override
    public void check(CmqRequest request) {
        String secretId = request.optionalString("SecretId");
        if (credentials.enabled()) {
            authenticate(request, secretId);
            permissions.check(secretId, request);
        }
        rateLimiter.check(secretId, request.optionalString("queueName"));
    }

    private void authenticate(CmqRequest request, String secretId) {
        if (config.requireAkidPrefix() && (secretId == null || !secretId.startsWith("AKID"))) {
            throw CmqError.SECRET_ID_FORMAT.exception();
        }
        byte[] key = credentials.key(secretId);
        if (key == null) {
            throw CmqError.UNKNOWN_SECRET_ID.exception();
        }
        String signature = request.optionalString("Signature");
        if (signature == null || signature.isEmpty()) {
            throw CmqError.AUTH_FAILED.exception("Signature is missing");
        }
        if (!Signatures.verify(signature, key, request.method(), hosts(request.host()), request.path(),
                request.params(), config.acceptPythonAtVariant())) {
            throw CmqError.AUTH_FAILED.exception("Signature does not match");
        }
        long timestamp = number("Timestamp", TIMESTAMP, request);
        long now = Math.floorDiv(clock.millis(), 1000);
        long window = config.timestampWindowSeconds();
        if (Math.abs(now - timestamp) > window) {
            throw CmqError.REPLAY.exception("Timestamp " + timestamp + " is more than " + window
                    + " s away from the server time " + now);
        }
        String nonce = request.optionalString("Nonce");
        number("Nonce", UNSIGNED, request);
        switch (nonces.record(secretId, timestamp, nonce, signature, now)) {
            case REPLAYED -> throw CmqError.REPLAY.exception("Nonce " + nonce + " was already used");
            case FULL -> throw CmqError.QPS_THROTTLING.exception(
                    "more signed requests within the replay window than this instance can remember");
            case FRESH -> {
            }
        }
    }

    private static long number(String name, Pattern format, CmqRequest request) {
        String v = request.optionalString(name);
        if (v == null || v.isEmpty()) {
            throw CmqError.MISSING_PARAMETER.exception(name);
        }
        if (!format.matcher(v).matches()) {
            throw CmqError.WRONG_TYPE.exception(name);
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException over) { // a Nonce of 20 digits beyond 2^63: still a valid UInt64
            return Long.MAX_VALUE;
        }
    }

    /** The hosts a client may have signed: Host header, ± default port, configured public hosts. */
    List<String> hosts(String header) {
        Set<String> hosts = new LinkedHashSet<>();
        if (header != null && !header.isEmpty() && header.length() <= MAX_HOST_CHARS) {
            hosts.add(header);
            int colon = header.lastIndexOf(':');
            boolean hasPort = colon > header.lastIndexOf(']');
            if (!hasPort) {
                hosts.add(header + ":80");
                hosts.add(header + ":443");
            } else {
                String port = header.substring(colon + 1);
                if (port.equals("80") || port.equals("443")) {
                    hosts.add(header.substring(0, colon));
                }
            }
        }
        hosts.addAll(publicHosts);
        return new ArrayList<>(hosts);
    }
}
