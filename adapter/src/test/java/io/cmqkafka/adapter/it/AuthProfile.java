package io.cmqkafka.adapter.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one Quarkus profile with authentication on (each profile restarts Quarkus and its broker, so every
 * auth, fuzz and slow-client suite shares this one). Short HTTP timeouts let the slow-client tests finish
 * fast; no suite of this profile long-polls for more than 2 s.
 */
public class AuthProfile implements QuarkusTestProfile {

    static final String ADMIN_ID = "AKIDauthadmin";
    static final String ADMIN_KEY = "adminsecret";
    /** May only send, and only to queues named auth-perm-*. */
    static final String SEND_ONLY_ID = "AKIDsendonly";
    static final String SEND_ONLY_KEY = "sendsecret";
    /** Limited to 3 requests/s. */
    /** May manage and consume, but only queues named auth-perm-*. */
    static final String SCOPED_ID = "AKIDscoped";
    static final String SCOPED_KEY = "scopedsecret";
    static final String THROTTLED_ID = "AKIDthrottled";
    static final String THROTTLED_KEY = "throttledsecret";
    static final String FUZZ_ID = "AKIDfuzz";
    static final String FUZZ_KEY = "fuzzsecret";
    /** Comes from the credentials file, not from cmq.auth.credentials. */
    static final String FILE_ID = "AKIDfromfile";
    static final String FILE_KEY = "filesecret";
    static final String PUBLIC_HOST = "cmq.example.com";
    /** Limited to 5 requests/s. */
    static final String THROTTLED_QUEUE = "auth-throttled-q";
    static final long IDLE_TIMEOUT_SECONDS = 4;
    static final long BODY_TIMEOUT_SECONDS = 2;

    static final Path CREDENTIALS_FILE = Path.of("target", "auth-test", "credentials").toAbsolutePath();

    static void writeCredentialsFile(String content) {
        try {
            Files.createDirectories(CREDENTIALS_FILE.getParent());
            Path tmp = CREDENTIALS_FILE.resolveSibling("credentials.tmp");
            Files.writeString(tmp, content);
            Files.move(tmp, CREDENTIALS_FILE, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        writeCredentialsFile("# like a mounted Kubernetes secret\n" + FILE_ID + ":" + FILE_KEY + "\n");
        return Map.ofEntries(
                Map.entry("cmq.auth.credentials", String.join(",", ADMIN_ID + ":" + ADMIN_KEY,
                        SEND_ONLY_ID + ":" + SEND_ONLY_KEY, THROTTLED_ID + ":" + THROTTLED_KEY,
                        FUZZ_ID + ":" + FUZZ_KEY, SCOPED_ID + ":" + SCOPED_KEY)),
                Map.entry("cmq.auth.credentials-file", CREDENTIALS_FILE.toString()),
                Map.entry("cmq.auth.credentials-file-check-interval", "200ms"),
                Map.entry("cmq.auth.public-host", PUBLIC_HOST),
                Map.entry("cmq.auth.permissions.\"" + SEND_ONLY_ID + "\".actions", "send"),
                Map.entry("cmq.auth.permissions.\"" + SEND_ONLY_ID + "\".queues", "auth-perm-*"),
                Map.entry("cmq.auth.permissions.\"" + SCOPED_ID + "\".actions", "manage,receive"),
                Map.entry("cmq.auth.permissions.\"" + SCOPED_ID + "\".queues", "auth-perm-*"),
                Map.entry("cmq.rate-limit.keys.\"" + THROTTLED_ID + "\"", "3"),
                Map.entry("cmq.rate-limit.queues.\"" + THROTTLED_QUEUE + "\"", "5"),
                Map.entry("quarkus.http.idle-timeout", IDLE_TIMEOUT_SECONDS + "s"),
                Map.entry("cmq.http.body-timeout", BODY_TIMEOUT_SECONDS + "s"));
    }
}
