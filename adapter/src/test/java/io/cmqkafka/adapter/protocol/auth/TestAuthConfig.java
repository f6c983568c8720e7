package io.cmqkafka.adapter.protocol.auth;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A plain {@link AuthConfig} for unit tests, with builder-style changes. */
final class TestAuthConfig implements AuthConfig {

    String credentials;
    String credentialsFile;
    List<String> publicHosts;
    long window = 300;
    int nonceCacheSize = 1000;
    boolean atVariant = true;
    final Map<String, Permission> permissions = new HashMap<>();

    TestAuthConfig credentials(String c) {
        credentials = c;
        return this;
    }

    TestAuthConfig permission(String id, List<String> queues, List<String> actions) {
        permissions.put(id, new Permission() {
            @Override
            public List<String> queues() {
                return queues;
            }

            @Override
            public List<String> topics() {
                return List.of("*");
            }

            @Override
            public List<String> actions() {
                return actions;
            }
        });
        return this;
    }

    @Override
    public Optional<String> credentials() {
        return Optional.ofNullable(credentials);
    }

    @Override
    public Optional<String> credentialsFile() {
        return Optional.ofNullable(credentialsFile);
    }

    @Override
    public Duration credentialsFileCheckInterval() {
        return Duration.ofSeconds(10);
    }

    @Override
    public Optional<List<String>> publicHost() {
        return Optional.ofNullable(publicHosts);
    }

    @Override
    public long timestampWindowSeconds() {
        return window;
    }

    @Override
    public int nonceCacheSize() {
        return nonceCacheSize;
    }

    @Override
    public boolean acceptPythonAtVariant() {
        return atVariant;
    }

    boolean requireAkid;

    @Override
    public boolean requireAkidPrefix() {
        return requireAkid;
    }

    @Override
    public Map<String, Permission> permissions() {
        return permissions;
    }
}
