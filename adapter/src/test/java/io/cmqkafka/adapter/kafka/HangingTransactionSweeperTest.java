package io.cmqkafka.adapter.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.adapter.kafka.HangingTransactionSweeper.CoordinatorView;
import io.cmqkafka.adapter.kafka.HangingTransactionSweeper.OpenTransaction;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which open transactions the sweeper takes for hanging, and which of those it may abort. */
class HangingTransactionSweeperTest {

    static final TopicPartition CHANGELOG = new TopicPartition("cmq-lease-store-cmq-partition-heads-changelog", 2);
    static final TopicPartition OFFSETS = new TopicPartition("__consumer_offsets", 3);

    static OpenTransaction open(TopicPartition tp) {
        return new OpenTransaction(tp, 1, 107, 10, 98, 0);
    }

    static Optional<CoordinatorView> coordinator(String id, TransactionState state, TopicPartition... tps) {
        return Optional.of(new CoordinatorView(id, new TransactionDescription(1, state, 1, 109, 4000,
                OptionalLong.empty(), Set.of(tps))));
    }

    @Test
    void hangingUnlessTheCoordinatorHasAnActiveTransactionWithThePartition() {
        assertThat(HangingTransactionSweeper.isHanging(open(CHANGELOG), Optional.empty())).isTrue();
        assertThat(HangingTransactionSweeper.isHanging(open(CHANGELOG),
                coordinator("cmq-lease-store-x-1", TransactionState.EMPTY))).isTrue();
        assertThat(HangingTransactionSweeper.isHanging(open(CHANGELOG),
                coordinator("cmq-lease-store-x-1", TransactionState.COMPLETE_COMMIT))).isTrue();
        assertThat(HangingTransactionSweeper.isHanging(open(CHANGELOG),
                coordinator("cmq-lease-store-x-1", TransactionState.ONGOING, OFFSETS))).as("another partition").isTrue();
        for (TransactionState active : List.of(TransactionState.ONGOING, TransactionState.PREPARE_COMMIT,
                TransactionState.PREPARE_ABORT, TransactionState.PREPARE_EPOCH_FENCE)) {
            assertThat(HangingTransactionSweeper.isHanging(open(CHANGELOG),
                    coordinator("cmq-lease-store-x-1", active, CHANGELOG))).as("%s", active).isFalse();
        }
    }

    @Test
    void offsetsAreSharedSoOnlyOwnTransactionalIdsAreAbortedThere() {
        var s = new HangingTransactionSweeper.Scope(List.of("cmq.", "cmq-lease-store-"), List.of("cmq-lease-store-", "cmq."));
        {
            assertThat(s.mayAbort(open(CHANGELOG), Optional.empty())).isTrue();
            assertThat(s.mayAbort(open(new TopicPartition("cmq.queue.orders", 0)), Optional.empty())).isTrue();
            assertThat(s.mayAbort(open(new TopicPartition("payments", 0)), Optional.empty())).isFalse();
            assertThat(s.mayAbort(open(OFFSETS), coordinator("cmq-lease-store-x-1", TransactionState.EMPTY))).isTrue();
            assertThat(s.mayAbort(open(OFFSETS), coordinator("cmq.fanout.s1.i1", TransactionState.EMPTY))).isTrue();
            assertThat(s.mayAbort(open(OFFSETS), coordinator("payments-app-1", TransactionState.EMPTY))).isFalse();
            assertThat(s.mayAbort(open(OFFSETS), Optional.empty())).as("whose it is, unknown").isFalse();
        }
    }
}
