package io.cmqkafka.adapter.cluster;

import io.cmqkafka.adapter.ServiceRuntime;
import io.cmqkafka.adapter.engine.QueueEngine;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.cluster.PeerMessages.AwaitReply;
import io.cmqkafka.adapter.cluster.PeerMessages.CountersReply;
import io.cmqkafka.adapter.cluster.PeerMessages.DeleteReply;
import io.cmqkafka.adapter.cluster.PeerMessages.ErrorReply;
import io.cmqkafka.adapter.cluster.PeerMessages.PartitionsRequest;
import io.cmqkafka.adapter.cluster.PeerMessages.ReceiveReply;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Where other instances reach the partitions this instance owns. Guarded by the cluster token
 * that every instance reads from the metadata topic; never part of the CMQ API.
 */
@Path(PeerEndpoint.BASE)
public class PeerEndpoint {

    static final String BASE = "/cmq-internal/v1";
    static final String TOKEN_HEADER = "X-Cmq-Cluster-Token";

    @Inject
    ServiceRuntime runtime;

    @POST
    @Path("{op}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> call(@PathParam("op") String op, @HeaderParam(TOKEN_HEADER) String token,
            PartitionsRequest req) {
        QueueEngine engine = runtime.engine();
        if (engine == null || !tokenMatches(engine.clusterToken(), token)) {
            return CompletableFuture.completedFuture(Response.status(403).build());
        }
        CompletableFuture<Object> reply;
        try {
            reply = switch (op) {
                case "receive" -> engine.serveReceive(req.queue(), req.queueId(), req.partitions(), req.max(),
                        req.millis()).thenApply(ReceiveReply::new);
                case "await" -> engine.serveAwait(req.queue(), req.queueId(), req.partitions(), req.millis())
                        .thenApply(AwaitReply::new);
                case "delete" -> engine.serveDelete(req.queue(), req.queueId(), req.receiptHandles())
                        .thenApply(PeerEndpoint::outcomes);
                case "visibility" -> engine.serveChangeVisibility(req.queue(), req.queueId(), req.receiptHandles(),
                        req.millis()).thenApply(PeerEndpoint::outcomes);
                case "counters" -> engine.serveCounters(req.queue(), req.queueId(), req.partitions(), req.offsets())
                        .thenApply(CountersReply::new);
                case "rewind" -> engine.serveRewind(req.queue(), req.queueId(), req.partitions(), req.offsets())
                        .thenApply(v -> new PeerMessages.DoneReply(true));
                default -> CompletableFuture.completedFuture(new ErrorReply("UNKNOWN_OP", op));
            };
        } catch (QueueException e) {
            reply = CompletableFuture.completedFuture(new ErrorReply(e.kind().name(), e.getMessage()));
        }
        return reply.handle((r, ex) -> {
            if (ex != null) {
                Throwable c = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
                String kind = c instanceof QueueException qe ? qe.kind().name() : "UNAVAILABLE";
                return Response.ok(new ErrorReply(kind, String.valueOf(c.getMessage()))).build();
            }
            return Response.ok(r).build();
        });
    }

    private static Object outcomes(List<QueueException.Kind> kinds) {
        List<String> out = new ArrayList<>();
        kinds.forEach(k -> out.add(k == null ? null : k.name()));
        return new DeleteReply(out);
    }

    static boolean tokenMatches(String expected, String given) {
        return expected != null && given != null && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
