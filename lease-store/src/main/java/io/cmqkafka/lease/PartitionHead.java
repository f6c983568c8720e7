package io.cmqkafka.lease;

/**
 * Per queue partition: every offset below {@code lowWatermark} is done (deleted, dead-lettered
 * or past retention); {@code epoch} counts rewinds, and is part of every receipt handle.
 */
public record PartitionHead(long lowWatermark, int epoch) {
    public static final PartitionHead INITIAL = new PartitionHead(0, 0);
}
