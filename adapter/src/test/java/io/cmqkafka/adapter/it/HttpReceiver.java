package io.cmqkafka.adapter.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.IntSupplier;

/**
 * A real HTTP endpoint for subscriptions (JDK HttpServer on 127.0.0.1). Answers each request with the next
 * scripted behaviour (a status, or a stall longer than the push timeout), then with the default; records
 * every request it received.
 */
final class HttpReceiver implements AutoCloseable {

    /** Request as received. */
    record Request(long atMillis, Map<String, List<String>> headers, String body) {
        String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** A behaviour: answer with this status after sleeping this long. */
    record Answer(int status, long delayMillis) {
        static Answer status(int s) {
            return new Answer(s, 0);
        }

        static Answer stall(long millis) {
            return new Answer(200, millis);
        }
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private volatile Answer fallback;
    /** Consulted first: an answer for a request body, or null for the script / fallback. */
    private volatile java.util.function.Function<String, Answer> byBody = b -> null;
    final List<Request> requests = new CopyOnWriteArrayList<>();

    HttpReceiver(Answer fallback, Answer... first) throws IOException {
        this.fallback = fallback;
        script.addAll(List.of(first));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-http-receiver");
            t.setDaemon(true); // stalled handlers must not keep the test JVM alive
            return t;
        }));
        server.createContext("/", ex -> {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.add(new Request(System.currentTimeMillis(), Map.copyOf(ex.getRequestHeaders()),
                    new String(body, StandardCharsets.UTF_8)));
            Answer a = byBody.apply(new String(body, StandardCharsets.UTF_8));
            if (a == null) {
                a = script.poll();
            }
            if (a == null) {
                a = fallback;
            }
            if (a.delayMillis() > 0) {
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                ex.sendResponseHeaders(a.status(), -1);
            } catch (IOException gone) {
                // the pusher gave up on this request already
            }
            ex.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers requests by their body first ({@code rule} returns null for "as scripted"). */
    HttpReceiver answerBy(java.util.function.Function<String, Answer> rule) {
        byBody = rule;
        return this;
    }

    /** Requests whose body is {@code body}, in arrival order. */
    List<Request> requestsFor(String body) {
        return requests.stream().filter(r -> r.body().equals(body)).toList();
    }

    void setFallback(Answer a) {
        fallback = a;
    }

    List<String> bodies() {
        List<String> out = new ArrayList<>();
        requests.forEach(r -> out.add(r.body()));
        return out;
    }

    /** Waits until at least {@code n} requests arrived (polling), at most {@code millis}. */
    boolean await(int n, long millis) throws InterruptedException {
        return awaitCount(() -> requests.size(), n, millis);
    }

    static boolean awaitCount(IntSupplier count, int n, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (count.getAsInt() < n) {
            if (System.currentTimeMillis() > end) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
