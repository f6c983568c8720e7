package io.cmqkafka.adapter.protocol.auth;

import java.util.Locale;
import java.util.Map;

/** The permission families of CMQ actions ({@code cmq.auth.permissions.<id>.actions}). */
public enum ActionKind {
    /** SendMessage, BatchSendMessage, PublishMessage, BatchPublishMessage. */
    SEND,
    /** (Batch)ReceiveMessage, (Batch)DeleteMessage and (Batch)ChangeMessageVisibility: consuming. */
    RECEIVE,
    /** Everything else: create, delete, list, attributes, rewind, subscriptions. */
    MANAGE;

    private static final Map<String, ActionKind> BY_ACTION = Map.of(
            "sendmessage", SEND,
            "batchsendmessage", SEND,
            "publishmessage", SEND,
            "batchpublishmessage", SEND,
            "receivemessage", RECEIVE,
            "batchreceivemessage", RECEIVE,
            "deletemessage", RECEIVE,
            "batchdeletemessage", RECEIVE,
            "changemessagevisibility", RECEIVE,
            "batchchangemessagevisibility", RECEIVE);

    /** The family of an action name in any letter case; unknown names count as MANAGE. */
    public static ActionKind of(String action) {
        return BY_ACTION.getOrDefault(action.toLowerCase(Locale.ROOT), MANAGE);
    }

    /** {@code send}, {@code receive}, {@code manage} (any case); {@code delete} is an alias of receive. */
    public static ActionKind parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "send" -> SEND;
            case "receive", "delete" -> RECEIVE;
            case "manage" -> MANAGE;
            default -> throw new IllegalArgumentException(
                    "unknown action family '" + name + "' (expected send, receive or manage)");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
