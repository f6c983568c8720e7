package io.cmqkafka.adapter.protocol;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The first route of every request, for what happens before an action is parsed.
 *
 * <p>Slow clients (slowloris): once a request's headers are in, its whole body must arrive within
 * {@code cmq.http.body-timeout}; otherwise the client gets CMQ error 4000/10420 and the connection is closed.
 * Headers themselves are bounded by {@code quarkus.http.idle-timeout} (no byte for that long closes the
 * connection), their size limits and {@code quarkus.http.limits.max-connections}. The timer stops when the
 * response ends, so a long poll (up to 30 s after its body arrived) is not affected.
 *
 * <p>An HTTP/1.1 request without Host header, which Vert.x would refuse with a bare 400, gets CMQ
 * 4000/10110; and any failure raised in the HTTP layer outside the CMQ endpoint (which Quarkus would answer
 * with its error page, a stack trace in dev and test mode) becomes a CMQ error with HTTP 200 and no details.
 */
@ApplicationScoped
public class HttpGuard {

    private static final Logger LOG = Logger.getLogger(HttpGuard.class);

    /** Before {@link RequestSizeGuard} and Quarkus's body handling. */
    static final int ROUTE_ORDER = RequestSizeGuard.ROUTE_ORDER - 1;

    @ConfigMapping(prefix = "cmq.http")
    public interface HttpLimits {
        /** Longest time from a request's headers to the end of its body. */
        @WithDefault("20s")
        Duration bodyTimeout();
    }

    private final long timeoutMillis;
    private final String timeoutText;

    @Inject
    public HttpGuard(HttpLimits limits) {
        this.timeoutMillis = Math.max(1, limits.bodyTimeout().toMillis());
        this.timeoutText = timeoutMillis % 1000 == 0 ? timeoutMillis / 1000 + " s" : timeoutMillis + " ms";
    }

    void install(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(this::watch).failureHandler(HttpGuard::failure);
    }

    void watch(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (isQuarkusPath(request)) {
            rc.next();
            return;
        }
        if (missingHost(request)) {
            answer(rc, CmqError.BAD_ENCODING.exception("the Host header is required"));
            return;
        }
        if (!request.isEnded()) {
            long timer = rc.vertx().setTimer(timeoutMillis, id -> expire(rc));
            rc.addEndHandler(v -> rc.vertx().cancelTimer(timer));
        }
        rc.next();
    }

    private static boolean missingHost(HttpServerRequest request) {
        return request.version() != HttpVersion.HTTP_2 && request.getHeader(HttpHeaders.HOST) == null;
    }

    private static boolean isQuarkusPath(HttpServerRequest request) {
        String path = request.path();
        return path != null && path.startsWith("/q/");
    }

    static void failure(RoutingContext rc) {
        HttpServerResponse response = rc.response();
        if (isQuarkusPath(rc.request()) || response.ended() || response.headWritten()) {
            rc.next();
            return;
        }
        int status = rc.statusCode();
        CmqException e;
        if (missingHost(rc.request())) { // Vert.x refuses it before any route runs
            e = CmqError.BAD_ENCODING.exception("the Host header is required");
        } else if (status == 413) {
            e = CmqError.REQUEST_TOO_LARGE.exception("request");
        } else if (status >= 400 && status < 500) {
            e = CmqError.INVALID_PARAMETERS.exception();
        } else {
            LOG.warnf(rc.failure(), "HTTP-level failure (status %d) answered with CMQ error 6000", status);
            e = CmqError.INTERNAL.exception();
        }
        answer(rc, e);
    }

    private static void answer(RoutingContext rc, CmqException e) {
        rc.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, CmqResponse.CONTENT_TYPE)
                .end(Buffer.buffer(CmqResponse.error(e).toJson(RequestIds.next(), null)));
    }

    private void expire(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        if (request.isEnded() || response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            request.connection().close();
            return;
        }
        Buffer json = Buffer.buffer(CmqResponse.error(CmqError.REQUEST_TOO_LARGE.exception(
                "request (body not complete within " + timeoutText + ")")).toJson(RequestIds.next(), null));
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, CmqResponse.CONTENT_TYPE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(v -> request.connection().close());
        response.end(json);
    }
}
