package io.cmqkafka.adapter.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.engine.QueueException.Kind;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class CmqErrorTest {

    @Test
    void messageFormat() {
        assertThat(CmqError.QUEUE_NOT_FOUND.message()).isEqualTo("(10100)queue is not existed, or deleted");
        assertThat(CmqError.NO_MESSAGE.message()).isEqualTo("(10200)no message");
        assertThat(CmqError.QUEUE_EXISTS.message()).isEqualTo("(10210)queue is already existed");
        assertThat(CmqError.INVALID_RECEIPT_HANDLE.message()).isEqualTo("(10260)receipt handle is invalid");
        assertThat(CmqError.MESSAGE_TOO_LARGE.message()).isEqualTo("(10230)exceed maximum message size");
        assertThat(CmqError.HEAP_FULL.message()).isEqualTo("(10240)reach maximum retention number of message");
        assertThat(CmqError.UNKNOWN_ACTION.message("CreateTopic"))
                .isEqualTo("(10430)action name CreateTopic is not existed");
        assertThat(CmqError.TOO_MANY_INFLIGHT.message())
                .isEqualTo("(10690)too many unacked(inactive) messages or delayed messages");
        assertThat(CmqError.RECREATE_TOO_SOON.message()).startsWith("(10660)it will take some time");
        assertThat(CmqError.INTERNAL.message()).isEqualTo("(10050)server internal error");
    }

    @Test
    void exceptionCarriesCodeModuleAndMessage() {
        CmqException e = CmqError.OUT_OF_RANGE.exception("limit");
        assertThat(e.code()).isEqualTo(4000);
        assertThat(e.module()).isEqualTo(10350);
        assertThat(e.getMessage()).isEqualTo("(10350)parameter limit value or length is out of range");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.fields()).isEmpty();
    }

    /**
     * CMQ itself reuses these module numbers between its queue (rewind, dead letter) and topic tables
     * (cmq-api.md §3.2, §2.1).
     */
    private static final Set<Integer> REUSED_BY_CMQ =
            Set.of(10470, 10660, 10670, 10680, 10700, 10710, 10720, 10730, 10740);

    @Test
    void moduleCodesAreUniqueExceptWhereCmqReusesThem() {
        Set<Integer> modules = new HashSet<>();
        for (CmqError e : CmqError.values()) {
            assertThat(modules.add(e.module()) || REUSED_BY_CMQ.contains(e.module())).as(e.name()).isTrue();
        }
    }

    @Test
    void topicMessages() {
        assertThat(CmqError.TOPIC_NOT_FOUND.message()).isEqualTo("(10600)topic is not existed, or deleted");
        assertThat(CmqError.TOPIC_EXISTS.message()).isEqualTo("(10550)topic is already existed");
        assertThat(CmqError.SUBSCRIPTION_EXISTS.message()).isEqualTo("(10470)subscribtion is already existed");
        assertThat(CmqError.NO_SUBSCRIPTION.code()).isEqualTo(6030);
        assertThat(CmqError.NO_MATCHING_SUBSCRIPTION.message())
                .isEqualTo("(10730)no bindingKey or filterTag matches the routingKey or msgTag");
        assertThat(CmqError.URL_BLANK.code()).isEqualTo(4510);
    }

    @ParameterizedTest
    @EnumSource(io.cmqkafka.adapter.topic.TopicException.Kind.class)
    void everyTopicKindIsMapped(io.cmqkafka.adapter.topic.TopicException.Kind kind) {
        assertThat(CmqError.of(kind)).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({
        "QUEUE_NOT_FOUND, 4440, 10100",
        "QUEUE_EXISTS, 4460, 10210",
        "RECREATE_TOO_SOON, 6040, 10660",
        "QUOTA_EXCEEDED, 4450, 10220",
        "MESSAGE_TOO_LARGE, 4400, 10230",
        "HEAP_FULL, 4410, 10240",
        "INVALID_RECEIPT_HANDLE, 4430, 10260",
        "TOO_MANY_INFLIGHT, 6070, 10690",
        "UNAVAILABLE, 6000, 10050",
    })
    void kindMapping(Kind kind, int code, int module) {
        assertThat(CmqError.of(kind).code()).isEqualTo(code);
        assertThat(CmqError.of(kind).module()).isEqualTo(module);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void everyKindIsMapped(Kind kind) {
        assertThat(CmqError.of(kind)).isNotNull();
    }
}
