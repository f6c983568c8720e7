package io.cmqkafka.adapter.protocol;

import io.cmqkafka.adapter.engine.DeadLetterPolicy;
import io.cmqkafka.adapter.engine.QueueSettings;
import java.util.regex.Pattern;

/**
 * Every range and default the protocol layer enforces, as data (cmq-api.md §2.1, §2.2, §4).
 * Handlers read parameters through {@link CmqRequest} with these descriptors, never with literals.
 */
public final class Limits {

    private Limits() {
    }

    /**
     * An integer parameter: its wire name, inclusive range, default (null: none) and the error for a
     * value outside the range.
     */
    public record IntParam(String name, long min, long max, Long defaultValue, CmqError outOfRange) {

        IntParam(String name, long min, long max, Long defaultValue) {
            this(name, min, max, defaultValue, CmqError.OUT_OF_RANGE);
        }

        public long check(long value) {
            if (value < min || value > max) {
                throw outOfRange.exception(name);
            }
            return value;
        }
    }

    /** Whole request (POST body or GET query string), bytes as received: 4000/10420 beyond. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /**
     * Parameters of one request (names are not restricted: SDKs sign unknown ones). The SDKs send at most
     * about 30; the cap bounds the memory a 1 MiB body of {@code a&b&c...} would take once parsed.
     */
    public static final int MAX_PARAMETERS = 1000;
    /** Longest client-supplied text (a name, an action) echoed back in an error message. */
    public static final int MAX_ECHO_CHARS = 64;

    /** One message body, UTF-8 bytes; the queue's maxMsgSize is enforced by the engine. */
    public static final int MIN_MSG_BODY_BYTES = 1;
    public static final int MAX_MSG_BODY_BYTES = 1 << 20;
    /** Sum of the bodies of one BatchSendMessage: 4470/10300 beyond. */
    public static final int MAX_BATCH_BODY_BYTES = 1 << 20;
    /** Items in an array parameter ({@code msgBody.n}, {@code receiptHandle.n}). */
    public static final int MIN_BATCH = 1;
    public static final int MAX_BATCH = 16;

    /** Docs allow letters, digits and '-'; the TDMQ SDK also '_', so we do too. */
    public static final Pattern QUEUE_NAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_-]{0,63}$");

    // Queue settings (CreateQueue / SetQueueAttributes).
    public static final IntParam MAX_MSG_HEAP_NUM =
            new IntParam("maxMsgHeapNum", 1_000_000L, 1_000_000_000L, 100_000_000L);
    public static final IntParam POLLING_WAIT_SECONDS = new IntParam("pollingWaitSeconds", 0, 30, 0L);
    public static final IntParam VISIBILITY_TIMEOUT = new IntParam("visibilityTimeout", 1, 43_200, 30L);
    /** Java sends 1 048 576 by default, so the newer (1 MiB) upper bound applies. */
    public static final IntParam MAX_MSG_SIZE = new IntParam("maxMsgSize", 1024, 1_048_576, 65_536L);
    public static final IntParam MSG_RETENTION_SECONDS =
            new IntParam("msgRetentionSeconds", 60, 1_296_000, 345_600L);
    /** Also at most the queue's msgRetentionSeconds (4000/10700); 0 = rewind off. */
    public static final IntParam REWIND_SECONDS = new IntParam("rewindSeconds", 0, 1_296_000, 0L);

    /** Extension, CreateQueue only: 1 delivers each message group one message at a time, in send order. */
    public static final IntParam ORDERED = new IntParam("ordered", 0, 1, 0L);
    /** Extension: the message group of (Batch)SendMessage on an ordered queue. */
    public static final String MSG_GROUP_ID = "msgGroupId";
    public static final int MAX_MSG_GROUP_ID_CHARS = 128;

    // deadLetterPolicy (a JSON text). Policy 1's maxTimeToLive must also be below msgRetentionSeconds.
    public static final IntParam MAX_RECEIVE_COUNT =
            new IntParam("maxReceiveCount", 1, 1000, null, CmqError.DEAD_LETTER_PARAMS);
    public static final IntParam MAX_TIME_TO_LIVE =
            new IntParam("maxTimeToLive", 300, 43_200, null, CmqError.DEAD_LETTER_PARAMS);

    // RewindQueue: Unix seconds; the engine checks it against the queue's rewind window.
    public static final IntParam START_CONSUME_TIME =
            new IntParam("startConsumeTime", 1, 253_402_300_799L, null, CmqError.REWIND_TIME);

    // Message actions.
    public static final IntParam DELAY_SECONDS =
            new IntParam("delaySeconds", 0, 3600, 0L, CmqError.DELAY_OUT_OF_RANGE);
    public static final IntParam NUM_OF_MSG = new IntParam("numOfMsg", MIN_BATCH, MAX_BATCH, null);
    /** Per-receive: absent means the queue's attribute, so no default here. */
    public static final IntParam RECEIVE_POLLING_WAIT_SECONDS = new IntParam("pollingWaitSeconds", 0, 30, null);
    /** Extension (not in CMQ): per-receive override of the queue's visibilityTimeout. */
    public static final IntParam RECEIVE_VISIBILITY_TIMEOUT = new IntParam("visibilityTimeout", 1, 43_200, null);

    /** Extension: (Batch)ChangeMessageVisibility, seconds from now; 0 makes the message visible at once. */
    public static final IntParam CHANGE_VISIBILITY_TIMEOUT = new IntParam("visibilityTimeout", 0, 43_200, null);
    /** Extension: RedriveDeadLetterQueue, messages moved by one call (absent: all). */
    public static final IntParam REDRIVE_MAX_MSG_NUM = new IntParam("maxMsgNum", 1, 1_000_000_000L, null);
    /** Extension: RewindQueueToOffsets {@code offsets=partition:offset,...}. */
    public static final int MAX_REWIND_PARTITIONS = 1000;

    // ListQueue. Docs: limit default 20, max 50 (ListTopic). We reject > 50 rather than clamp, so a
    // client paging by offset += limit never silently skips queues.
    public static final IntParam LIST_OFFSET = new IntParam("offset", 0, Integer.MAX_VALUE, 0L);
    public static final IntParam LIST_LIMIT = new IntParam("limit", 1, 50, 20L);

    // Topics (cmq-api.md §2.3). Names follow the queue name rules.
    public static final Pattern TOPIC_NAME = QUEUE_NAME;
    public static final Pattern SUBSCRIPTION_NAME = QUEUE_NAME;
    /** Java validates 1024..1 MiB and always sends it; the docs' default is 64 KiB. */
    public static final IntParam TOPIC_MAX_MSG_SIZE = new IntParam("maxMsgSize", 1024, 1_048_576, 65_536L);
    /** 1: subscriptions filter by tags; 2: by binding keys. Python may send 0 for "unset": the default. */
    public static final IntParam FILTER_TYPE = new IntParam("filterType", 0, 2, 1L);
    public static final int FILTER_TYPE_TAGS = 1;
    public static final int FILTER_TYPE_ROUTING_KEYS = 2;
    /** Fixed by CMQ: a topic keeps its messages one day. */
    public static final int TOPIC_MSG_RETENTION_SECONDS = 86_400;
    /** msgTag.n of one publish: 4000/10720 beyond; each tag 1..16 characters. */
    public static final int MAX_MSG_TAGS = 5;
    public static final int MAX_TAG_CHARS = 16;
    /** filterTag.n / bindingKey.n of one subscription: 10490 / 10670 (tags), 10680 / 10740 (keys) beyond. */
    public static final int MAX_FILTER_TAGS = 5;
    public static final int MAX_BINDING_KEYS = 5;
    /** routingKey and each bindingKey: UTF-8 bytes, and dots (words - 1): 4000/10691 beyond. */
    public static final int MAX_ROUTING_KEY_BYTES = 64;
    public static final int MAX_KEY_DOTS = 15;
    /** Subscriptions per topic (classic CMQ): 4500/10480 beyond. */
    public static final int MAX_SUBSCRIPTIONS_PER_TOPIC = 100;
    /** HTTP endpoint URL: at most 500 characters (4000/10500). */
    public static final int MAX_ENDPOINT_CHARS = 500;
    // ListSubscriptionByTopic: offset 0..1000, limit 0..100 (0: the default, as Python sends 0 for unset).
    public static final IntParam SUBSCRIPTION_LIST_OFFSET = new IntParam("offset", 0, 1000, 0L);
    public static final IntParam SUBSCRIPTION_LIST_LIMIT = new IntParam("limit", 0, 100, 20L);

    /**
     * Client text as it may appear in an error message: at most {@link #MAX_ECHO_CHARS} characters, control
     * characters replaced by '?', so an attacker cannot make the service echo a megabyte or forge log lines.
     */
    public static String echo(String s) {
        if (s == null) {
            return "null";
        }
        boolean cut = s.length() > MAX_ECHO_CHARS;
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_ECHO_CHARS) + 3);
        for (int i = 0; i < s.length() && i < MAX_ECHO_CHARS; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return cut ? b.append("...").toString() : b.toString();
    }

    /** CreateQueue settings when nothing is sent. */
    public static QueueSettings defaultSettings() {
        return new QueueSettings(
                MAX_MSG_HEAP_NUM.defaultValue(),
                POLLING_WAIT_SECONDS.defaultValue().intValue(),
                VISIBILITY_TIMEOUT.defaultValue().intValue(),
                MAX_MSG_SIZE.defaultValue().intValue(),
                MSG_RETENTION_SECONDS.defaultValue().intValue(),
                REWIND_SECONDS.defaultValue().intValue());
    }

    /** Cross-field rules of a complete settings set. */
    public static QueueSettings checkSettings(QueueSettings s) {
        if (s.rewindSeconds() > s.msgRetentionSeconds()) {
            throw CmqError.REWIND_OVER_RETENTION.exception();
        }
        if (s.deadLetterPolicy() != null && s.deadLetterPolicy().policy() == DeadLetterPolicy.BY_TIME_TO_LIVE
                && s.deadLetterPolicy().maxTimeToLive() >= s.msgRetentionSeconds()) {
            throw CmqError.DEAD_LETTER_PARAMS.exception("maxTimeToLive must be less than msgRetentionSeconds");
        }
        return s;
    }
}
