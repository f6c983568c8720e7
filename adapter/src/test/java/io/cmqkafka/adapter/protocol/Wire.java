package io.cmqkafka.adapter.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The dispatcher over a {@link StubQueueService}, answering parsed JSON. */
final class Wire {

    static final ObjectMapper JSON = new ObjectMapper();

    final StubQueueService engine = new StubQueueService();
    final CmqDispatcher dispatcher = new CmqDispatcher(
            List.of(new QueueActions(engine), new MessageActions(engine)));

    JsonNode post(String form) {
        return call("POST", form);
    }

    JsonNode call(String method, String form) {
        byte[] json = dispatcher.dispatch(method, "127.0.0.1:8080", "/v2/index.php", form.getBytes(UTF_8))
                .toCompletableFuture().join();
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
