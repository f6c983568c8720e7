package io.cmqkafka.adapter.topic;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * One HTTP push as CMQ's notification service does it (cmq-api.md §2.6): POST, {@code Content-Type:
 * text/plain}, {@code User-Agent: Qcloud Notification Service Agent}, {@code x-cmq-request-id},
 * {@code x-cmq-message-id}, {@code x-cmq-message-tag} (tags joined by ", "); the body is the JSON envelope or,
 * for SIMPLIFIED, the raw message. Any 2xx within the push timeout is a success. Redirects are not followed
 * (they could lead outside the allow-list), and the allow-list is checked with a fresh DNS lookup first.
 */
final class Pusher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Pusher.class);
    static final String USER_AGENT = "Qcloud Notification Service Agent";

    private final TopicSettings settings;
    private final ObjectMapper json;
    private final ExecutorService executor;
    private final HttpClient client;

    Pusher(TopicSettings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "cmq-push");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.pushTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    /** Completes with true on a 2xx answer; never fails. */
    CompletableFuture<Boolean> push(SubscriptionRecord sub, TopicMessage m) {
        try {
            String refusal = settings.allowed().refusal(sub.endpoint());
            if (refusal != null) {
                LOG.warnf("subscription %s/%s: push refused: %s", sub.topic(), sub.name(), refusal);
                return CompletableFuture.completedFuture(false);
            }
            String body;
            if (SubscriptionRecord.SIMPLIFIED.equals(sub.notifyContentFormat())) {
                body = m.bodyText();
            } else {
                Map<String, Object> envelope = new LinkedHashMap<>();
                envelope.put("TopicOwner", 0);
                envelope.put("topicName", sub.topic());
                envelope.put("subscriptionName", sub.name());
                envelope.put("msgId", m.msgId());
                envelope.put("msgBody", m.bodyText());
                envelope.put("publishTime", m.publishedAt() / 1000);
                body = json.writeValueAsString(envelope);
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sub.endpoint()))
                    .timeout(settings.pushTimeout())
                    .header("Content-Type", "text/plain")
                    .header("User-Agent", USER_AGENT)
                    .header("x-cmq-request-id", UUID.randomUUID().toString())
                    .header("x-cmq-message-id", m.msgId())
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
            if (!m.tags().isEmpty()) {
                b.header("x-cmq-message-tag", String.join(", ", m.tags()));
            }
            return client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
                    .handle((resp, ex) -> {
                        if (ex != null) {
                            LOG.debugf("push to %s failed: %s", sub.endpoint(), ex.toString());
                            return false;
                        }
                        return resp.statusCode() / 100 == 2;
                    });
        } catch (Exception e) {
            LOG.warnf("subscription %s/%s: cannot push: %s", sub.topic(), sub.name(), e.toString());
            return CompletableFuture.completedFuture(false);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
