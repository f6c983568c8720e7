package io.cmqkafka.lease;

/**
 * What the store knows about one message above its partition's low watermark. Messages with no
 * entry are untouched (never received), so a backlog costs no state.
 *
 * @param state          leased, deleted or dead-lettered
 * @param epoch          the partition's rewind epoch when this lease was granted; a rewind
 *                       invalidates receipt handles of the messages it makes deliverable again
 * @param dequeueCount   how many times the message was received (the lease generation)
 * @param visibleAt      epoch millis when a lease lapses (meaningful for LEASED)
 * @param firstDequeueAt epoch millis of the first receive
 */
public record MessageLease(State state, int epoch, int dequeueCount, long visibleAt, long firstDequeueAt) {

    public enum State {
        LEASED((byte) 1), DELETED((byte) 2), DEAD_LETTERED((byte) 3);

        final byte code;

        State(byte code) {
            this.code = code;
        }

        static State of(byte code) {
            for (State s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown lease state " + code);
        }
    }

    /** Deleted or dead-lettered: the message is done for this queue. */
    public boolean isDone() {
        return state != State.LEASED;
    }

    /** A lease that is still running at {@code now}: nobody else may receive the message. */
    public boolean isHeldAt(long now) {
        return state == State.LEASED && visibleAt > now;
    }

    public MessageLease withState(State s) {
        return new MessageLease(s, epoch, dequeueCount, visibleAt, firstDequeueAt);
    }

    public MessageLease withVisibleAt(long at) {
        return new MessageLease(state, epoch, dequeueCount, at, firstDequeueAt);
    }
}
