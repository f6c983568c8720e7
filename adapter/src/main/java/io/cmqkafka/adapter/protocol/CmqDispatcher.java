package io.cmqkafka.adapter.protocol;

import io.cmqkafka.adapter.engine.QueueException;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * Form bytes in, CMQ JSON out: parse, find the action, run it, wrap the result or error in the envelope.
 * Never fails: every error, expected or not, becomes a CMQ error body. Free of HTTP/JAX-RS types so it
 * can be tested directly.
 */
@ApplicationScoped
public class CmqDispatcher {

    private static final Logger LOG = Logger.getLogger(CmqDispatcher.class);

    private final ActionRegistry registry;
    private final RequestGuard guard;

    @Inject
    public CmqDispatcher(@All List<ActionFamily> families, RequestGuard guard) {
        this(new ActionRegistry(families), guard);
    }

    public CmqDispatcher(List<? extends ActionFamily> families) {
        this(new ActionRegistry(families), RequestGuard.NONE);
    }

    public CmqDispatcher(ActionRegistry registry) {
        this(registry, RequestGuard.NONE);
    }

    public CmqDispatcher(ActionRegistry registry, RequestGuard guard) {
        this.registry = registry;
        this.guard = guard;
    }

    /** The JSON reply for one request; {@code form} is the POST body or the GET query string. */
    public CompletionStage<byte[]> dispatch(String method, String host, String path, byte[] form) {
        String requestId = RequestIds.next();
        Map<String, String> params = Map.of();
        CompletionStage<Map<String, Object>> result;
        try {
            params = FormParser.parse(form);
            CmqRequest request = new CmqRequest(method, host, path, params);
            // Signature, replay window, permissions and rate limits, before the action is even looked up.
            guard.check(request);
            result = registry.find(request.action()).handle(request);
            if (result == null) {
                throw new IllegalStateException("handler for " + request.action() + " returned null");
            }
        } catch (Throwable t) {
            result = CompletableFuture.failedFuture(t);
        }
        String action = params.get(CmqRequest.ACTION);
        String clientRequestId = params.get("clientRequestId");
        java.util.function.BiFunction<Map<String, Object>, Throwable, byte[]> reply = (fields, failure) ->
                (failure == null ? CmqResponse.success(fields) : CmqResponse.error(toCmq(failure, action, requestId)))
                        .toJson(requestId, clientRequestId);
        // An answer that is not ready yet completes on a Kafka client thread (the producer's I/O thread);
        // build the JSON back on the request's own event loop, which writes the response anyway, so the
        // Kafka thread goes straight back to its network work.
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context == null || result.toCompletableFuture().isDone()) {
            return result.handle(reply);
        }
        return result.handleAsync(reply, task -> context.runOnContext(v -> task.run()));
    }

    /** Maps any failure to a CMQ error; unexpected ones are logged here, once. */
    public static CmqException toCmq(Throwable failure, String action, String requestId) {
        Throwable t = io.cmqkafka.adapter.engine.Failures.unwrap(failure);
        if (t instanceof CmqException e) {
            return e;
        }
        if (t instanceof QueueException e) {
            if (e.kind() == QueueException.Kind.UNAVAILABLE) {
                LOG.warnf("requestId %s action %s: engine unavailable: %s", requestId, action, e.getMessage());
            }
            return CmqError.of(e.kind()).exception();
        }
        if (t instanceof io.cmqkafka.adapter.topic.TopicException e) {
            return switch (e.kind()) {
                case UNAVAILABLE -> {
                    LOG.warnf("requestId %s action %s: topic engine unavailable: %s", requestId, action,
                            e.getMessage());
                    yield CmqError.INTERNAL.exception();
                }
                case ILLEGAL_ENDPOINT -> CmqError.ILLEGAL_ENDPOINT.exception(Limits.echo(e.getMessage()));
                default -> CmqError.of(e.kind()).exception();
            };
        }
        LOG.errorf(t, "requestId %s action %s: unexpected failure", requestId, action);
        return CmqError.INTERNAL.exception();
    }
}
