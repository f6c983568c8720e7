package io.cmqkafka.adapter.protocol;

import java.util.Map;

/**
 * A CMQ error answer: {@code code}, the full {@code "(module)text"} message and, rarely, extra response
 * fields (BatchDeleteMessage's {@code errorList}). Thrown for control flow, so no stack trace.
 */
public final class CmqException extends RuntimeException {

    private final CmqError error;
    private final Map<String, Object> fields;

    public CmqException(CmqError error, String message) {
        this(error, message, Map.of());
    }

    public CmqException(CmqError error, String message, Map<String, Object> fields) {
        super(message, null, false, false);
        this.error = error;
        this.fields = fields;
    }

    public CmqError error() {
        return error;
    }

    public int code() {
        return error.code();
    }

    public int module() {
        return error.module();
    }

    /** Extra fields of the error response, after code/message/requestId. */
    public Map<String, Object> fields() {
        return fields;
    }
}
