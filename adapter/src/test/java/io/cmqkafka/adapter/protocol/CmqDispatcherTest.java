package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.QueueException.Kind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The envelope and the request-level errors, independent of particular actions. */
class CmqDispatcherTest {

    private final Wire wire = new Wire();

    @Test
    void successEnvelope() {
        JsonNode r = wire.post("Action=DeleteQueue&queueName=q1");
        assertThat(r.get("code").isInt()).isTrue();
        assertThat(r.get("code").asInt()).isZero();
        assertThat(r.get("message").isTextual()).isTrue();
        assertThat(r.get("message").asText()).isEmpty();
        assertThat(r.get("requestId").isTextual()).isTrue();
        assertThat(r.get("requestId").asText()).matches("[0-9]{18}");
        assertThat(r.size()).isEqualTo(3);
        assertThat(List.of(r.fieldNames().next())).containsExactly("code");
    }

    @Test
    void errorEnvelope() {
        wire.engine.failure = new QueueException(Kind.QUEUE_NOT_FOUND, "no q1");
        JsonNode r = wire.post("Action=DeleteQueue&queueName=q1");
        assertThat(r.get("code").isInt()).isTrue();
        assertThat(r.get("code").asInt()).isEqualTo(4440);
        assertThat(r.get("message").asText()).isEqualTo("(10100)queue is not existed, or deleted");
        assertThat(r.get("requestId").isTextual()).isTrue();
    }

    @Test
    void requestIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(RequestIds.next());
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void actionNamesAreCaseInsensitive() {
        for (String action : new String[] {"DeleteQueue", "deletequeue", "DELETEQUEUE", "dEleteQUeue"}) {
            assertThat(wire.post("Action=" + action + "&queueName=q1").get("code").asInt()).as(action).isZero();
        }
    }

    @Test
    void unknownAndMissingAction() {
        JsonNode r = wire.post("Action=CreateTopic&topicName=t1");
        assertThat(r.get("code").asInt()).isEqualTo(4000);
        assertThat(r.get("message").asText()).isEqualTo("(10430)action name CreateTopic is not existed");
        r = wire.post("queueName=q1");
        assertThat(r.get("code").asInt()).isEqualTo(4000);
        assertThat(r.get("message").asText()).isEqualTo("(10010)lacked of required parameters: Action");
        r = wire.post("");
        assertThat(r.get("message").asText()).isEqualTo("(10010)lacked of required parameters: Action");
    }

    @Test
    void parseErrorsBecomeCmqErrors() {
        JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=%E0");
        assertThat(r.get("code").asInt()).isEqualTo(4000);
        assertThat(r.get("message").asText()).startsWith("(10110)");
        r = wire.post("Action=SendMessage&Action=SendMessage");
        assertThat(r.get("message").asText()).isEqualTo("(10330)parameter Action is NOT a repeatable parameter");
    }

    @Test
    void getWorksLikePost() {
        JsonNode r = wire.call("GET", "Action=SendMessage&queueName=q1&msgBody=hello+w%C3%B6rld");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(wire.engine.lastBodies).containsExactly("hello wörld");
    }

    @Test
    void clientRequestIdIsEchoedAsNumber() {
        JsonNode r = wire.post("Action=DeleteQueue&queueName=q1&clientRequestId=18446744073709551615");
        assertThat(r.get("clientRequestId").isIntegralNumber()).isTrue();
        assertThat(r.get("clientRequestId").asText()).isEqualTo("18446744073709551615");
        assertThat(wire.post("Action=DeleteQueue&queueName=q1&clientRequestId=abc").has("clientRequestId"))
                .isFalse();
    }

    @Test
    void unavailableIsInternalErrorClientMayRetry() {
        wire.engine.failure = new QueueException(Kind.UNAVAILABLE, "kafka timed out");
        JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=x");
        assertThat(r.get("code").asInt()).isEqualTo(6000);
        assertThat(r.get("message").asText()).isEqualTo("(10050)server internal error");
    }

    @Test
    void unexpectedFailuresAreInternalErrorsWithoutDetails() {
        wire.engine.failure = new CompletionException(new IllegalStateException("secret detail"));
        JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=x");
        assertThat(r.get("code").asInt()).isEqualTo(6000);
        assertThat(r.get("message").asText()).isEqualTo("(10050)server internal error");
        assertThat(r.toString()).doesNotContain("secret");
    }

    @Test
    void wrappedEngineErrorsAreUnwrapped() {
        wire.engine.failure = new CompletionException(new QueueException(Kind.HEAP_FULL, "full"));
        assertThat(wire.post("Action=SendMessage&queueName=q1&msgBody=x").get("code").asInt()).isEqualTo(4410);
    }

    @Test
    void handlersThatThrowOrReturnNull() {
        ActionFamily broken = () -> Map.of(
                "Throws", r -> {
                    throw new NullPointerException("bug");
                },
                "Null", r -> null,
                "Fields", r -> CompletableFuture.completedFuture(CmqResponse.fields("code", 99, "x", 1)));
        CmqDispatcher d = new CmqDispatcher(List.of(broken));
        for (String action : new String[] {"Throws", "Null"}) {
            String json = new String(d.dispatch("POST", "h", "/", ("Action=" + action).getBytes())
                    .toCompletableFuture().join());
            assertThat(json).as(action).startsWith("{\"code\":6000,\"message\":\"(10050)server internal error\"");
        }
        // action fields can't overwrite the envelope
        String json = new String(d.dispatch("POST", "h", "/", "Action=Fields".getBytes()).toCompletableFuture().join());
        assertThat(json).startsWith("{\"code\":0,\"message\":\"\",\"requestId\":\"").endsWith("\"x\":1}");
    }

    @Test
    void duplicateActionRegistrationFails() {
        ActionFamily a = () -> Map.of("X", r -> null);
        ActionFamily b = () -> Map.of("x", r -> null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ActionRegistry(List.of(a, b)))
                .isInstanceOf(IllegalStateException.class);
    }
}
