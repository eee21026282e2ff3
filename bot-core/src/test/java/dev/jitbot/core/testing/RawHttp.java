package dev.jitbot.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for what java.net.http will not send: a Content-Length with no body behind
 * it, a chunked body of a chosen size, TRACE. Every request asks for {@code Connection: close}, so the answer is
 * whatever the server writes until it closes.
 */
public final class RawHttp {

    public record Reply(int status, String head, String body) { }

    private RawHttp() {
    }

    /** The request line and headers, {@code Connection: close} and the blank line, ready for a body. */
    public static byte[] head(String method, String path, Map<String, String> headers) {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        sb.append("Connection: close\r\n\r\n");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code body} as chunks of at most {@code chunk} bytes and the last, empty chunk. */
    public static byte[] chunked(byte[] body, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / chunk * 12 + 16);
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** Writes {@code parts} in order and reads the answer; a server that never answers fails after 20 s. */
    public static Reply exchange(int port, byte[]... parts) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                for (byte[] p : parts) {
                    out.write(p);
                }
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before taking everything offered; its answer is still there.
            }
            return parse(readAll(s.getInputStream()));
        }
    }

    public static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            if (got.size() == 0) {
                throw e;
            }
        }
        return got.toByteArray();
    }

    private static Reply parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        if (!all.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IllegalStateException("not an HTTP answer: " + all.substring(0, Math.min(200, all.length())));
        }
        String head = all.substring(0, end);
        String body = all.substring(end + 4);
        if (head.toLowerCase().contains("transfer-encoding: chunked")) {
            body = unchunk(body);
        }
        return new Reply(Integer.parseInt(head.substring(9, 12)), head, body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int eol = body.indexOf("\r\n", at);
            int n = Integer.parseInt(body.substring(at, eol).split(";")[0].strip(), 16);
            if (n == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + n);
            at = eol + 2 + n + 2;
        }
        return out.toString();
    }
}
