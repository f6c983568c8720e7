package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.QueueException.Kind;
import io.cmqkafka.adapter.engine.ReceivedMessage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageActionsTest {

    private final Wire wire = new Wire();

    private void messages(int n) {
        for (int i = 1; i <= n; i++) {
            wire.engine.received.add(new ReceivedMessage("body" + i, "id" + i, "h" + i, 100 + i, 200 + i, 300 + i, i));
        }
    }

    @Test
    void sendMessage() {
        JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=hello+w%C3%B6rld+%26+more%2Bplus%3Deq"
                + "&delaySeconds=5");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(r.get("msgId").isTextual()).isTrue();
        assertThat(wire.engine.lastBodies).containsExactly("hello wörld & more+plus=eq");
        assertThat(wire.engine.lastDelay).isEqualTo(5);
        wire.post("Action=SendMessage&queueName=q1&msgBody=x");
        assertThat(wire.engine.lastDelay).isZero();
    }

    @Test
    void sendMessageErrors() {
        assertThat(wire.post("Action=SendMessage&queueName=q1").get("message").asText())
                .isEqualTo("(10010)lacked of required parameters: msgBody");
        wire.engine.failure = new QueueException(Kind.MESSAGE_TOO_LARGE, "big");
        JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=x");
        assertThat(r.get("code").asInt()).isEqualTo(4400);
        assertThat(r.get("message").asText()).isEqualTo("(10230)exceed maximum message size");
    }

    @Test
    void batchSendMessageKeepsNumericOrder() {
        StringBuilder form = new StringBuilder("Action=BatchSendMessage&queueName=q1&delaySeconds=0");
        for (int i : new int[] {10, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
            form.append("&msgBody.").append(i).append("=b").append(i);
        }
        JsonNode r = wire.post(form.toString());
        assertThat(wire.engine.lastBodies).containsExactly("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10");
        assertThat(r.get("msgList")).hasSize(10);
        assertThat(r.get("msgList").get(0).toString()).isEqualTo("{\"msgId\":\"m0\"}");
    }

    @Test
    void receiveMessageTopLevelFields() {
        messages(1);
        JsonNode r = wire.post("Action=ReceiveMessage&queueName=q1&UserpollingWaitSeconds=30");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(r.get("msgBody").asText()).isEqualTo("body1");
        assertThat(r.get("msgId").isTextual()).isTrue();
        assertThat(r.get("receiptHandle").isTextual()).isTrue();
        for (String f : new String[] {"enqueueTime", "firstDequeueTime", "nextVisibleTime", "dequeueCount"}) {
            assertThat(r.get(f).isIntegralNumber()).as(f).isTrue();
        }
        assertThat(r.get("nextVisibleTime").asLong()).isEqualTo(301);
        assertThat(wire.engine.lastMax).isEqualTo(1);
        assertThat(wire.engine.lastWait).isNull(); // the queue's attribute
        assertThat(wire.engine.lastVisibility).isNull();
    }

    @Test
    void receiveMessagePassesWaitAndVisibility() {
        messages(1);
        wire.post("Action=ReceiveMessage&queueName=q1&pollingWaitSeconds=7&visibilityTimeout=90");
        assertThat(wire.engine.lastWait).isEqualTo(7);
        assertThat(wire.engine.lastVisibility).isEqualTo(90);
    }

    @Test
    void noMessage() {
        for (String form : new String[] {"Action=ReceiveMessage&queueName=q1",
                "Action=BatchReceiveMessage&queueName=q1&numOfMsg=16"}) {
            JsonNode r = wire.post(form);
            assertThat(r.get("code").asInt()).isEqualTo(7000);
            assertThat(r.get("message").asText()).isEqualTo("(10200)no message");
        }
    }

    @Test
    void tooManyInflight() {
        wire.engine.failure = new QueueException(Kind.TOO_MANY_INFLIGHT, "x");
        JsonNode r = wire.post("Action=ReceiveMessage&queueName=q1");
        assertThat(r.get("code").asInt()).isEqualTo(6070);
        assertThat(r.get("message").asText())
                .isEqualTo("(10690)too many unacked(inactive) messages or delayed messages");
    }

    @Test
    void batchReceiveMessage() {
        messages(3);
        JsonNode r = wire.post("Action=BatchReceiveMessage&queueName=q1&numOfMsg=5&pollingWaitSeconds=0");
        assertThat(wire.engine.lastMax).isEqualTo(5);
        assertThat(wire.engine.lastWait).isZero();
        assertThat(r.get("msgInfoList")).hasSize(3);
        JsonNode m = r.get("msgInfoList").get(2);
        assertThat(m.get("msgBody").asText()).isEqualTo("body3");
        assertThat(m.get("dequeueCount").asInt()).isEqualTo(3);
        assertThat(m.size()).isEqualTo(7);
        assertThat(wire.post("Action=BatchReceiveMessage&queueName=q1").get("message").asText())
                .isEqualTo("(10010)lacked of required parameters: numOfMsg");
    }

    @Test
    void deleteMessage() {
        JsonNode r = wire.post("Action=DeleteMessage&queueName=q1&receiptHandle=h1");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(wire.engine.lastHandles).containsExactly("h1");
        wire.engine.deleteOutcomes = Arrays.asList(Kind.INVALID_RECEIPT_HANDLE);
        r = wire.post("Action=DeleteMessage&queueName=q1&receiptHandle=h1");
        assertThat(r.get("code").asInt()).isEqualTo(4430);
        assertThat(r.get("message").asText()).isEqualTo("(10260)receipt handle is invalid");
        assertThat(wire.post("Action=DeleteMessage&queueName=q1").get("message").asText())
                .isEqualTo("(10010)lacked of required parameters: receiptHandle");
    }

    @Test
    void batchDeleteAllOk() {
        JsonNode r = wire.post("Action=BatchDeleteMessage&queueName=q1&receiptHandle.0=a&receiptHandle.1=b");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(r.has("errorList")).isFalse();
        assertThat(wire.engine.lastHandles).containsExactly("a", "b");
    }

    @Test
    void batchDeletePartiallyFailed() {
        wire.engine.deleteOutcomes = Arrays.asList(null, Kind.INVALID_RECEIPT_HANDLE, null);
        JsonNode r = wire.post("Action=BatchDeleteMessage&queueName=q1&receiptHandle.1=a&receiptHandle.2=b"
                + "&receiptHandle.3=c");
        assertThat(r.get("code").asInt()).isEqualTo(6010);
        assertThat(r.get("message").asText()).isEqualTo("(10150)delete message partially failed");
        assertThat(r.get("requestId").isTextual()).isTrue();
        assertThat(r.get("errorList").toString()).isEqualTo(
                "[{\"code\":4430,\"message\":\"(10260)receipt handle is invalid\",\"receiptHandle\":\"b\"}]");
    }

    @Test
    void batchDeleteAllFailed() {
        wire.engine.deleteOutcomes = Arrays.asList(Kind.INVALID_RECEIPT_HANDLE, Kind.INVALID_RECEIPT_HANDLE);
        JsonNode r = wire.post("Action=BatchDeleteMessage&queueName=q1&receiptHandle.1=a&receiptHandle.2=b");
        assertThat(r.get("code").asInt()).isEqualTo(6020);
        assertThat(r.get("message").asText()).isEqualTo("(10290)batch delete message failed");
        assertThat(r.get("errorList")).hasSize(2);
    }
}
