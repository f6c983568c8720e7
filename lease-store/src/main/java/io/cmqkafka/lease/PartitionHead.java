package io.cmqkafka.lease;

/**
 * Per queue partition: every offset below {@code lowWatermark} is done (deleted, dead-lettered
 * or past retention); {@code epoch} counts rewinds, and is part of every receipt handle;
 * {@code ownerEpoch} counts the dispatchers that claimed the partition, so the store ignores
 * events of a dispatcher that lost it.
 */
public record PartitionHead(long lowWatermark, int epoch, long ownerEpoch) {
    public static final PartitionHead INITIAL = new PartitionHead(0, 0, 0);

    public PartitionHead withLowWatermark(long low) {
        return new PartitionHead(low, epoch, ownerEpoch);
    }
}
