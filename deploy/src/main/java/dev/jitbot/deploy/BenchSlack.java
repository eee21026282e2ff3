package dev.jitbot.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench's stand-in for Slack's Web API: {@code auth.test}, {@code users.info} (each bench sender's email, the
 * one the bench policy lists), and {@code chat.postMessage} / {@code chat.update}, which it counts and answers
 * {@code ok}. Any other method answers {@code ok} too. Built on the JDK's HTTP server, as {@link BenchArm} is.
 */
final class BenchSlack implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool;
    private final Map<String, String> emailByUser;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong ts = new AtomicLong(1_700_000_000_000_000L);
    /** The share of Web API calls (auth.test and users.info aside) answered with a 429 or a 500; 0 for none. */
    private volatile double failing;
    private final java.util.Random random = new java.util.Random(14);
    private final AtomicLong failed = new AtomicLong();
    /** Every chat.postMessage and chat.update answered ok: its method, then its decoded form. */
    private final java.util.List<Map<String, String>> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** From now on a {@code share} of calls fails (a 429 with {@code Retry-After: 1} or a 500); 0 to recover. */
    void failing(double share) {
        this.failing = share;
    }

    /** Calls answered with a 429 or a 500 on purpose. */
    long failed() {
        return failed.get();
    }

    /** chat.postMessage and chat.update calls Slack said ok to, each as its form plus {@code method}. */
    java.util.List<Map<String, String>> delivered() {
        return java.util.List.copyOf(delivered);
    }

    /** @param emailByUser Slack user id → the email users.info gives */
    BenchSlack(Map<String, String> emailByUser) throws IOException {
        this.emailByUser = Map.copyOf(emailByUser);
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        pool = Executors.newFixedThreadPool(16, dev.jitbot.core.app.Threads.named("jitbot-bench-slack"));
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The Web API base, as {@code JITBOT_SLACK_API_URL} wants it. */
    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/";
    }

    /** Where slash commands' {@code response_url} points. */
    String responseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/commands/bench";
    }

    /** How often a Web API method was called. */
    long calls(String method) {
        AtomicLong n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String method = path.startsWith("/api/") ? path.substring("/api/".length()) : path;
            calls.computeIfAbsent(method, m -> new AtomicLong()).incrementAndGet();
            double share = failing;
            // auth.test and users.info answer during start-up and the ack, where a failure is told to the person
            // at once; the faults are for what the outbox delivers afterwards.
            if (share > 0 && path.startsWith("/api/") && !method.equals("auth.test") && !method.equals("users.info")) {
                boolean fail;
                boolean throttle;
                synchronized (random) {
                    fail = random.nextDouble() < share;
                    throttle = random.nextBoolean();
                }
                if (fail) {
                    failed.incrementAndGet();
                    if (throttle) {
                        ex.getResponseHeaders().set("Retry-After", "1");
                        ex.sendResponseHeaders(429, -1);
                    } else {
                        ex.sendResponseHeaders(500, -1);
                    }
                    return;
                }
            }
            if (method.equals("chat.postMessage") || method.equals("chat.update")) {
                Map<String, String> copy = new HashMap<>(form);
                copy.put("method", method);
                delivered.add(copy);
            }
            String body = switch (method) {
                case "auth.test" -> "{\"ok\":true,\"url\":\"https://bench.slack.invalid/\",\"team\":\"bench\","
                        + "\"user\":\"jitbot\",\"team_id\":\"TBENCH0001\",\"user_id\":\"UJITBOT001\","
                        + "\"bot_id\":\"BJITBOT001\"}";
                case "users.info" -> usersInfo(form.get("user"));
                case "chat.postMessage", "chat.update" -> {
                    String channel = form.getOrDefault("channel", "CBENCH0001");
                    long n = ts.incrementAndGet();
                    String stamp = (n / 1_000_000) + "." + String.format(java.util.Locale.ROOT, "%06d", n % 1_000_000);
                    yield "{\"ok\":true,\"channel\":\"" + json(channel) + "\",\"ts\":\"" + stamp + "\",\"message\":"
                            + "{\"type\":\"message\",\"text\":\"\",\"bot_id\":\"BJITBOT001\",\"ts\":\"" + stamp + "\"}}";
                }
                default -> "{\"ok\":true}";
            };
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            ex.close();
        }
    }

    private String usersInfo(String user) {
        String email = user == null ? null : emailByUser.get(user);
        if (email == null) {
            return "{\"ok\":false,\"error\":\"user_not_found\"}";
        }
        String name = email.substring(0, email.indexOf('@'));
        return "{\"ok\":true,\"user\":{\"id\":\"" + json(user) + "\",\"team_id\":\"TBENCH0001\",\"name\":\"" + name
                + "\",\"real_name\":\"" + name + "\",\"profile\":{\"email\":\"" + json(email)
                + "\",\"display_name\":\"" + name + "\"}}}";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
