package io.cmqkafka.adapter.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Answers requests whose declared body is over 1 MiB with CMQ error 4000/10420 and HTTP 200, before
 * Quarkus's {@code quarkus.http.limits.max-body-size} check (router order -2) would answer a bare HTTP 413,
 * which the Java SDK cannot parse and the Python SDK turns into a network exception (cmq-api.md §1.5).
 * Bodies of moderate size are read and dropped so the keep-alive connection stays usable; beyond
 * {@link #DRAIN_LIMIT} the connection is closed after the answer. Chunked bodies (no Content-Length; no
 * SDK sends them) are left to {@link FormParser}'s own check.
 */
@ApplicationScoped
public class RequestSizeGuard {

    /** Before Quarkus's body-size route (order -2). */
    static final int ROUTE_ORDER = -3;
    /** Declared bodies up to this size are drained, larger ones end the connection. */
    static final long DRAIN_LIMIT = 16L << 20;

    void install(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(RequestSizeGuard::check);
    }

    static void check(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        long length = declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        if (length <= Limits.MAX_REQUEST_BYTES || request.path().startsWith("/q/")) {
            rc.next();
            return;
        }
        String requestId = RequestIds.next();
        Buffer json = Buffer.buffer(CmqResponse.error(CmqError.REQUEST_TOO_LARGE.exception("request"))
                .toJson(requestId, null));
        HttpServerResponse response = rc.response()
                .setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, CmqResponse.CONTENT_TYPE);
        if (length > DRAIN_LIMIT || request.isEnded()) {
            if (!request.isEnded()) {
                response.putHeader(HttpHeaders.CONNECTION, "close");
                response.endHandler(v -> request.connection().close());
            }
            response.end(json);
            return;
        }
        request.handler(chunk -> {
        });
        request.exceptionHandler(e -> request.connection().close());
        request.endHandler(v -> response.end(json));
        request.resume();
    }

    /** The Content-Length value; -1 when absent or not a number. */
    static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
