package io.cmqkafka.adapter.protocol;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The CMQ requests themselves (POST with a form body, GET with a query string, on any path but Quarkus's
 * {@code /q/...} and the internal {@code /cmq-internal/...}) as a plain Vert.x route, ahead of the JAX-RS endpoint {@link CmqEndpoint}.
 *
 * <p>Why: through RESTEasy a POST body that is not complete when the headers arrive is read with a blocking
 * stream on a worker thread, so every batch request crossed event loop → worker → Kafka thread → event loop,
 * and the JAX-RS layer cost more CPU than parsing and answering the request (issue 7). Here the body is
 * collected on the event loop and the answer is written from it. Everything else (other methods, which
 * answer 4000/10410, and anything this route does not take) still goes to {@link CmqEndpoint} and its
 * exception mappers, unchanged; the answers of this route are the ones the endpoint gives.
 */
@ApplicationScoped
public class CmqRoute {

    /** After {@link HttpGuard}, {@link RequestSizeGuard} and Quarkus's body-size route (order -2). */
    static final int ROUTE_ORDER = -1;
    private static final byte[] EMPTY = new byte[0];
    /** {@code cluster.PeerEndpoint}'s base path is under this. */
    static final String INTERNAL_PREFIX = "/cmq-internal/";

    private final CmqDispatcher dispatcher;
    private final long maxBodyBytes;

    @Inject
    public CmqRoute(CmqDispatcher dispatcher,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K") MemorySize maxBody) {
        this.dispatcher = dispatcher;
        this.maxBodyBytes = maxBody.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpMethod method = request.method();
        String path = request.path();
        // Quarkus's /q/... and the instances' internal API (cluster.PeerEndpoint, JAX-RS) are not CMQ requests;
        // every path under /cmq-internal/ is left to RESTEasy so it resolves exactly as before.
        if (path == null || path.startsWith("/q/") || path.startsWith(INTERNAL_PREFIX)
                || (method != HttpMethod.POST && method != HttpMethod.GET)) {
            rc.next();
            return;
        }
        if (method == HttpMethod.GET) {
            String query = request.query();
            reply(rc, dispatcher.dispatch("GET", request.host(), path,
                    query == null ? EMPTY : query.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        new BodyReader(rc, request, path).start();
    }

    /** Collects a POST body on the event loop, then dispatches it. */
    private final class BodyReader {
        private final RoutingContext rc;
        private final HttpServerRequest request;
        private final String path;
        private Buffer body;
        private boolean tooLarge;

        BodyReader(RoutingContext rc, HttpServerRequest request, String path) {
            this.rc = rc;
            this.request = request;
            this.path = path;
        }

        void start() {
            if (request.isEnded()) {
                dispatch(EMPTY);
                return;
            }
            request.handler(this::chunk);
            request.endHandler(v -> {
                if (!tooLarge) {
                    dispatch(body == null ? EMPTY : body.getBytes());
                }
            });
            request.exceptionHandler(e -> {
                // The connection failed while the body was arriving: nobody to answer.
            });
            String expect = request.getHeader(HttpHeaders.EXPECT);
            if (expect != null && expect.equalsIgnoreCase("100-continue")) {
                rc.response().writeContinue();
            }
            request.resume();
        }

        private void chunk(Buffer data) {
            if (tooLarge) {
                return;
            }
            long size = (body == null ? 0 : body.length()) + (long) data.length();
            if (size > maxBodyBytes) {
                // As Quarkus's body-size limit did (413, answered by HttpGuard): CMQ 4000/10420; the rest of
                // the body is not read, so the connection ends with the answer.
                tooLarge = true;
                HttpServerResponse response = rc.response();
                if (!response.ended() && !response.closed()) {
                    response.setStatusCode(200)
                            .putHeader(HttpHeaders.CONTENT_TYPE, CmqResponse.CONTENT_TYPE)
                            .putHeader(HttpHeaders.CONNECTION, "close")
                            .endHandler(v -> request.connection().close());
                    response.end(Buffer.buffer(CmqResponse.error(CmqError.REQUEST_TOO_LARGE.exception("request"))
                            .toJson(RequestIds.next(), null)));
                }
                return;
            }
            if (body == null) {
                body = Buffer.buffer((int) Math.min(maxBodyBytes, Math.max(data.length(), declaredLength())));
            }
            body.appendBuffer(data);
        }

        private int declaredLength() {
            long n = RequestSizeGuard.declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
            return n > 0 && n <= Integer.MAX_VALUE ? (int) n : 0;
        }

        private void dispatch(byte[] form) {
            reply(rc, dispatcher.dispatch("POST", request.host(), path, form));
        }
    }

    private static void reply(RoutingContext rc, CompletionStage<byte[]> json) {
        json.whenComplete((bytes, failure) -> {
            if (failure != null) { // dispatch never fails; should it, answer as the endpoint's mapper would
                rc.fail(failure);
                return;
            }
            HttpServerResponse response = rc.response();
            if (response.ended() || response.closed()) {
                return; // the client went away during a long poll, or HttpGuard answered already
            }
            // Header spelled as the JAX-RS endpoint wrote it.
            response.setStatusCode(200)
                    .putHeader("Content-Type", CmqResponse.CONTENT_TYPE)
                    .end(Buffer.buffer(bytes));
        });
    }
}
