package io.cmqkafka.adapter.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CMQ JSON envelope: {@code {"code":int,"message":string,"requestId":string, ...action fields}}, always
 * sent with HTTP 200. SDKs insist on: code an integer, message present (also "" on success), requestId a
 * string; IDs as strings, counts/times as integers, arrays never null (cmq-api.md §1.5).
 */
public final class CmqResponse {

    public static final String CONTENT_TYPE = "application/json; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int code;
    private final String message;
    private final Map<String, Object> fields;

    private CmqResponse(int code, String message, Map<String, Object> fields) {
        this.code = code;
        this.message = message;
        this.fields = fields;
    }

    public static CmqResponse success(Map<String, Object> fields) {
        return new CmqResponse(0, "", fields);
    }

    public static CmqResponse error(CmqException e) {
        return new CmqResponse(e.code(), e.getMessage(), e.fields());
    }

    /** Response fields from alternating names and values, in order. */
    public static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    public int code() {
        return code;
    }

    public String message() {
        return message;
    }

    public Map<String, Object> fields() {
        return fields;
    }

    /**
     * The JSON body. {@code clientRequestId} (TDMQ Go SDK) is echoed as a number when it is one.
     */
    public byte[] toJson(String requestId, String clientRequestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("requestId", requestId);
        if (clientRequestId != null && clientRequestId.matches("[0-9]{1,20}")) {
            body.put("clientRequestId", new BigInteger(clientRequestId));
        }
        fields.forEach(body::putIfAbsent);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) { // a handler put something Jackson can't write: a bug
            return ("{\"code\":" + CmqError.INTERNAL.code() + ",\"message\":\"" + CmqError.INTERNAL.message()
                    + "\",\"requestId\":\"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
