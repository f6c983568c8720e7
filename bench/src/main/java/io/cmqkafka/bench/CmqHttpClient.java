package io.cmqkafka.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An asynchronous CMQ v2 client on the JDK's {@link HttpClient} (HTTP/1.1, keep-alive: one pooled connection
 * per request in flight). Every request carries the common parameters and a signature, as the official
 * Java SDK sends them (POST, form body, {@code Content-Type: *}{@code /*;charset=utf-8}).
 */
public final class CmqHttpClient implements AutoCloseable {

    /** Thrown (inside the future) for a CMQ answer with code != 0. */
    public static final class CmqError extends RuntimeException {
        public final int code;

        CmqError(int code, String message) {
            super("code " + code + ": " + message, null, false, false);
            this.code = code;
        }
    }

    public static final String PATH = "/v2/index.php";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient[] http;
    private final ExecutorService executor;
    private final URI uri;
    private final String host;
    private final String secretId;
    private final CmqSigner signer;

    /**
     * @param clients independent HttpClients (each has one selector thread and its own pool); requests are spread
     *                over them at random
     * @param threads threads that run the response callbacks (shared)
     */
    public CmqHttpClient(String hostPort, String secretId, String secretKey, CmqSigner.Method method, int clients,
            int threads) {
        this.host = hostPort;
        this.uri = URI.create("http://" + hostPort + PATH);
        this.secretId = secretId;
        this.signer = new CmqSigner(secretKey, method);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "cmq-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.http = new HttpClient[Math.max(1, clients)];
        for (int i = 0; i < http.length; i++) {
            http[i] = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(executor)
                    .build();
        }
    }

    /** Calls {@code action}; completes with the JSON answer if code == 0, else with a {@link CmqError}. */
    public CompletableFuture<JsonNode> call(String action, Map<String, String> actionParams, Duration timeout) {
        Map<String, String> p = new HashMap<>(actionParams.size() + 8);
        p.putAll(actionParams);
        p.put("Action", action);
        p.put("Nonce", Integer.toString(ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE)));
        p.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
        p.put("SecretId", secretId);
        p.put("SignatureMethod", signer.method().paramValue());
        p.put("RequestClient", "CMQ_BENCH_1.0");
        p.put("Signature", signer.sign("POST", host, PATH, p));
        HttpRequest req = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "*/*;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(CmqSigner.formBody(p)))
                .build();
        HttpClient client = http[http.length == 1 ? 0 : ThreadLocalRandom.current().nextInt(http.length)];
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            JsonNode node;
            try {
                node = JSON.readTree(r.body());
            } catch (Exception e) {
                throw new CmqError(-r.statusCode(), "not JSON: " + new String(r.body(), 0, Math.min(200, r.body().length)));
            }
            int code = node.path("code").asInt(-1);
            if (code != 0) {
                throw new CmqError(code, node.path("message").asText());
            }
            return node;
        });
    }

    public CompletableFuture<JsonNode> call(String action, Map<String, String> params) {
        return call(action, params, Duration.ofSeconds(40));
    }

    public static Map<String, String> batch(String queue, String name, List<String> values) {
        Map<String, String> p = new HashMap<>(values.size() + 2);
        p.put("queueName", queue);
        for (int i = 0; i < values.size(); i++) {
            p.put(name + "." + (i + 1), values.get(i));
        }
        return p;
    }

    /** The code of a failure (CmqError code, or -1 for transport errors). */
    public static int codeOf(Throwable t) {
        while (t != null && !(t instanceof CmqError) && t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t instanceof CmqError e ? e.code : -1;
    }

    public static String describe(Throwable t) {
        while (t.getCause() != null && !(t instanceof CmqError)) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
