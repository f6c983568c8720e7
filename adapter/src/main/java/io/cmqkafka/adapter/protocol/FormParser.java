package io.cmqkafka.adapter.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} bytes (POST body or GET query string) whatever the
 * Content-Type says: the Java SDK sends {@code *}{@code /*;charset=utf-8}, Python none at all.
 * {@code +} is a space, {@code %XX} a byte, bytes are strict UTF-8. Parameters keep their wire order,
 * raw (decoded) values included, for a later signature check.
 */
public final class FormParser {

    private FormParser() {
    }

    /** Parameters in wire order; unmodifiable. */
    public static Map<String, String> parse(byte[] form) {
        if (form.length > Limits.MAX_REQUEST_BYTES) {
            throw CmqError.REQUEST_TOO_LARGE.exception("request");
        }
        Map<String, String> params = new LinkedHashMap<>();
        int start = 0;
        while (start <= form.length) {
            int end = indexOf(form, (byte) '&', start);
            if (end > start) { // skip empty pairs ("a=1&&b=2", trailing '&')
                int eq = indexOf(form, (byte) '=', start, end);
                String name = decode(form, start, eq, null);
                String value = eq < end ? decode(form, eq + 1, end, name) : "";
                if (name.isEmpty()) {
                    throw CmqError.KEY_FORMAT.exception("\"\"");
                }
                if (params.putIfAbsent(name, value) != null) {
                    throw CmqError.NOT_REPEATABLE.exception(Limits.echo(name));
                }
                if (params.size() > Limits.MAX_PARAMETERS) {
                    throw CmqError.BAD_ENCODING.exception("more than " + Limits.MAX_PARAMETERS + " parameters");
                }
            }
            start = end + 1;
        }
        return Collections.unmodifiableMap(params);
    }

    private static int indexOf(byte[] b, byte c, int from) {
        return indexOf(b, c, from, b.length);
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return to;
    }

    /** @param param the name whose value this is, for the error text; null when decoding a name */
    private static String decode(byte[] b, int from, int to, String param) {
        // Fast path: plain ASCII without escapes (names, numbers, signatures, most bodies) is already
        // its own decoding; no copy through a decoder (this was the service's hottest method).
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c < 0 || c == '%' || c == '+') {
                break;
            }
            i++;
        }
        if (i == to) {
            return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
        }
        // Percent-decode into a byte array (every escape is checked before any UTF-8 check, as before).
        byte[] out = new byte[to - from];
        int n = i - from;
        System.arraycopy(b, from, out, 0, n);
        boolean ascii = true;
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '+') {
                out[n++] = ' ';
            } else if (c == '%') {
                int hi = i + 2 < to ? Character.digit(b[i + 1], 16) : -1;
                int lo = hi >= 0 ? Character.digit(b[i + 2], 16) : -1;
                if (lo < 0) {
                    throw CmqError.BAD_ENCODING.exception("invalid percent-encoding in " + where(param));
                }
                byte d = (byte) (hi << 4 | lo);
                ascii &= d >= 0;
                out[n++] = d;
                i += 2;
            } else {
                ascii &= c >= 0;
                out[n++] = c;
            }
        }
        if (ascii) {
            return new String(out, 0, n, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw CmqError.BAD_ENCODING.exception("invalid UTF-8 in " + where(param));
        }
    }

    private static String where(String param) {
        return param == null ? "a parameter name" : "parameter " + param;
    }
}
