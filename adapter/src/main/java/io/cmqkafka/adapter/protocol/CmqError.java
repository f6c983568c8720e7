package io.cmqkafka.adapter.protocol;

import io.cmqkafka.adapter.engine.QueueException;

/**
 * Every CMQ error this service emits: HTTP-level {@code code}, module code and English text (a format
 * string where the text names a parameter), as in the CMQ error table (cmq-api.md §3.2/§3.3). Clients see
 * {@code "(module)text"}; some client code compares that string verbatim, so keep texts exactly as CMQ
 * spells them (typos included).
 */
public enum CmqError {
    // Request/parameter errors (code 4000).
    INVALID_PARAMETERS(4000, 10000, "invalid request parameters"),
    MISSING_PARAMETER(4000, 10010, "lacked of required parameters: %s"),
    QUEUE_NAME_FORMAT(4000, 10020, "queue name format error"),
    /** Bad percent-encoding or UTF-8, too many parameters; the argument says what and where. */
    BAD_ENCODING(4000, 10110, "request parameters error: %s"),
    EMPTY_MESSAGE_BODY(4000, 10120, "message body can't be empty"),
    KEY_FORMAT(4000, 10310, "error: parameter %s key format error"),
    NOT_REPEATABLE(4000, 10330, "parameter %s is NOT a repeatable parameter"),
    OUT_OF_RANGE(4000, 10350, "parameter %s value or length is out of range"),
    WRONG_TYPE(4000, 10360, "parameter %s error type"),
    BATCH_SIZE(4000, 10370, "%s parameter batch size is out of range"),
    NOT_CONSECUTIVE(4000, 10380, "%s parameter is not consequent"),
    BAD_METHOD(4000, 10410, "unexpected http %s only GET or POST is supported"),
    REQUEST_TOO_LARGE(4000, 10420, "cannot parse %s, or request size is more than 1MB"),
    /** A key's permissions (cmq.auth.permissions) do not cover this action or queue. */
    NO_PERMISSION(4000, 10461, "no cam authentication: %s"),
    UNKNOWN_ACTION(4000, 10430, "action name %s is not existed"),
    DELAY_OUT_OF_RANGE(4000, 10692, "delay seconds is out of range"),
    REWIND_OVER_RETENTION(4000, 10700, "rewindSeconds cannot be greater than msgRetentionSeconds"),
    REWIND_TIME(4000, 10680, "invalid rewind time, you can get the vaild range of that via GetQueueAttributes"),
    /** Extension (RewindQueueToOffsets): not a CMQ code. */
    NO_SUCH_PARTITION(4000, 10681, "no such partition in the queue"),
    /** Extension (ordered queues): not a CMQ code. */
    ORDERED_AT_CREATION(4000, 10682, "ordered can only be chosen when the queue is created"),
    /** Extension (RedriveDeadLetterQueue): not a CMQ code. */
    REDRIVE_TARGET_REQUIRED(4000, 10683,
            "targetQueueName is required: the dead letter queue does not serve exactly one queue"),
    DEAD_LETTER_NOT_JSON(4000, 10710, "deadLetterPolicy must be a json string"),
    DEAD_LETTER_PARAMS(4000, 10720, "deadLetterPolicy params error: %s"),
    DEAD_LETTER_QUEUE_NOT_FOUND(4000, 10730, "dead letter queue is not existed"),
    DEAD_LETTER_NESTING(4000, 10740, "dead letter queue nesting is not allowed"),
    DEAD_LETTER_QUEUE_BOUND(4000, 10750, "it is not allowed to be deleted when the queue is dead letter queue"),
    DEAD_LETTER_QUEUE_MISSING(4000, 10760, "deadLetterQueue is required in deadLetterPolicy"),
    DEAD_LETTER_POLICY(4000, 10770, "policy of deadLetterPolicy must be 0 or 1"),
    DEAD_LETTER_TOO_MANY_SOURCES(4000, 10780, "dead letter queue is bound by too many queues"),

    // Authentication and admission (cmq-api.md §1.4, §3.2; 4500 is the generic Tencent v2 code).
    /** Signature missing or wrong; the argument says which, never what the right one would be. */
    AUTH_FAILED(4100, 10030, "authentication failed: %s"),
    UNKNOWN_SECRET_ID(4100, 10270, "secret id is not existed"),
    /** Only with cmq.auth.require-akid-prefix; the misspelling is CMQ's. */
    SECRET_ID_FORMAT(4000, 10450, "secret id dosen't begin with AKID"),
    /** Timestamp outside the window, or a Nonce used again; the argument says which. */
    REPLAY(4500, 4500, "request replay attack: %s"),
    /** Rate limit (cmq.rate-limit) of the key or the queue; the argument says which. */
    QPS_THROTTLING(4420, 10250, "qps throttling: %s"),

    // Queue and message errors.
    QUEUE_NOT_FOUND(4440, 10100, "queue is not existed, or deleted"),
    QUEUE_EXISTS(4460, 10210, "queue is already existed"),
    QUEUE_QUOTA(4450, 10220, "number of queues has reached the limit"),
    MESSAGE_TOO_LARGE(4400, 10230, "exceed maximum message size"),
    HEAP_FULL(4410, 10240, "reach maximum retention number of message"),
    INVALID_RECEIPT_HANDLE(4430, 10260, "receipt handle is invalid"),
    BATCH_TOO_LARGE(4470, 10300, "total message size exceed 1MB"),
    RECREATE_TOO_SOON(6040, 10660, "it will take some time to release resources of previous queue before you "
            + "create a new one with the same name, please try later"),
    REWIND_DISABLED(6050, 10670, "your queue cannot be rewinded"),
    TOO_MANY_INFLIGHT(6070, 10690, "too many unacked(inactive) messages or delayed messages"),
    DELETE_PARTIALLY_FAILED(6010, 10150, "delete message partially failed"),
    BATCH_DELETE_FAILED(6020, 10290, "batch delete message failed"),
    NO_MESSAGE(7000, 10200, "no message"),

    // Topics and subscriptions (cmq-api.md §2.3, §2.4, §3.2). CMQ reuses module numbers across its tables
    // (10660, 10670, 10680, 10700, 10470), so some of these share a module code with a queue error.
    TOPIC_NAME_FORMAT(4000, 10590, "topic name format error"),
    SUBSCRIPTION_NAME_FORMAT(4000, 10580, "subscription name format error"),
    TOPIC_HAS_SUBSCRIPTIONS(4000, 10540,
            "there exists subscriptions under this topic, please unsubscribe all of them before DeleteTopic"),
    /** Subscribe with more than 5 filterTag.n. */
    FILTER_TAG_LIMIT(4000, 10490, "number of filterTag exceed limit"),
    ENDPOINT_FORMAT(4000, 10500, "endpoint format error: %s"),
    UNDEFINED_PROTOCOL(4000, 10510, "undefined protocol"),
    UNDEFINED_NOTIFY_STRATEGY(4000, 10520, "undefined notify retry stragety"),
    UNDEFINED_CONTENT_FORMAT(4000, 10530, "undefined notify content format"),
    /** Endpoint refused by the operator's allow-list (cmq.topic.allowed-endpoints) or a queue that is missing. */
    ILLEGAL_ENDPOINT(4000, 10630, "illegal endpoint: %s"),
    /**
     * Documented for protocol queue with JSON, but never sent: the Java SDK always sends JSON, so queue
     * subscriptions accept it and deliver the raw body (cmq-api.md §2.4).
     */
    QUEUE_NEEDS_SIMPLIFIED(4000, 10640, "notifyContentFormat of protocol queue must be SIMPLIFIED"),
    /** SetSubscriptionAttributes with more than 5 filterTag.n. */
    TOO_MANY_FILTER_TAGS(4000, 10670, "too many filterTag"),
    TOO_MANY_BINDING_KEYS(4000, 10680, "too many bindingKey"),
    TOO_MANY_DELIMITERS(4000, 10691, "too many delimeters"),
    LACK_ROUTING_KEY(4000, 10700, "parameters lack of routingKey"),
    LACK_BINDING_KEY(4000, 10710, "parameters lack of bindingKey"),
    TOO_MANY_MSG_TAGS(4000, 10720, "too many msgTag"),
    SUBSCRIPTION_EXISTS(4490, 10470, "subscribtion is already existed"),
    SUBSCRIPTION_QUOTA(4500, 10480, "number of subscription has reached the limit"),
    TOPIC_NOT_FOUND(4440, 10600, "topic is not existed, or deleted"),
    /** Not in CMQ's table (inferred): same HTTP code as a missing topic, a module code of its own. */
    SUBSCRIPTION_NOT_FOUND(4440, 10800, "subscription is not existed, or deleted"),
    TOPIC_EXISTS(4460, 10550, "topic is already existed"),
    TOPIC_QUOTA(4450, 10610, "number of topics has reached the limit"),
    URL_BLANK(4510, 10570, "url connot contain any blank characters"),
    TOPIC_RECREATE_TOO_SOON(6040, 10660, "It will take some time to release resources of previous topic before "
            + "you can create a new topic with the same name. Please try later."),
    NO_SUBSCRIPTION(6030, 10650,
            "topic has no subscription, please create a subscription before publishing message"),
    NO_MATCHING_SUBSCRIPTION(6030, 10730, "no bindingKey or filterTag matches the routingKey or msgTag"),
    /** SetSubscriptionAttributes with more than 5 bindingKey.n. */
    TOO_MANY_FILTERS(6050, 10740, "too many filterTag or bindingKey"),

    /** Anything unexpected, and the engine's UNAVAILABLE: the client may retry. */
    INTERNAL(6000, 10050, "server internal error");

    private final int code;
    private final int module;
    private final String text;

    CmqError(int code, int module, String text) {
        this.code = code;
        this.module = module;
        this.text = text;
    }

    public int code() {
        return code;
    }

    public int module() {
        return module;
    }

    /** The client-visible message, {@code "(module)text"}, with {@code args} filled into the text. */
    public String message(Object... args) {
        return "(" + module + ")" + (args.length == 0 ? text : String.format(text, args));
    }

    public CmqException exception(Object... args) {
        return new CmqException(this, message(args));
    }

    /** The one place engine failures become CMQ errors (a new Kind fails compilation here). */
    public static CmqError of(QueueException.Kind kind) {
        return switch (kind) {
            case QUEUE_NOT_FOUND -> QUEUE_NOT_FOUND;
            case QUEUE_EXISTS -> QUEUE_EXISTS;
            case RECREATE_TOO_SOON -> RECREATE_TOO_SOON;
            case QUOTA_EXCEEDED -> QUEUE_QUOTA;
            case MESSAGE_TOO_LARGE -> MESSAGE_TOO_LARGE;
            case HEAP_FULL -> HEAP_FULL;
            case INVALID_RECEIPT_HANDLE -> INVALID_RECEIPT_HANDLE;
            case TOO_MANY_INFLIGHT -> TOO_MANY_INFLIGHT;
            case UNAVAILABLE -> INTERNAL;
            case DEAD_LETTER_QUEUE_NOT_FOUND -> DEAD_LETTER_QUEUE_NOT_FOUND;
            case DEAD_LETTER_NESTING -> DEAD_LETTER_NESTING;
            case DEAD_LETTER_TOO_MANY_SOURCES -> DEAD_LETTER_TOO_MANY_SOURCES;
            case DEAD_LETTER_QUEUE_BOUND -> DEAD_LETTER_QUEUE_BOUND;
            case REWIND_DISABLED -> REWIND_DISABLED;
            case REWIND_TIME_OUT_OF_RANGE -> REWIND_TIME;
            case NO_SUCH_PARTITION -> NO_SUCH_PARTITION;
            case REDRIVE_TARGET_REQUIRED -> REDRIVE_TARGET_REQUIRED;
        };
    }

    /** The one place topic engine failures become CMQ errors. */
    public static CmqError of(io.cmqkafka.adapter.topic.TopicException.Kind kind) {
        return switch (kind) {
            case TOPIC_NOT_FOUND -> TOPIC_NOT_FOUND;
            case TOPIC_EXISTS -> TOPIC_EXISTS;
            case TOPIC_QUOTA -> TOPIC_QUOTA;
            case RECREATE_TOO_SOON -> TOPIC_RECREATE_TOO_SOON;
            case HAS_SUBSCRIPTIONS -> TOPIC_HAS_SUBSCRIPTIONS;
            case SUBSCRIPTION_NOT_FOUND -> SUBSCRIPTION_NOT_FOUND;
            case SUBSCRIPTION_EXISTS -> SUBSCRIPTION_EXISTS;
            case SUBSCRIPTION_QUOTA -> SUBSCRIPTION_QUOTA;
            case NO_SUBSCRIPTION -> NO_SUBSCRIPTION;
            case NO_MATCHING_SUBSCRIPTION -> NO_MATCHING_SUBSCRIPTION;
            case LACK_ROUTING_KEY -> LACK_ROUTING_KEY;
            case LACK_BINDING_KEY -> LACK_BINDING_KEY;
            case MESSAGE_TOO_LARGE -> MESSAGE_TOO_LARGE;
            case ILLEGAL_ENDPOINT -> ILLEGAL_ENDPOINT;
            case UNAVAILABLE -> INTERNAL;
        };
    }
}
