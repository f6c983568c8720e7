package io.cmqkafka.adapter.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cmqkafka.adapter.engine.PeerClient;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.ReceivedMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** {@link PeerClient} over HTTP/1.1 keep-alive to the owners' {@link PeerEndpoint}. */
public final class HttpPeerClient implements PeerClient {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json;
    private final Supplier<String> token;

    public HttpPeerClient(ObjectMapper json, Supplier<String> token) {
        this.json = json;
        this.token = token;
    }

    private CompletableFuture<JsonNode> call(String ownerUrl, String op, PeerMessages.PartitionsRequest body,
            Duration timeout) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(ownerUrl + PeerEndpoint.BASE + "/" + op))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header(PeerEndpoint.TOKEN_HEADER, String.valueOf(token.get()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                    .build();
            return http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw new QueueException(QueueException.Kind.UNAVAILABLE,
                            "peer " + ownerUrl + " answered " + r.statusCode());
                }
                try {
                    JsonNode n = json.readTree(r.body());
                    if (n.has("kind")) {
                        throw new QueueException(QueueException.Kind.valueOf(n.get("kind").asText("UNAVAILABLE")
                                .equals("UNKNOWN_OP") ? "UNAVAILABLE" : n.get("kind").asText()),
                                "peer: " + n.path("message").asText());
                    }
                    return n;
                } catch (java.io.IOException e) {
                    throw new QueueException(QueueException.Kind.UNAVAILABLE, "peer reply unreadable", e);
                }
            });
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<List<ReceivedMessage>> receive(String ownerUrl, String queue, String queueId,
            List<Integer> partitions, int max, long visibilityMillis) {
        return call(ownerUrl, "receive", new PeerMessages.PartitionsRequest(queue, queueId, partitions, max,
                visibilityMillis, null), Duration.ofSeconds(10)).thenApply(n -> {
                    List<ReceivedMessage> out = new ArrayList<>();
                    for (JsonNode m : n.path("messages")) {
                        out.add(json.convertValue(m, ReceivedMessage.class));
                    }
                    return out;
                });
    }

    @Override
    public CompletableFuture<Boolean> await(String ownerUrl, String queue, String queueId, List<Integer> partitions,
            long waitMillis) {
        return call(ownerUrl, "await", new PeerMessages.PartitionsRequest(queue, queueId, partitions, 0, waitMillis,
                null), Duration.ofMillis(waitMillis + 5000)).thenApply(n -> n.path("available").asBoolean());
    }

    @Override
    public CompletableFuture<List<QueueException.Kind>> delete(String ownerUrl, String queue, String queueId,
            List<String> receiptHandles) {
        return call(ownerUrl, "delete", new PeerMessages.PartitionsRequest(queue, queueId, null, 0, 0,
                receiptHandles), Duration.ofSeconds(10)).thenApply(HttpPeerClient::outcomes);
    }

    @Override
    public CompletableFuture<List<QueueException.Kind>> changeVisibility(String ownerUrl, String queue,
            String queueId, List<String> receiptHandles, long visibilityMillis) {
        return call(ownerUrl, "visibility", new PeerMessages.PartitionsRequest(queue, queueId, null, 0,
                visibilityMillis, receiptHandles), Duration.ofSeconds(10)).thenApply(HttpPeerClient::outcomes);
    }

    private static List<QueueException.Kind> outcomes(JsonNode n) {
        List<QueueException.Kind> out = new ArrayList<>();
        for (JsonNode k : n.path("outcomes")) {
            out.add(k.isNull() ? null : QueueException.Kind.valueOf(k.asText()));
        }
        return out;
    }

    @Override
    public CompletableFuture<long[]> counters(String ownerUrl, String queue, String queueId, List<Integer> partitions,
            List<Long> rewindFrom) {
        return call(ownerUrl, "counters", new PeerMessages.PartitionsRequest(queue, queueId, partitions, 0, 0, null,
                rewindFrom), Duration.ofSeconds(5)).thenApply(n -> {
                    long[] c = new long[5];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = n.path("counters").path(i).asLong();
                    }
                    return c;
                });
    }

    @Override
    public CompletableFuture<Void> rewind(String ownerUrl, String queue, String queueId, List<Integer> partitions,
            List<Long> offsets) {
        return call(ownerUrl, "rewind", new PeerMessages.PartitionsRequest(queue, queueId, partitions, 0, 0, null,
                offsets), Duration.ofSeconds(30)).thenApply(n -> null);
    }
}
