package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.engine.QueueSettings;
import io.cmqkafka.adapter.engine.ReceivedMessage;
import io.cmqkafka.adapter.protocol.Limits.IntParam;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every integer limit at its edges and just past them, through the actions that use it. */
class LimitsTest {

    static Stream<Arguments> edges() {
        String create = "Action=CreateQueue&queueName=q1";
        String set = "Action=SetQueueAttributes&queueName=q1";
        return Stream.of(
                Arguments.of(create, Limits.MAX_MSG_HEAP_NUM, 1_000_000L, 1_000_000_000L),
                Arguments.of(create, Limits.POLLING_WAIT_SECONDS, 0L, 30L),
                Arguments.of(create, Limits.VISIBILITY_TIMEOUT, 1L, 43_200L),
                Arguments.of(create, Limits.MAX_MSG_SIZE, 1024L, 1_048_576L),
                Arguments.of(create + "&rewindSeconds=0", Limits.MSG_RETENTION_SECONDS, 60L, 1_296_000L),
                Arguments.of(set, Limits.MAX_MSG_HEAP_NUM, 1_000_000L, 1_000_000_000L),
                Arguments.of(set, Limits.POLLING_WAIT_SECONDS, 0L, 30L),
                Arguments.of(set, Limits.VISIBILITY_TIMEOUT, 1L, 43_200L),
                Arguments.of(set, Limits.MAX_MSG_SIZE, 1024L, 1_048_576L),
                Arguments.of(set + "&rewindSeconds=0", Limits.MSG_RETENTION_SECONDS, 60L, 1_296_000L),
                Arguments.of(set + "&msgRetentionSeconds=1296000", Limits.REWIND_SECONDS, 0L, 1_296_000L),
                Arguments.of("Action=SendMessage&queueName=q1&msgBody=x", Limits.DELAY_SECONDS, 0L, 3600L),
                Arguments.of("Action=BatchSendMessage&queueName=q1&msgBody.1=x", Limits.DELAY_SECONDS, 0L, 3600L),
                Arguments.of("Action=ReceiveMessage&queueName=q1", Limits.RECEIVE_POLLING_WAIT_SECONDS, 0L, 30L),
                Arguments.of("Action=ReceiveMessage&queueName=q1", Limits.RECEIVE_VISIBILITY_TIMEOUT, 1L, 43_200L),
                Arguments.of("Action=BatchReceiveMessage&queueName=q1&numOfMsg=1",
                        Limits.RECEIVE_POLLING_WAIT_SECONDS, 0L, 30L),
                Arguments.of("Action=BatchReceiveMessage&queueName=q1&numOfMsg=1",
                        Limits.RECEIVE_VISIBILITY_TIMEOUT, 1L, 43_200L),
                Arguments.of("Action=BatchReceiveMessage&queueName=q1", Limits.NUM_OF_MSG, 1L, 16L),
                Arguments.of("Action=ListQueue", Limits.LIST_OFFSET, 0L, (long) Integer.MAX_VALUE),
                Arguments.of("Action=ListQueue", Limits.LIST_LIMIT, 1L, 50L));
    }

    @ParameterizedTest(name = "{1} in {0}")
    @MethodSource("edges")
    void edgesAcceptedAndJustPastRejected(String form, IntParam p, long min, long max) {
        assertThat(p.min()).isEqualTo(min);
        assertThat(p.max()).isEqualTo(max);
        for (long ok : new long[] {min, max}) {
            Wire wire = wire();
            assertThat(wire.post(form + "&" + p.name() + "=" + ok).get("code").asInt())
                    .as("%s=%d", p.name(), ok).isZero();
        }
        for (long bad : new long[] {min - 1, max + 1}) {
            Wire wire = wire();
            JsonNode r = wire.post(form + "&" + p.name() + "=" + bad);
            assertThat(r.get("code").asInt()).isEqualTo(4000);
            assertThat(r.get("message").asText()).isEqualTo(p.outOfRange().message(p.name()));
            assertThat(wire.engine.calls).as("engine not called").isZero();
        }
    }

    private static Wire wire() {
        Wire w = new Wire();
        w.engine.received.add(new ReceivedMessage("b", "m", "h", 1, 2, 3, 1));
        return w;
    }

    @Test
    void delayUsesItsOwnError() {
        assertThat(new Wire().post("Action=SendMessage&queueName=q1&msgBody=x&delaySeconds=3601")
                .get("message").asText()).isEqualTo("(10692)delay seconds is out of range");
    }

    @Test
    void defaults() {
        QueueSettings d = Limits.defaultSettings();
        assertThat(d).isEqualTo(new QueueSettings(100_000_000L, 0, 30, 65_536, 345_600, 0));
        assertThat(Limits.LIST_OFFSET.defaultValue()).isZero();
        assertThat(Limits.LIST_LIMIT.defaultValue()).isEqualTo(20);
        assertThat(Limits.DELAY_SECONDS.defaultValue()).isZero();
    }

    @Test
    void rewindAtMostRetention() {
        Wire w = new Wire();
        assertThat(w.post("Action=CreateQueue&queueName=q1&rewindSeconds=345600").get("code").asInt()).isZero();
        JsonNode r = w.post("Action=CreateQueue&queueName=q1&rewindSeconds=345601");
        assertThat(r.get("code").asInt()).isEqualTo(4000);
        assertThat(r.get("message").asText())
                .isEqualTo("(10700)rewindSeconds cannot be greater than msgRetentionSeconds");
        r = w.post("Action=CreateQueue&queueName=q1&rewindSeconds=100&msgRetentionSeconds=99");
        assertThat(r.get("message").asText()).startsWith("(10700)");
        r = w.post("Action=SetQueueAttributes&queueName=q1&rewindSeconds=100&msgRetentionSeconds=99");
        assertThat(r.get("message").asText()).startsWith("(10700)");
    }

    @Test
    void rewindAloneIsCheckedAgainstTheQueuesRetention() {
        Wire w = new Wire(); // the stub queue keeps messages 345600 s
        JsonNode r = w.post("Action=SetQueueAttributes&queueName=q1&rewindSeconds=345601");
        assertThat(r.get("message").asText()).startsWith("(10700)");
        assertThat(w.engine.lastPatch).isNull();
        r = w.post("Action=SetQueueAttributes&queueName=q1&msgRetentionSeconds=60");
        assertThat(r.get("code").asInt()).isZero(); // stub queue has rewind 0
        assertThat(w.post("Action=SetQueueAttributes&queueName=q1&rewindSeconds=345600").get("code").asInt())
                .isZero();
    }

    @Test
    void messageBodySize() {
        Wire w = new Wire();
        assertThat(w.post("Action=SendMessage&queueName=q1&msgBody=").get("message").asText())
                .isEqualTo("(10120)message body can't be empty");
        assertThat(w.post("Action=BatchSendMessage&queueName=q1&msgBody.1=a&msgBody.2=").get("message").asText())
                .isEqualTo("(10120)message body can't be empty");
        assertThat(w.post("Action=SendMessage&queueName=q1&msgBody=x").get("code").asInt()).isZero();
        // 1 MiB of body needs a request over 1 MiB: the request limit answers first.
        String mib = "x".repeat(Limits.MAX_MSG_BODY_BYTES);
        assertThat(w.post("Action=SendMessage&queueName=q1&msgBody=" + mib).get("message").asText())
                .startsWith("(10420)");
    }
}
