package io.cmqkafka.adapter.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP library would send: any Host header, malformed
 * request lines, lying Content-Length, partial requests. One keep-alive connection, reopened when the
 * server closes it. Reads one response per request (Content-Length or chunked).
 */
final class HostileHttp implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HostileHttp(int port) {
        this.port = port;
    }

    /** A response; {@code status} -1 when the server closed the connection without answering. */
    record Response(int status, String head, byte[] body) {

        static final Response CLOSED = new Response(-1, "", new byte[0]);

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                JsonNode n = JSON.readTree(body);
                return n != null && n.isObject() ? n : null;
            } catch (IOException e) {
                return null;
            }
        }

        /** The CMQ code, or Integer.MIN_VALUE when the body is not a CMQ envelope. */
        int code() {
            JsonNode j = json();
            return j != null && j.has("code") && j.get("code").isInt() ? j.get("code").intValue() : Integer.MIN_VALUE;
        }

        String message() {
            JsonNode j = json();
            return j != null && j.has("message") ? j.get("message").asText() : null;
        }

        boolean closesConnection() {
            return head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
        }

        @Override
        public String toString() {
            return status + " " + (body.length > 300 ? text().substring(0, 300) + "..." : text());
        }
    }

    static byte[] post(String host, String path, String contentType, byte[] body) {
        String head = "POST " + path + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n";
        return concat(head.getBytes(StandardCharsets.ISO_8859_1), body);
    }

    static byte[] post(String host, String body) {
        return post(host, "/v2/index.php", "*/*;charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] get(String host, String pathAndQuery) {
        return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    void open() throws IOException {
        close();
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    boolean isOpen() {
        return socket != null && !socket.isClosed();
    }

    /** Writes the bytes (opening a connection if needed) without reading. */
    void write(byte[] bytes) throws IOException {
        if (!isOpen()) {
            open();
        }
        out.write(bytes);
        out.flush();
    }

    /** Sends a complete request and reads its response; a server that closes without answer gives CLOSED. */
    Response exchange(byte[] request, int timeoutMillis) throws IOException {
        boolean reused = isOpen();
        Response r = exchangeOnce(request, timeoutMillis);
        if (r.status() < 0 && reused) {
            // The server had closed the idle keep-alive connection: send again on a new one, as okhttp and
            // the Python SDK do.
            r = exchangeOnce(request, timeoutMillis);
        }
        return r;
    }

    private Response exchangeOnce(byte[] request, int timeoutMillis) throws IOException {
        try {
            write(request);
        } catch (IOException e) { // closed by the server while we wrote (e.g. after a previous error)
            open();
            try {
                write(request);
            } catch (IOException again) {
                close();
                return Response.CLOSED;
            }
        }
        return read(timeoutMillis);
    }

    /** Reads one response; CLOSED if the connection ends first. */
    Response read(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            String head = readHead();
            if (head == null) {
                close();
                return Response.CLOSED;
            }
            int status = Integer.parseInt(head.substring(9, 12));
            String lower = head.toLowerCase(Locale.ROOT);
            byte[] body;
            if (lower.contains("transfer-encoding: chunked")) {
                body = readChunked();
            } else {
                int i = lower.indexOf("content-length:");
                int length = i < 0 ? 0 : Integer.parseInt(lower.substring(i + 15, lower.indexOf("\r\n", i)).trim());
                body = in.readNBytes(length);
            }
            Response r = new Response(status, head, body);
            if (r.closesConnection()) {
                close();
            }
            return r;
        } catch (SocketTimeoutException e) {
            close();
            throw e;
        } catch (IOException e) { // reset
            close();
            return Response.CLOSED;
        }
    }

    /** Blocks until the server closes the connection (true) or the timeout passes (false); skips any bytes. */
    boolean awaitClose(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            while (in.read() >= 0) {
                // an error response before the close is fine
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine();
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                readLine();
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            readLine();
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
    }
}
