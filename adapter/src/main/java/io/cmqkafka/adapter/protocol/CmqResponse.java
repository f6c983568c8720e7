package io.cmqkafka.adapter.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
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
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private static final java.util.regex.Pattern CLIENT_REQUEST_ID = java.util.regex.Pattern.compile("[0-9]{1,20}");

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
        // Streamed straight into the generator (no envelope map); same members, order and encoding as
        // serialising the map {code, message, requestId, [clientRequestId], fields not already present}.
        ByteArrayBuilder buf = new ByteArrayBuilder(512);
        try (JsonGenerator g = JSON.getFactory().createGenerator(buf)) {
            g.writeStartObject();
            g.writeNumberField("code", code);
            g.writeStringField("message", message);
            g.writeStringField("requestId", requestId);
            boolean echo = clientRequestId != null && CLIENT_REQUEST_ID.matcher(clientRequestId).matches();
            if (echo) {
                g.writeFieldName("clientRequestId");
                g.writeNumber(new BigInteger(clientRequestId));
            }
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                String k = e.getKey();
                if (k.equals("code") || k.equals("message") || k.equals("requestId")
                        || (echo && k.equals("clientRequestId"))) {
                    continue; // the envelope's own members win, as with putIfAbsent
                }
                g.writeFieldName(k);
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } catch (IOException e) { // a handler put something Jackson can't write: a bug
            return ("{\"code\":" + CmqError.INTERNAL.code() + ",\"message\":\"" + CmqError.INTERNAL.message()
                    + "\",\"requestId\":\"" + requestId + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        return buf.toByteArray();
    }

    /**
     * The values handlers return (strings, integers, maps, lists) written directly: the same JSON as
     * {@code ObjectMapper.writeValue}, without its serializer lookup per map entry (a batch receive
     * is a list of sixteen maps). Anything else still goes through the mapper.
     */
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof java.util.List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                writeValue(g, o);
            }
            g.writeEndArray();
        } else if (v == null) {
            g.writeNull();
        } else {
            JSON.writeValue(g, v);
        }
    }
}
