package io.cmqkafka.lease;

import static org.assertj.core.api.Assertions.assertThat;

import io.cmqkafka.lease.LeaseEvent.Deleted;
import io.cmqkafka.lease.LeaseEvent.Leased;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lease rules on the in-memory table, with explicit times (no clock, no sleeping). */
class LeaseRulesTest {

    final InMemoryLeaseTable t = new InMemoryLeaseTable();

    Leased lease(long offset, long now, long visibleAt) {
        Leased e = LeaseRules.nextLease(t, offset, now, visibleAt);
        assertThat(LeaseRules.apply(t, e)).isTrue();
        return e;
    }

    @Test
    void aHeldLeaseBlocksOtherReceivesUntilItLapses() {
        Leased first = lease(0, 1_000, 31_000);
        assertThat(first.dequeueCount()).isEqualTo(1);
        assertThat(LeaseRules.isDeliverable(t, 0, 30_999)).isFalse();
        // A competing lease while the first is held is refused.
        assertThat(LeaseRules.apply(t, new Leased(0, 0, 2, 60_000, 30_000))).isFalse();
        assertThat(LeaseRules.isDeliverable(t, 0, 31_000)).isTrue();
        Leased second = lease(0, 31_000, 61_000);
        assertThat(second.dequeueCount()).isEqualTo(2);
        assertThat(t.get(0).firstDequeueAt()).isEqualTo(1_000);
    }

    @Test
    void deleteNeedsTheCurrentHandleBeforeTheLeaseLapses() {
        lease(5, 0, 10_000);
        assertThat(LeaseRules.apply(t, new Deleted(5, 0, 1, 10_000))).as("lapsed").isFalse();
        lease(5, 10_000, 20_000);
        assertThat(LeaseRules.apply(t, new Deleted(5, 0, 1, 11_000))).as("old handle").isFalse();
        assertThat(LeaseRules.apply(t, new Deleted(5, 0, 2, 11_000))).isTrue();
        assertThat(LeaseRules.isDeliverable(t, 5, Long.MAX_VALUE)).as("deleted stays deleted").isFalse();
        assertThat(LeaseRules.apply(t, new Leased(5, 0, 3, 90_000, 50_000))).isFalse();
    }

    @Test
    void lowWatermarkMovesOverDeletedRunsAndForgetsThem() {
        for (long o = 0; o < 4; o++) {
            lease(o, 0, 10_000);
        }
        LeaseRules.apply(t, new Deleted(1, 0, 1, 1));
        LeaseRules.apply(t, new Deleted(2, 0, 1, 1));
        assertThat(t.head().lowWatermark()).isZero();
        LeaseRules.apply(t, new Deleted(0, 0, 1, 1));
        assertThat(t.head().lowWatermark()).isEqualTo(3);
        assertThat(t.size()).as("only offset 3 still has state").isEqualTo(1);
        assertThat(LeaseRules.isDeliverable(t, 2, Long.MAX_VALUE)).isFalse();
        assertThat(LeaseRules.isDeliverable(t, 4, 0)).as("untouched message").isTrue();
    }

    @Test
    void skippedOffsetsCountAsDone() {
        lease(0, 0, 10_000);
        assertThat(LeaseRules.apply(t, new LeaseEvent.Skipped(1, 3))).isTrue();
        LeaseRules.apply(t, new Deleted(0, 0, 1, 1));
        assertThat(t.head().lowWatermark()).isEqualTo(3);
        assertThat(LeaseRules.apply(t, new LeaseEvent.Skipped(3, 1000))).isTrue();
        assertThat(t.head().lowWatermark()).as("a gap at the watermark moves it in one step").isEqualTo(1000);
    }

    @Test
    void rewindMakesDeletedMessagesDeliverableUnderANewEpoch() {
        lease(0, 0, 10_000);
        lease(1, 0, 10_000);
        LeaseRules.apply(t, new Deleted(0, 0, 1, 1));
        assertThat(t.head().lowWatermark()).isEqualTo(1);
        assertThat(LeaseRules.apply(t, new LeaseEvent.Rewound(0, 1, 20_000))).isTrue();
        assertThat(t.head()).isEqualTo(new PartitionHead(0, 1, 0));
        assertThat(LeaseRules.isDeliverable(t, 0, 20_000)).isTrue();
        assertThat(t.get(1)).as("its lapsed lease was cleared").isNull();
        assertThat(LeaseRules.apply(t, new LeaseEvent.Rewound(0, 1, 20_001))).as("stale epoch").isFalse();
        Leased again = lease(0, 20_001, 30_000);
        assertThat(again.epoch()).isEqualTo(1);
        assertThat(again.dequeueCount()).isEqualTo(1);
    }

    @Test
    void rewindKeepsLeasesStillRunning() {
        lease(0, 0, 10_000);
        lease(1, 0, 10_000);
        LeaseRules.apply(t, new Deleted(0, 0, 1, 1));
        assertThat(LeaseRules.apply(t, new LeaseEvent.Rewound(0, 1, 5_000))).isTrue();
        assertThat(LeaseRules.isDeliverable(t, 0, 5_000)).as("deleted, now rewound").isTrue();
        assertThat(LeaseRules.isDeliverable(t, 1, 5_000)).as("still leased: never handed out twice").isFalse();
        assertThat(LeaseRules.heldLease(t, 1, 0, 1, 5_000)).as("its receipt handle still deletes").isNotNull();
        assertThat(LeaseRules.apply(t, new Deleted(1, 0, 1, 6_000))).isTrue();
        assertThat(LeaseRules.isDeliverable(t, 1, 20_000)).isFalse();
    }

    @Test
    void deadLetterTakesOnlyAMessageNobodyHolds() {
        assertThat(LeaseRules.apply(t, LeaseRules.deadLetterOf(t, 3, 0))).as("never received").isTrue();
        assertThat(LeaseRules.isDeliverable(t, 3, Long.MAX_VALUE)).isFalse();
        lease(0, 0, 10_000);
        LeaseEvent.DeadLettered whileHeld = LeaseRules.deadLetterOf(t, 0, 5_000);
        assertThat(LeaseRules.apply(t, whileHeld)).as("lease still held").isFalse();
        LeaseEvent.DeadLettered stale = new LeaseEvent.DeadLettered(0, 0, 0, 10_000);
        assertThat(LeaseRules.apply(t, stale)).as("decided on an older lease").isFalse();
        assertThat(LeaseRules.apply(t, LeaseRules.deadLetterOf(t, 0, 10_000))).isTrue();
        assertThat(t.get(0)).isNull();
        assertThat(t.head().lowWatermark()).as("watermark moves over dead-lettered messages").isEqualTo(1);
        assertThat(LeaseRules.apply(t, new Leased(0, 0, 2, 90_000, 20_000))).isFalse();
    }

    @Test
    void expiryTakesOutOnlyAMessageNobodyHolds() {
        lease(0, 0, 10_000);
        assertThat(LeaseRules.apply(t, LeaseRules.expiryOf(t, 0, 5_000))).as("held").isFalse();
        assertThat(LeaseRules.apply(t, LeaseRules.expiryOf(t, 0, 10_000))).isTrue();
        assertThat(LeaseRules.apply(t, LeaseRules.expiryOf(t, 1, 10_000))).as("never received").isTrue();
        assertThat(t.head().lowWatermark()).isEqualTo(2);
        assertThat(LeaseRules.isDeliverable(t, 1, 20_000)).isFalse();
    }

    @Test
    void visibilityChangeOnlyForTheHolder() {
        lease(0, 0, 10_000);
        assertThat(LeaseRules.apply(t, new LeaseEvent.VisibilityChanged(0, 0, 2, 0, 5))).isFalse();
        assertThat(LeaseRules.apply(t, new LeaseEvent.VisibilityChanged(0, 0, 1, 5, 5))).isTrue();
        assertThat(LeaseRules.isDeliverable(t, 0, 5)).isTrue();
    }

    @Test
    void codecRoundTripsEveryEvent() {
        LeaseEvent[] all = {new Leased(1, 2, 3, 4, 5), new Deleted(1, 2, 3, 4), new LeaseEvent.VisibilityChanged(1, 2, 3, 4, 5),
            new LeaseEvent.DeadLettered(1, 2, 3, 4), new LeaseEvent.Rewound(7, 8, 9), new LeaseEvent.Advanced(10),
            new LeaseEvent.Skipped(3, 4), new LeaseEvent.Dropped(), new LeaseEvent.Barrier(-5),
            new LeaseEvent.Claimed(6), new LeaseEvent.Expired(1, 2, 3, 4)};
        for (LeaseEvent e : all) {
            assertThat(LeaseCodec.decodeEvent(LeaseCodec.encode(e))).isEqualTo(e);
            assertThat(LeaseCodec.isClaim(LeaseCodec.encode(e))).isEqualTo(e instanceof LeaseEvent.Claimed);
        }
        List<LeaseEvent> batchable = java.util.Arrays.stream(all).filter(e -> !(e instanceof LeaseEvent.Barrier || e instanceof LeaseEvent.Claimed)).toList();
        LeaseEvent.Batch batch = new LeaseEvent.Batch(batchable);
        assertThat(LeaseCodec.decodeEvent(LeaseCodec.encode(batch))).isEqualTo(batch);
        assertThat(LeaseCodec.decodeEvent(LeaseCodec.encode(new LeaseEvent.Batch(List.of())))).isEqualTo(
                new LeaseEvent.Batch(List.of()));
        MessageLease l = new MessageLease(MessageLease.State.LEASED, 1, 2, 3, 4);
        assertThat(LeaseCodec.decodeLease(LeaseCodec.encode(l))).isEqualTo(l);
    }

    @Test
    void aBatchAppliesEachEventOnItsOwn() {
        // Leases of one receive, in one record: the refused one (offset 0 held) changes nothing,
        // the others apply, as if they came one by one.
        lease(0, 0, 10_000);
        LeaseEvent.Batch receive = new LeaseEvent.Batch(List.of(new Leased(0, 0, 2, 20_000, 1),
                new Leased(1, 0, 1, 20_000, 1), new Leased(2, 0, 1, 20_000, 1)));
        assertThat(LeaseRules.apply(t, receive)).isTrue();
        assertThat(t.get(0).dequeueCount()).isEqualTo(1);
        assertThat(LeaseRules.isDeliverable(t, 1, 2)).isFalse();
        assertThat(LeaseRules.isDeliverable(t, 2, 2)).isFalse();
        // Nothing in a batch applies: false, nothing changed.
        assertThat(LeaseRules.apply(t, new LeaseEvent.Batch(List.of(new Deleted(1, 0, 9, 3))))).isFalse();
        assertThat(LeaseRules.apply(t, new LeaseEvent.Batch(List.of(new Deleted(0, 0, 1, 3), new Deleted(1, 0, 1, 3),
                new Deleted(2, 0, 1, 3))))).isTrue();
        assertThat(t.head().lowWatermark()).isEqualTo(3);
    }

    @Test
    void aBatchNeverNestsNorHoldsABarrierOrAClaim() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeaseEvent.Batch(List.of(new LeaseEvent.Barrier(1))))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeaseEvent.Batch(List.of(new LeaseEvent.Claimed(1))))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LeaseEvent.Batch(
                List.of(new LeaseEvent.Batch(List.of())))).isInstanceOf(IllegalArgumentException.class);
    }
}
