package io.cmqkafka.adapter.protocol;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Failures raised by RESTEasy before (or outside) {@link CmqEndpoint}'s methods, e.g. 405 for PUT or 415,
 * still answer CMQ JSON with HTTP 200, since the Java SDK parses any body and chokes on non-JSON.
 * This is the service's only JAX-RS API, so the mappers are global.
 */
public class CmqExceptionMappers {

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, ContainerRequestContext request) {
        return reply(CmqError.BAD_METHOD.exception(request.getMethod()));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, ContainerRequestContext request) {
        return reply(CmqError.INVALID_PARAMETERS.exception());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, ContainerRequestContext request) {
        String requestId = RequestIds.next();
        return CmqEndpoint.ok(CmqResponse.error(CmqDispatcher.toCmq(e, null, requestId)).toJson(requestId, null));
    }

    private static Response reply(CmqException e) {
        return CmqEndpoint.ok(CmqResponse.error(e).toJson(RequestIds.next(), null));
    }
}
