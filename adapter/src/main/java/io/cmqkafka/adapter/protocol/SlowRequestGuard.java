package io.cmqkafka.adapter.protocol;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * Slow clients (slowloris): once a request's headers are in, its whole body must arrive within
 * {@code cmq.http.body-timeout}; otherwise the client gets CMQ error 4000/10420 and the connection is closed.
 * Headers themselves are bounded by {@code quarkus.http.idle-timeout} (no byte for that long closes the
 * connection), their size limits and {@code quarkus.http.limits.max-connections}. The timer stops when the
 * response ends, so a long poll (up to 30 s after its body arrived) is not affected.
 */
@ApplicationScoped
public class SlowRequestGuard {

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
    public SlowRequestGuard(HttpLimits limits) {
        this.timeoutMillis = Math.max(1, limits.bodyTimeout().toMillis());
        this.timeoutText = timeoutMillis % 1000 == 0 ? timeoutMillis / 1000 + " s" : timeoutMillis + " ms";
    }

    void install(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(this::watch);
    }

    void watch(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (!request.isEnded() && !request.path().startsWith("/q/")) {
            long timer = rc.vertx().setTimer(timeoutMillis, id -> expire(rc));
            rc.addEndHandler(v -> rc.vertx().cancelTimer(timer));
        }
        rc.next();
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
