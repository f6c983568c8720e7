package io.cmqkafka.lease;

import io.cmqkafka.lease.LeaseEvent.Advanced;
import io.cmqkafka.lease.LeaseEvent.Barrier;
import io.cmqkafka.lease.LeaseEvent.DeadLettered;
import io.cmqkafka.lease.LeaseEvent.Deleted;
import io.cmqkafka.lease.LeaseEvent.Dropped;
import io.cmqkafka.lease.LeaseEvent.Leased;
import io.cmqkafka.lease.LeaseEvent.Rewound;
import io.cmqkafka.lease.LeaseEvent.Skipped;
import io.cmqkafka.lease.LeaseEvent.VisibilityChanged;
import java.nio.ByteBuffer;

/**
 * Binary encodings of lease events and store values. Every value starts with a format version
 * byte so that later versions can read what earlier ones wrote (the log and the changelog outlive
 * any one release).
 */
public final class LeaseCodec {

    static final byte VERSION = 1;

    private static final byte LEASED = 1;
    private static final byte DELETED = 2;
    private static final byte VISIBILITY = 3;
    private static final byte DEAD_LETTERED = 4;
    private static final byte REWOUND = 5;
    private static final byte ADVANCED = 6;
    private static final byte DROPPED = 7;
    private static final byte BARRIER = 8;
    private static final byte SKIPPED = 9;
    private static final byte CLAIMED = 10;
    private static final byte EXPIRED = 11;
    private static final byte BATCH = 12;
    /** Largest encoding of one event that is not a batch. */
    private static final int EVENT_BYTES = 40;

    private LeaseCodec() {
    }

    public static byte[] encode(LeaseEvent event) {
        int size = event instanceof LeaseEvent.Batch batch ? 4 + batch.events().size() * EVENT_BYTES : EVENT_BYTES;
        ByteBuffer b = ByteBuffer.allocate(size).put(VERSION);
        put(b, event);
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /** A batch: its type, the count, then each event as it is encoded alone (without the version). */
    private static void put(ByteBuffer b, LeaseEvent event) {
        if (event instanceof LeaseEvent.Batch batch) {
            b.put(BATCH).putShort((short) batch.events().size());
            for (LeaseEvent e : batch.events()) {
                put(b, e);
            }
        } else if (event instanceof Leased e) {
            b.put(LEASED).putLong(e.offset()).putInt(e.epoch()).putInt(e.dequeueCount()).putLong(e.visibleAt()).putLong(e.at());
        } else if (event instanceof Deleted e) {
            b.put(DELETED).putLong(e.offset()).putInt(e.epoch()).putInt(e.dequeueCount()).putLong(e.at());
        } else if (event instanceof VisibilityChanged e) {
            b.put(VISIBILITY).putLong(e.offset()).putInt(e.epoch()).putInt(e.dequeueCount()).putLong(e.visibleAt()).putLong(e.at());
        } else if (event instanceof DeadLettered e) {
            b.put(DEAD_LETTERED).putLong(e.offset()).putInt(e.epoch()).putInt(e.dequeueCount()).putLong(e.at());
        } else if (event instanceof LeaseEvent.Expired e) {
            b.put(EXPIRED).putLong(e.offset()).putInt(e.epoch()).putInt(e.dequeueCount()).putLong(e.at());
        } else if (event instanceof Rewound e) {
            b.put(REWOUND).putLong(e.toOffset()).putInt(e.newEpoch()).putLong(e.at());
        } else if (event instanceof Advanced e) {
            b.put(ADVANCED).putLong(e.lowWatermark());
        } else if (event instanceof Skipped e) {
            b.put(SKIPPED).putLong(e.from()).putLong(e.to());
        } else if (event instanceof LeaseEvent.Claimed e) {
            b.put(CLAIMED).putLong(e.ownerEpoch());
        } else if (event instanceof Dropped) {
            b.put(DROPPED);
        } else if (event instanceof Barrier e) {
            b.put(BARRIER).putLong(e.token());
        } else {
            throw new IllegalArgumentException("unknown lease event " + event);
        }
    }

    /** Whether an encoded event is a {@link LeaseEvent.Claimed} (without decoding the rest). */
    public static boolean isClaim(byte[] bytes) {
        return bytes != null && bytes.length >= 2 && bytes[0] == VERSION && bytes[1] == CLAIMED;
    }

    public static LeaseEvent decodeEvent(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        checkVersion(b.get());
        return get(b);
    }

    private static LeaseEvent get(ByteBuffer b) {
        byte type = b.get();
        return switch (type) {
            case BATCH -> {
                int n = b.getShort();
                java.util.List<LeaseEvent> events = new java.util.ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    events.add(get(b));
                }
                yield new LeaseEvent.Batch(events);
            }
            case LEASED -> new Leased(b.getLong(), b.getInt(), b.getInt(), b.getLong(), b.getLong());
            case DELETED -> new Deleted(b.getLong(), b.getInt(), b.getInt(), b.getLong());
            case VISIBILITY -> new VisibilityChanged(b.getLong(), b.getInt(), b.getInt(), b.getLong(), b.getLong());
            case DEAD_LETTERED -> new DeadLettered(b.getLong(), b.getInt(), b.getInt(), b.getLong());
            case REWOUND -> new Rewound(b.getLong(), b.getInt(), b.getLong());
            case EXPIRED -> new LeaseEvent.Expired(b.getLong(), b.getInt(), b.getInt(), b.getLong());
            case ADVANCED -> new Advanced(b.getLong());
            case SKIPPED -> new Skipped(b.getLong(), b.getLong());
            case CLAIMED -> new LeaseEvent.Claimed(b.getLong());
            case DROPPED -> new Dropped();
            case BARRIER -> new Barrier(b.getLong());
            default -> throw new IllegalArgumentException("unknown lease event type " + type);
        };
    }

    public static byte[] encode(MessageLease l) {
        return ByteBuffer.allocate(30).put(VERSION).put(l.state().code).putInt(l.epoch()).putInt(l.dequeueCount())
                .putLong(l.visibleAt()).putLong(l.firstDequeueAt()).array();
    }

    public static MessageLease decodeLease(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        checkVersion(b.get());
        return new MessageLease(MessageLease.State.of(b.get()), b.getInt(), b.getInt(), b.getLong(), b.getLong());
    }

    public static byte[] encode(PartitionHead h) {
        return ByteBuffer.allocate(21).put(VERSION).putLong(h.lowWatermark()).putInt(h.epoch()).putLong(h.ownerEpoch())
                .array();
    }

    public static PartitionHead decodeHead(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        checkVersion(b.get());
        return new PartitionHead(b.getLong(), b.getInt(), b.getLong());
    }

    /** Store key of one message's entry: partition key, then the offset big-endian (sorts by offset). */
    public static byte[] entryKey(byte[] partitionKey, long offset) {
        return ByteBuffer.allocate(partitionKey.length + 8).put(partitionKey).putLong(offset).array();
    }

    public static long offsetOf(byte[] entryKey) {
        return ByteBuffer.wrap(entryKey, entryKey.length - 8, 8).getLong();
    }

    private static void checkVersion(byte v) {
        if (v != VERSION) {
            throw new IllegalArgumentException("unsupported lease format version " + v);
        }
    }
}
