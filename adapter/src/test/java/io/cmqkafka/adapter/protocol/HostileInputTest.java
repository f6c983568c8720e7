package io.cmqkafka.adapter.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Request-level limits at and just past their edges, error texts that cannot be abused, the guard running
 * before any action, and generated garbage through the dispatcher: always a CMQ error, never 6000.
 */
class HostileInputTest {

    final Wire wire = new Wire();

    static String params(int n) {
        StringBuilder b = new StringBuilder("Action=ListQueue");
        for (int i = 1; i < n; i++) {
            b.append("&p").append(i).append('=');
        }
        return b.toString();
    }

    @Test
    void parameterCountAtAndPastTheLimit() {
        assertThat(wire.post(params(Limits.MAX_PARAMETERS)).get("code").asInt()).isZero();
        JsonNode r = wire.post(params(Limits.MAX_PARAMETERS + 1));
        assertThat(r.get("code").asInt()).isEqualTo(4000);
        assertThat(r.get("message").asText())
                .isEqualTo("(10110)request parameters error: more than 1000 parameters");
    }

    @Test
    void echoedTextIsShortAndPrintable() {
        String longAction = "X".repeat(100_000);
        JsonNode r = wire.post("Action=" + longAction);
        assertThat(r.get("message").asText()).isEqualTo("(10430)action name " + "X".repeat(64) + "... is not existed");
        r = wire.post("Action=Evil%0D%0AInjected%00");
        assertThat(r.get("message").asText()).isEqualTo("(10430)action name Evil??Injected? is not existed");
        String longName = "n".repeat(500);
        r = wire.post("Action=ListQueue&" + longName + "=1&" + longName + "=2");
        assertThat(r.get("message").asText())
                .isEqualTo("(10330)parameter " + "n".repeat(64) + "... is NOT a repeatable parameter");
        assertThat(Limits.echo("a".repeat(64))).isEqualTo("a".repeat(64));
        assertThat(Limits.echo("a".repeat(65))).isEqualTo("a".repeat(64) + "...");
        assertThat(Limits.echo(null)).isEqualTo("null");
    }

    @Test
    void queueNameEdges() {
        String ok = "q" + "a".repeat(63);
        assertThat(wire.post("Action=DeleteQueue&queueName=" + ok).get("code").asInt()).isZero();
        for (String bad : new String[] {ok + "a", "1queue", "-q", "", "q.x", "q x", "q%C3%A9", "_q"}) {
            JsonNode r = wire.post("Action=DeleteQueue&queueName=" + bad);
            assertThat(r.get("message").asText()).as(bad).isEqualTo("(10020)queue name format error");
        }
    }

    @Test
    void numberFormats() {
        for (String bad : new String[] {"1.0", "0x10", " 5", "5 ", "1e3", "", "--1", "５"}) {
            JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=x&delaySeconds="
                    + java.net.URLEncoder.encode(bad, UTF_8));
            assertThat(r.get("message").asText()).as("'%s'", bad).isEqualTo("(10360)parameter delaySeconds error type");
        }
        for (String big : new String[] {"99999999999999999999", "-99999999999999999999", "3601", "-1"}) {
            JsonNode r = wire.post("Action=SendMessage&queueName=q1&msgBody=x&delaySeconds=" + big);
            assertThat(r.get("code").asInt()).as(big).isEqualTo(4000);
            assertThat(r.get("message").asText()).as(big).startsWith("(10692)");
        }
        assertThat(wire.post("Action=SendMessage&queueName=q1&msgBody=x&delaySeconds=%2B5").get("code").asInt())
                .isZero();
    }

    @Test
    void batchEdges() {
        StringBuilder sixteen = new StringBuilder("Action=BatchSendMessage&queueName=q1");
        for (int i = 1; i <= 16; i++) {
            sixteen.append("&msgBody.").append(i).append("=m").append(i);
        }
        assertThat(wire.post(sixteen.toString()).get("code").asInt()).isZero();
        assertThat(wire.post(sixteen + "&msgBody.17=m").get("message").asText())
                .isEqualTo("(10370)msgBody parameter batch size is out of range");
        assertThat(wire.post("Action=BatchSendMessage&queueName=q1&msgBody.1=a&msgBody.3=c").get("message").asText())
                .isEqualTo("(10380)msgBody parameter is not consequent");
        assertThat(wire.post("Action=BatchSendMessage&queueName=q1&msgBody.2=a").get("message").asText())
                .isEqualTo("(10380)msgBody parameter is not consequent");
        assertThat(wire.post("Action=BatchSendMessage&queueName=q1&msgBody.0=a&msgBody.1=b").get("code").asInt())
                .isZero();
        assertThat(wire.post("Action=BatchSendMessage&queueName=q1&msgBody.999999999999=a").get("message").asText())
                .isEqualTo("(10310)error: parameter msgBody.999999999999 key format error");
    }

    @Test
    void guardRunsBeforeTheActionIsLookedUp() {
        AtomicInteger checks = new AtomicInteger();
        CmqDispatcher d = new CmqDispatcher(new ActionRegistry(List.of(new QueueActions(wire.engine))), r -> {
            checks.incrementAndGet();
            throw CmqError.AUTH_FAILED.exception("Signature does not match");
        });
        for (String form : new String[] {"Action=NoSuchAction", "Action=DeleteQueue&queueName=q1"}) {
            String json = new String(d.dispatch("POST", "h", "/", form.getBytes(UTF_8)).toCompletableFuture().join(),
                    UTF_8);
            assertThat(json).contains("\"code\":4100", "(10030)authentication failed: Signature does not match");
        }
        assertThat(checks).hasValue(2);
        assertThat(wire.engine.calls).isZero();
        // Parsing errors come first: the guard never sees an unparsable request.
        String json = new String(d.dispatch("POST", "h", "/", "Action=%zz".getBytes(UTF_8)).toCompletableFuture()
                .join(), UTF_8);
        assertThat(json).contains("\"code\":4000");
        assertThat(checks).hasValue(2);
    }

    @Provide
    Arbitrary<String> garbage() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of("Action=", "SendMessage", "BatchSendMessage", "ReceiveMessage", "DeleteMessage",
                        "BatchDeleteMessage", "CreateQueue", "SetQueueAttributes", "ListQueue", "queueName=",
                        "msgBody", ".1=", ".0=", ".17=", "receiptHandle", "numOfMsg=", "delaySeconds=",
                        "pollingWaitSeconds=", "visibilityTimeout=", "limit=", "offset=", "searchWord=",
                        "rewindSeconds=", "msgRetentionSeconds=", "maxMsgSize=", "q1", "&", "=", "%", "%C3", "%28",
                        "+", "-1", "99999999999999999999", "1_0_0_0_0_1", "@", "\u0000", "é"),
                Arbitraries.strings().ofMaxLength(8));
        return piece.list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Property(tries = 3000)
    void garbageAlwaysGetsAnEnvelopeAndNeverAnInternalError(@ForAll("garbage") String form) throws Exception {
        Wire w = new Wire();
        JsonNode r = w.post(form);
        assertThat(r.get("code").isInt()).isTrue();
        assertThat(r.get("message").isTextual()).isTrue();
        assertThat(r.get("requestId").isTextual()).isTrue();
        assertThat(r.get("code").asInt()).as(form).isNotEqualTo(CmqError.INTERNAL.code());
    }
}
