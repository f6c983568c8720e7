package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cmqkafka.adapter.engine.QueueException;
import io.cmqkafka.adapter.engine.QueueException.Kind;
import io.cmqkafka.adapter.engine.QueuePage;
import io.cmqkafka.adapter.engine.QueueSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueActionsTest {

    private final Wire wire = new Wire();

    @Test
    void createQueueWithDefaults() {
        JsonNode r = wire.post("Action=CreateQueue&queueName=q1");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(r.get("queueId").isTextual()).isTrue();
        assertThat(r.get("queueId").asText()).isEqualTo("qid-q1");
        assertThat(wire.engine.lastSettings).isEqualTo(Limits.defaultSettings());
    }

    @Test
    void createQueueAsPythonSendsIt() {
        wire.post("Action=CreateQueue&queueName=q1&pollingWaitSeconds=0&visibilityTimeout=30&maxMsgSize=65536"
                + "&msgRetentionSeconds=345600&rewindSeconds=0");
        assertThat(wire.engine.lastSettings).isEqualTo(Limits.defaultSettings());
    }

    @Test
    void createQueueAsJavaSendsIt() {
        wire.post("Action=CreateQueue&queueName=q1&pollingWaitSeconds=10&visibilityTimeout=30&maxMsgSize=1048576"
                + "&msgRetentionSeconds=345600");
        assertThat(wire.engine.lastSettings)
                .isEqualTo(new QueueSettings(100_000_000L, 10, 30, 1_048_576, 345_600, 0));
    }

    @Test
    void createQueueErrors() {
        assertThat(wire.post("Action=CreateQueue&queueName=1q").get("message").asText())
                .isEqualTo("(10020)queue name format error");
        assertThat(wire.post("Action=CreateQueue").get("message").asText())
                .isEqualTo("(10010)lacked of required parameters: queueName");
        wire.engine.failure = new QueueException(Kind.QUEUE_EXISTS, "exists");
        JsonNode r = wire.post("Action=CreateQueue&queueName=q1");
        assertThat(r.get("code").asInt()).isEqualTo(4460);
        assertThat(r.get("message").asText()).isEqualTo("(10210)queue is already existed");
        wire.engine.failure = new QueueException(Kind.RECREATE_TOO_SOON, "soon");
        r = wire.post("Action=CreateQueue&queueName=q1");
        assertThat(r.get("code").asInt()).isEqualTo(6040);
        assertThat(r.get("message").asText()).startsWith("(10660)");
    }

    @Test
    void listQueue() {
        wire.engine.page = new QueuePage(3, List.of(new QueuePage.Entry("id-a", "a"), new QueuePage.Entry("id-b", "b")));
        JsonNode r = wire.post("Action=ListQueue&searchWord=x&offset=1&limit=2");
        assertThat(r.get("totalCount").isInt()).isTrue();
        assertThat(r.get("totalCount").asInt()).isEqualTo(3);
        assertThat(r.get("queueList").toString())
                .isEqualTo("[{\"queueId\":\"id-a\",\"queueName\":\"a\"},{\"queueId\":\"id-b\",\"queueName\":\"b\"}]");
        assertThat(wire.engine.lastSearchWord).isEqualTo("x");
        assertThat(wire.engine.lastOffset).isEqualTo(1);
        assertThat(wire.engine.lastLimit).isEqualTo(2);
    }

    @Test
    void listQueueDefaultsAndEmptyList() {
        JsonNode r = wire.post("Action=ListQueue&searchWord=");
        assertThat(r.get("queueList").isArray()).isTrue();
        assertThat(r.get("queueList")).isEmpty();
        assertThat(r.get("totalCount").asInt()).isZero();
        assertThat(wire.engine.lastSearchWord).isNull();
        assertThat(wire.engine.lastOffset).isZero();
        assertThat(wire.engine.lastLimit).isEqualTo(20);
    }

    @Test
    void getQueueAttributesHasEveryField() {
        JsonNode r = wire.post("Action=GetQueueAttributes&queueName=q1");
        assertThat(r.get("queueId").isTextual()).isTrue();
        assertThat(r.get("queueName").asText()).isEqualTo("q1");
        for (String f : new String[] {"maxMsgHeapNum", "pollingWaitSeconds", "visibilityTimeout", "maxMsgSize",
                "msgRetentionSeconds", "rewindSeconds", "createTime", "lastModifyTime", "activeMsgNum",
                "inactiveMsgNum", "delayMsgNum", "rewindMsgNum", "rewindmsgNum", "minMsgTime"}) {
            assertThat(r.get(f)).as(f).isNotNull();
            assertThat(r.get(f).isIntegralNumber()).as(f).isTrue();
        }
        assertThat(r.get("rewindMsgNum").asInt()).isEqualTo(3);
        assertThat(r.get("rewindmsgNum").asInt()).isEqualTo(3);
        assertThat(r.get("maxMsgHeapNum").asLong()).isEqualTo(100_000_000L);
        assertThat(r.get("createTime").asLong()).isEqualTo(1_700_000_000L);
    }

    @Test
    void setQueueAttributesPassesOnlyWhatWasSent() {
        JsonNode r = wire.post("Action=SetQueueAttributes&queueName=q1&visibilityTimeout=60");
        assertThat(r.get("code").asInt()).isZero();
        assertThat(wire.engine.lastPatch).isEqualTo(new QueueSettings.Patch(null, null, 60, null, null, null));
        assertThat(r.get("visibilityTimeout").asInt()).isEqualTo(60);
        assertThat(r.get("maxMsgSize").asInt()).isEqualTo(65_536);
        assertThat(r.get("queueId").asText()).isEqualTo("qid-1");
        for (String f : new String[] {"maxMsgHeapNum", "pollingWaitSeconds", "visibilityTimeout", "maxMsgSize",
                "msgRetentionSeconds", "rewindSeconds"}) {
            assertThat(r.get(f).isIntegralNumber()).as(f).isTrue();
        }
    }

    @Test
    void setQueueAttributesAsPythonSendsIt() {
        wire.post("Action=SetQueueAttributes&queueName=q1&pollingWaitSeconds=0&visibilityTimeout=30"
                + "&maxMsgSize=65536&msgRetentionSeconds=345600&rewindSeconds=0");
        assertThat(wire.engine.lastPatch).isEqualTo(new QueueSettings.Patch(null, 0, 30, 65_536, 345_600, 0));
    }

    @Test
    void queueNotFound() {
        wire.engine.failure = new QueueException(Kind.QUEUE_NOT_FOUND, "gone");
        for (String action : new String[] {"DeleteQueue", "GetQueueAttributes", "SetQueueAttributes"}) {
            JsonNode r = wire.post("Action=" + action + "&queueName=q1");
            assertThat(r.get("code").asInt()).as(action).isEqualTo(4440);
        }
    }
}
