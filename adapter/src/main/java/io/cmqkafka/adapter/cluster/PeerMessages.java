package io.cmqkafka.adapter.cluster;

import io.cmqkafka.adapter.engine.ReceivedMessage;
import java.util.List;

/** JSON bodies of the calls between instances (path /cmq-internal/v1/...). */
final class PeerMessages {

    private PeerMessages() {
    }

    /** {@code offsets}: per partition, the rewind target (rewind) or the first rewindable offset (counters). */
    record PartitionsRequest(String queue, String queueId, List<Integer> partitions, int max, long millis,
            List<String> receiptHandles, List<Long> offsets) {

        PartitionsRequest(String queue, String queueId, List<Integer> partitions, int max, long millis,
                List<String> receiptHandles) {
            this(queue, queueId, partitions, max, millis, receiptHandles, null);
        }
    }

    record DoneReply(boolean done) {
    }

    record ReceiveReply(List<ReceivedMessage> messages) {
    }

    record AwaitReply(boolean available) {
    }

    /** One entry per handle: null when done (deleted, changed), else the engine's failure kind. */
    record DeleteReply(List<String> outcomes) {
    }

    record CountersReply(long[] counters) {
    }

    record ErrorReply(String kind, String message) {
    }
}
