package io.cmqkafka.adapter.engine;

/**
 * A receipt handle names one lease: the queue incarnation, the message (partition, offset), the
 * partition's rewind epoch and the lease generation (dequeue count). It is opaque to clients and
 * kept within the characters and length the SDKs accept ({@code [A-Za-z0-9_-]}, < 80 chars).
 * Format version 1: {@code 1_<queueTag>_<partition>_<offset>_<epoch>_<dequeueCount>}, base 36.
 */
public record ReceiptHandle(int queueTag, int partition, long offset, int epoch, int dequeueCount) {

    private static final int MAX_LENGTH = 96;

    public String encode() {
        return "1_" + Integer.toUnsignedString(queueTag, 36) + "_" + Integer.toString(partition, 36) + "_"
                + Long.toString(offset, 36) + "_" + Integer.toString(epoch, 36) + "_"
                + Integer.toString(dequeueCount, 36);
    }

    /** Returns null for anything that is not a well-formed version-1 handle. */
    public static ReceiptHandle decode(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) {
            return null;
        }
        String[] f = s.split("_", -1);
        if (f.length != 6 || !f[0].equals("1")) {
            return null;
        }
        try {
            ReceiptHandle h = new ReceiptHandle(Integer.parseUnsignedInt(f[1], 36), Integer.parseInt(f[2], 36),
                    Long.parseLong(f[3], 36), Integer.parseInt(f[4], 36), Integer.parseInt(f[5], 36));
            return h.partition() < 0 || h.offset() < 0 || h.epoch() < 0 || h.dequeueCount() < 1 ? null : h;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A short tag of the queue incarnation, so handles of a deleted queue never match a new one. */
    public static int tagOf(String queueId) {
        return queueId.hashCode();
    }
}
