package io.cmqkafka.adapter.protocol.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The SecretId → SecretKey table: pairs from {@code cmq.auth.credentials} plus those of
 * {@code cmq.auth.credentials-file}, which a daemon thread re-reads periodically (a Kubernetes secret volume
 * is updated in place). A file that cannot be read or parsed keeps the previous table and is logged; keys are
 * never logged. Lookups are lock-free.
 */
public final class Credentials implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Credentials.class);
    /** {@link #fileContent} while the file cannot be read: never equal to real content. */
    private static final String UNREADABLE = "\u0000unreadable";

    private final Map<String, byte[]> fixed;
    private final Optional<Path> file;
    private volatile Map<String, byte[]> current;
    private volatile String fileContent;
    private ScheduledExecutorService reloader;

    /**
     * @param pairs {@code id:key,id:key} or null
     * @param file a file of {@code id:key} lines or null
     * @throws IllegalArgumentException for a malformed {@code pairs} (the service must not start then)
     */
    public Credentials(String pairs, Path file) {
        this.fixed = pairs == null ? Map.of() : parse(Arrays.asList(pairs.split(",")), "cmq.auth.credentials");
        this.file = Optional.ofNullable(file);
        this.current = fixed;
        reload();
    }

    /** Authentication is on when any credentials source is configured, even an empty or missing file. */
    public boolean enabled() {
        return !fixed.isEmpty() || file.isPresent();
    }

    /** The SecretKey's UTF-8 bytes, or null for an unknown SecretId. */
    public byte[] key(String secretId) {
        return secretId == null ? null : current.get(secretId);
    }

    public int size() {
        return current.size();
    }

    /** Re-reads the file every {@code interval} on a daemon thread. */
    public void startWatching(java.time.Duration interval) {
        if (file.isEmpty() || reloader != null) {
            return;
        }
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cmq-credentials-reload");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(100, interval.toMillis());
        reloader.scheduleWithFixedDelay(this::reload, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Reads the file now; returns whether the table changed. */
    public synchronized boolean reload() {
        if (file.isEmpty()) {
            return false;
        }
        Path f = file.get();
        String content;
        try {
            content = Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            if (!UNREADABLE.equals(fileContent)) {
                LOG.errorf("credentials file %s cannot be read (%s); %d SecretId(s) remain valid", f,
                        e.getClass().getSimpleName(), current.size());
                fileContent = UNREADABLE; // log once until it changes
            }
            return false;
        }
        if (content.equals(fileContent)) {
            return false;
        }
        try {
            Map<String, byte[]> fromFile = parse(Arrays.asList(content.split("\\R")), f.toString());
            Map<String, byte[]> all = new HashMap<>(fromFile);
            all.putAll(fixed);
            current = Collections.unmodifiableMap(all);
            fileContent = content;
            LOG.infof("credentials file %s loaded: %d SecretId(s) in all", f, all.size());
            return true;
        } catch (IllegalArgumentException e) {
            fileContent = content; // log once until it changes
            LOG.errorf("credentials file %s ignored: %s; %d SecretId(s) remain valid", f, e.getMessage(),
                    current.size());
            return false;
        }
    }

    /** {@code id:key} entries; blank entries and {@code #} comments are skipped. */
    static Map<String, byte[]> parse(List<String> entries, String source) {
        Map<String, byte[]> m = new HashMap<>();
        int n = 0;
        for (String raw : entries) {
            n++;
            String e = raw.strip();
            if (e.isEmpty() || e.startsWith("#")) {
                continue;
            }
            int colon = e.indexOf(':');
            String id = colon < 0 ? "" : e.substring(0, colon).strip();
            String key = colon < 0 ? "" : e.substring(colon + 1).strip();
            if (id.isEmpty() || key.isEmpty()) {
                // Never echo the entry: it may hold a key.
                throw new IllegalArgumentException(source + ": entry " + n + " is not of the form SecretId:SecretKey");
            }
            if (m.put(id, key.getBytes(StandardCharsets.UTF_8)) != null) {
                throw new IllegalArgumentException(source + ": SecretId " + id + " appears twice");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
