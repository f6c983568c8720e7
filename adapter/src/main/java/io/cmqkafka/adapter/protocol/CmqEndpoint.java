package io.cmqkafka.adapter.protocol;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * The CMQ HTTP entry point: POST (form body) or GET (query string) on {@code /v2/index.php}, {@code /} or
 * any other path (the TDMQ Go SDK posts to the endpoint URL's own path), except Quarkus's {@code /q/...}.
 * Non-blocking: ReceiveMessage long-polls in the engine for up to 30 s. Always HTTP 200 with CMQ JSON.
 */
@Path("/")
public class CmqEndpoint {

    /** Anything but the non-application root (/q/health, /q/metrics). */
    private static final String ANY_PATH = "{path: (?!q/).*}";

    private final CmqDispatcher dispatcher;

    @Inject
    public CmqEndpoint(CmqDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** POST parameters come from the body only; the query string is ignored (as CMQ does). */
    @POST
    @Path(ANY_PATH)
    @Consumes(MediaType.WILDCARD) // Java SDK: "*/*;charset=utf-8", Python: no Content-Type
    public CompletionStage<Response> post(byte[] body, @Context HttpServerRequest http) {
        return reply(dispatcher.dispatch("POST", http.host(), http.path(), body == null ? new byte[0] : body));
    }

    @GET
    @Path(ANY_PATH)
    public CompletionStage<Response> get(@Context HttpServerRequest http) {
        String query = http.query();
        return reply(dispatcher.dispatch("GET", http.host(), http.path(),
                query == null ? new byte[0] : query.getBytes(StandardCharsets.UTF_8)));
    }

    private static CompletionStage<Response> reply(CompletionStage<byte[]> json) {
        return json.thenApply(CmqEndpoint::ok);
    }

    static Response ok(byte[] json) {
        return Response.ok(json, CmqResponse.CONTENT_TYPE).build();
    }
}
