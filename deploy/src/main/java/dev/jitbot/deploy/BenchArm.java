package dev.jitbot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The bench's stand-in for Azure, over HTTPS with a certificate made at start (Azure Identity refuses plain
 * http): Entra's token endpoint, role definitions, and ARM role assignments that answer after a fixed latency and
 * throttle like ARM does, per subscription, a token bucket for writes and another for deletes, each a burst then a
 * steady refill, and a 429 with an integer {@code Retry-After} once a bucket is empty. It records when each
 * assignment was created and first deleted. Built on the JDK's HTTP server so the shipped jar carries no test
 * server.
 */
final class BenchArm implements AutoCloseable {

    static final String TENANT = "be000000-0000-4000-8000-0000000000e1";
    static final String CLIENT = "be000000-0000-4000-8000-0000000000e2";
    static final String SECRET = "jitbot-bench-client-secret";
    static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    static final String PASSWORD = "jitbot-bench";
    private static final String MARK = "/providers/microsoft.authorization/roleassignments";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One created assignment: when ARM answered the PUT, and when the first DELETE of it arrived (or null). */
    static final class Assignment {
        final String scope;
        final String principalId;
        final Instant created;
        /** {@link System#nanoTime()} when the first successful PUT's request arrived, before the latency. */
        final long receivedNanos;
        volatile Instant deleted;
        final ObjectNode body;
        /** PUTs and DELETEs that got past the throttle and the faults, the first included. */
        final AtomicLong puts = new AtomicLong(1);
        final AtomicLong deletes = new AtomicLong();

        Assignment(String scope, String principalId, Instant created, long receivedNanos, ObjectNode body) {
            this.scope = scope;
            this.principalId = principalId;
            this.created = created;
            this.receivedNanos = receivedNanos;
            this.body = body;
        }
    }

    /** Bucket size and refill rate of each of a subscription's write and delete buckets. */
    record Throttle(int burst, double perSecond) {
        /** No throttle worth the name: a bucket no bench empties. */
        static final Throttle NONE = new Throttle(1_000_000, 1_000_000);
    }

    /**
     * Faults on role-assignment PUTs and DELETEs: a share {@code rate} of them, chosen at random, fails one of five
     * ways with equal odds: 429 with {@code Retry-After: 1}, 500, 503, a connection closed with no answer, or
     * {@code stall} of silence before the connection closes (past the client's timeout when longer; at most
     * {@code maxStalls} of them, then the other four). Besides, the PUTs and the DELETEs of every
     * {@code streakEvery}-th assignment (0: none) each fail their first {@code streakLength} tries with 503, more
     * than a client retries on its own, so the failure reaches the caller. A failed call changes nothing.
     * {@link #NONE} for none.
     */
    record Faults(double rate, Duration stall, int maxStalls, int streakEvery, int streakLength, long seed) {
        static final Faults NONE = new Faults(0, Duration.ZERO, 0, 0, 0, 0);
    }

    /** The five ways a call fails, as {@link #faults()} counts them. */
    enum Fault { THROTTLED_429, ERROR_500, UNAVAILABLE_503, RESET, STALL }

    final Path keystore;
    private final HttpsServer server;
    private final ExecutorService pool;
    private final Throttle throttle;
    private final Throttle deleteThrottle;
    private final Duration latency;
    private final Faults faults;
    private final java.util.Random random;
    private final Map<Fault, AtomicLong> faulted = new java.util.EnumMap<>(Fault.class);
    private final Map<String, Integer> streaks = new java.util.HashMap<>();
    private int stalls;
    private final Map<String, Assignment> byId = new ConcurrentHashMap<>();
    private final Map<String, Assignment> byPrincipalScope = new ConcurrentHashMap<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> throttled = new ConcurrentHashMap<>();
    private final AtomicLong puts = new AtomicLong();

    BenchArm(Path dir, Throttle throttle, Duration latency) throws Exception {
        this(dir, throttle, throttle, latency, Faults.NONE);
    }

    /** @param writes the PUT bucket; @param deletes the DELETE bucket, each per subscription */
    BenchArm(Path dir, Throttle writes, Throttle deletes, Duration latency, Faults faults) throws Exception {
        this.throttle = writes;
        this.deleteThrottle = deletes;
        this.latency = latency;
        this.faults = faults;
        this.random = new java.util.Random(faults.seed());
        for (Fault f : Fault.values()) {
            faulted.put(f, new AtomicLong());
        }
        this.keystore = selfSigned(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        // Responses go out at once: with Nagle's algorithm a small answer can wait for the client's delayed ACK.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        // The latency is a sleep per call, so the pool must outnumber jitbot's Azure workers.
        pool = Executors.newFixedThreadPool(64, dev.jitbot.core.app.Threads.named("jitbot-bench-arm"));
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A key pair and self-signed certificate for localhost, made by the runtime's own keytool. */
    private static Path selfSigned(Path dir) throws IOException, InterruptedException {
        Path ks = dir.resolve("bench-localhost.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "localhost", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext",
                "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(ks)) {
            throw new IllegalStateException("could not make the fake Azure's certificate with " + keytool + ": " + out);
        }
        return ks;
    }

    String baseUrl() {
        return "https://localhost:" + server.getAddress().getPort();
    }

    /** The variables that point jitbot's Azure side here, in rbac mode. */
    Map<String, String> env() {
        return Map.of("JITBOT_AZURE_MODE", "rbac", "AZURE_TENANT_ID", TENANT, "AZURE_CLIENT_ID", CLIENT,
                "AZURE_CLIENT_SECRET", SECRET, "AZURE_AUTHORITY_HOST", baseUrl(), "JITBOT_ARM_ENDPOINT", baseUrl(),
                "JITBOT_GRAPH_ENDPOINT", baseUrl());
    }

    /** JVM options that make a jitbot process trust this fake's certificate. */
    List<String> trustOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + keystore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** Every assignment created under {@code /subscriptions/<subscription>}, whatever happened to it since. */
    List<Assignment> assignments(String subscription) {
        String prefix = "/subscriptions/" + subscription.toLowerCase(Locale.ROOT) + "/";
        List<Assignment> out = new ArrayList<>();
        byId.forEach((id, a) -> {
            if (id.startsWith(prefix)) {
                out.add(a);
            }
        });
        return out;
    }

    /** 429s sent on a subscription's {@code write} or {@code delete} bucket. */
    long throttled(String subscription, String bucket) {
        AtomicLong n = throttled.get(subscription.toLowerCase(Locale.ROOT) + "|" + bucket);
        return n == null ? 0 : n.get();
    }

    /** How many role assignments one page of a listing holds, as ARM pages them. */
    static final int PAGE = 1000;

    /**
     * Puts {@code n} role assignments under the subscription for the scan bench, as an estate that grew by hand
     * looks: a tenth standing Owners of users on the subscription, three tenths Contributors of groups on resource
     * groups, a tenth jitbot's own tagged Readers, the rest Readers of users on resource groups.
     */
    void seedStanding(String subscription, int n) {
        String sub = "/subscriptions/" + subscription;
        for (int i = 0; i < n; i++) {
            int kind = i % 10;
            String scope = kind == 0 ? sub : sub + "/resourceGroups/rg-" + (i % 50);
            String role = kind == 0 ? "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
                    : kind <= 3 ? "b24988ac-6180-42a0-ab88-20f7382dd24c" : READER;
            String name = java.util.UUID.nameUUIDFromBytes(("bench-scan-" + i).getBytes(StandardCharsets.UTF_8))
                    .toString();
            String principal = java.util.UUID.nameUUIDFromBytes(("bench-principal-" + (i % 700))
                    .getBytes(StandardCharsets.UTF_8)).toString();
            ObjectNode stored = JSON.createObjectNode();
            ObjectNode p = stored.putObject("properties");
            p.put("scope", scope).put("roleDefinitionId", sub + "/providers/Microsoft.Authorization/roleDefinitions/"
                    + role).put("principalId", principal).put("principalType", kind >= 1 && kind <= 3 ? "Group" : "User");
            if (kind == 4) {
                p.put("description", "jitbot:JIT-BENCH" + Integer.toString(i % 1000, 32).toUpperCase(Locale.ROOT)
                        .replace('I', '1').replace('L', '1').replace('O', '0').replace('U', 'V')
                        + " expires 2030-01-01T00:00:00Z");
            }
            stored.put("id", scope + "/providers/Microsoft.Authorization/roleAssignments/" + name)
                    .put("type", "Microsoft.Authorization/roleAssignments").put("name", name);
            byId.put((scope + MARK + "/" + name).toLowerCase(Locale.ROOT), new Assignment(scope, principal,
                    Instant.now(), System.nanoTime(), stored));
        }
    }

    /** PUTs on role assignments that got past the throttle. */
    long puts() {
        return puts.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath().replaceAll("^/+", "/");
            String lower = path.toLowerCase(Locale.ROOT);
            byte[] body = ex.getRequestBody().readAllBytes();
            if (method.equals("POST") && lower.endsWith("/oauth2/v2.0/token")) {
                send(ex, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                        + "\"access_token\":\"eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJiZW5jaCJ9.bench\"}");
                return;
            }
            // Graph, as an approver's click asks it whether their account is still enabled: every bench account is.
            if (method.equals("GET") && lower.startsWith("/v1.0/users/")
                    && String.valueOf(ex.getRequestURI().getQuery()).contains("accountEnabled")) {
                String id = path.substring("/v1.0/users/".length());
                send(ex, 200, "{\"id\":\"" + id.replace("\"", "") + "\",\"displayName\":\"bench user\","
                        + "\"accountEnabled\":true}");
                return;
            }
            if (lower.contains("/.well-known/openid-configuration")) {
                String base = baseUrl() + "/" + TENANT;
                send(ex, 200, "{\"token_endpoint\":\"" + base + "/oauth2/v2.0/token\",\"issuer\":\"" + base
                        + "/v2.0\",\"authorization_endpoint\":\"" + base + "/oauth2/v2.0/authorize\"}");
                return;
            }
            if (method.equals("GET") && (lower.endsWith("/providers/microsoft.authorization/roleeligibilityscheduleinstances")
                    || lower.endsWith("/providers/microsoft.authorization/roleassignmentscheduleinstances"))) {
                pause(latency);
                send(ex, 200, "{\"value\":[]}");
                return;
            }
            int def = lower.indexOf("/providers/microsoft.authorization/roledefinitions/");
            if (method.equals("GET") && def >= 0) {
                pause(latency);
                String guid = lower.substring(lower.lastIndexOf('/') + 1);
                java.util.Optional<dev.jitbot.core.domain.RoleDefinition> known = dev.jitbot.core.domain.KnownRoles.ALL
                        .stream().filter(r -> r.guid().equals(guid)).findFirst();
                if (known.isEmpty()) {
                    send(ex, 404, armError("RoleDefinitionDoesNotExist", "The specified role definition with ID '"
                            + guid + "' does not exist."));
                    return;
                }
                dev.jitbot.core.domain.RoleDefinition r = known.get();
                ObjectNode d = JSON.createObjectNode().put("id", path).put("name", guid)
                        .put("type", "Microsoft.Authorization/roleDefinitions");
                ObjectNode props = d.putObject("properties").put("roleName", r.name()).put("type", "BuiltInRole");
                props.putArray("assignableScopes").add("/");
                ObjectNode perm = props.putArray("permissions").addObject();
                r.actions().forEach(perm.putArray("actions")::add);
                r.notActions().forEach(perm.putArray("notActions")::add);
                r.dataActions().forEach(perm.putArray("dataActions")::add);
                perm.putArray("notDataActions");
                send(ex, 200, d.toString());
                return;
            }
            if (method.equals("GET") && lower.endsWith("/providers/microsoft.authorization/roledefinitions")) {
                pause(latency);
                send(ex, 200, "{\"value\":[{\"properties\":{\"roleName\":\"Reader\",\"type\":\"BuiltInRole\","
                        + "\"description\":\"\",\"assignableScopes\":[\"/\"],\"permissions\":[]},\"id\":"
                        + "\"/providers/Microsoft.Authorization/roleDefinitions/" + READER + "\",\"type\":"
                        + "\"Microsoft.Authorization/roleDefinitions\",\"name\":\"" + READER + "\"}]}");
                return;
            }
            int at = lower.indexOf(MARK);
            if (at < 0 || !lower.startsWith("/subscriptions/")) {
                send(ex, 404, armError("NotFound", "the bench's fake Azure has no " + method + " " + path));
                return;
            }
            roleAssignments(ex, method, path.substring(0, at), path.substring(at + MARK.length())
                    .replaceAll("^/", ""), body, ex.getRequestURI().getRawQuery());
        } catch (RuntimeException e) {
            send(ex, 500, armError("InternalServerError", e.toString()));
        } finally {
            ex.close();
        }
    }

    private void roleAssignments(HttpExchange ex, String method, String scope, String name, byte[] body,
                                 String query) throws IOException {
        String subscription = scope.split("/")[2].toLowerCase(Locale.ROOT);
        String key = (scope + MARK + "/" + name).toLowerCase(Locale.ROOT);
        long received = System.nanoTime();
        if (!method.equals("GET") && !name.isEmpty() && fault(ex, method, key)) {
            return;
        }
        pause(latency);
        if (method.equals("GET")) {
            if (name.isEmpty()) {
                // Pages of PAGE, in a stable order, with ARM's nextLink ($skiptoken) to the next one.
                String within = scope.toLowerCase(Locale.ROOT);
                List<String> ids = new ArrayList<>();
                byId.forEach((id, a) -> {
                    if (a.deleted == null && (a.scope.toLowerCase(Locale.ROOT) + "/").startsWith(within + "/")) {
                        ids.add(id);
                    }
                });
                java.util.Collections.sort(ids);
                int from = 0;
                String rest = query == null ? "" : query;
                java.util.regex.Matcher skip = java.util.regex.Pattern.compile("(^|&)\\$skiptoken=(\\d+)").matcher(rest);
                if (skip.find()) {
                    from = Integer.parseInt(skip.group(2));
                    rest = rest.replaceAll("(^|&)\\$skiptoken=\\d+", "");
                }
                StringBuilder list = new StringBuilder("{\"value\":[");
                int to = Math.min(ids.size(), from + PAGE);
                for (int i = from; i < to; i++) {
                    list.append(i == from ? "" : ",").append(byId.get(ids.get(i)).body);
                }
                list.append("]");
                if (to < ids.size()) {
                    list.append(",\"nextLink\":\"").append(baseUrl()).append(scope).append(MARK.replace(
                            "microsoft.authorization/roleassignments", "Microsoft.Authorization/roleAssignments"))
                            .append("?").append(rest.isEmpty() ? "" : rest.replaceAll("^&", "") + "&")
                            .append("$skiptoken=").append(to).append("\"");
                }
                send(ex, 200, list.append("}").toString());
                return;
            }
            Assignment a = byId.get(key);
            send(ex, a == null || a.deleted != null ? 404 : 200, a == null || a.deleted != null
                    ? armError("RoleAssignmentNotFound", "The role assignment '" + name + "' is not found.")
                    : a.body.toString());
            return;
        }
        boolean write = method.equals("PUT");
        if (!write && !method.equals("DELETE")) {
            send(ex, 405, armError("MethodNotAllowed", method));
            return;
        }
        String kind = write ? "write" : "delete";
        Bucket bucket = buckets.computeIfAbsent(subscription + "|" + kind,
                k -> new Bucket(write ? throttle : deleteThrottle));
        long wait = bucket.take(System.nanoTime());
        if (wait > 0) {
            throttled.computeIfAbsent(subscription + "|" + kind, k -> new AtomicLong()).incrementAndGet();
            long seconds = Math.max(1, (long) Math.ceil(wait / 1e9));
            ex.getResponseHeaders().add("Retry-After", Long.toString(seconds));
            ex.getResponseHeaders().add("x-ms-ratelimit-remaining-subscription-" + kind + "s", "0");
            send(ex, 429, armError("SubscriptionRequestsThrottled", "Number of " + kind + " requests for "
                    + "subscription '" + subscription + "' exceeded the limit. Please try again after '" + seconds
                    + "' seconds."));
            return;
        }
        ex.getResponseHeaders().add("x-ms-ratelimit-remaining-subscription-" + kind + "s",
                Long.toString(bucket.remaining()));
        if (write) {
            puts.incrementAndGet();
            JsonNode props = JSON.readTree(body).path("properties");
            ObjectNode stored = JSON.createObjectNode();
            ObjectNode p = stored.putObject("properties");
            p.setAll((ObjectNode) props);
            p.put("scope", scope);
            stored.put("id", scope + "/providers/Microsoft.Authorization/roleAssignments/" + name)
                    .put("type", "Microsoft.Authorization/roleAssignments").put("name", name);
            Assignment previous = byId.putIfAbsent(key, new Assignment(scope, props.path("principalId").asText(),
                    Instant.now(), received, stored));
            if (previous != null) {
                previous.puts.incrementAndGet();
            } else {
                Assignment made = byId.get(key);
                byPrincipalScope.putIfAbsent(made.principalId + "|" + scope.toLowerCase(Locale.ROOT), made);
            }
            send(ex, previous == null ? 201 : 200, stored.toString());
            return;
        }
        Assignment a = byId.get(key);
        if (a != null) {
            a.deletes.incrementAndGet();
        }
        if (a == null || a.deleted != null) {
            send(ex, 204, null);
            return;
        }
        a.deleted = Instant.now();
        send(ex, 200, a.body.toString());
    }

    /** Fails this call as {@link #faults} says, or returns false to let it through. */
    private boolean fault(HttpExchange ex, String method, String key) throws IOException {
        Fault f;
        synchronized (random) {
            if (faults.streakEvery() > 0 && Math.floorMod(key.hashCode(), faults.streakEvery()) == 0
                    && streaks.merge(method + " " + key, 1, Integer::sum) <= faults.streakLength()) {
                f = Fault.UNAVAILABLE_503;
            } else if (faults.rate() <= 0 || random.nextDouble() >= faults.rate()) {
                return false;
            } else {
                f = Fault.values()[random.nextInt(Fault.values().length)];
                if (f == Fault.STALL && stalls++ >= faults.maxStalls()) {
                    f = Fault.values()[random.nextInt(Fault.STALL.ordinal())];
                }
            }
        }
        faulted.get(f).incrementAndGet();
        switch (f) {
            case THROTTLED_429 -> {
                ex.getResponseHeaders().add("Retry-After", "1");
                send(ex, 429, armError("TooManyRequests", "the bench's fake ARM throttles this call (a fault)"));
            }
            case ERROR_500 -> send(ex, 500, armError("InternalServerError", "the bench's fake ARM failed (a fault)"));
            case UNAVAILABLE_503 -> send(ex, 503, armError("ServiceUnavailable", "the bench's fake ARM is "
                    + "unavailable (a fault)"));
            case RESET -> { } // handle() closes the exchange unanswered: the JDK's server then drops the connection
            case STALL -> pause(faults.stall()); // then dropped the same way
            default -> throw new IllegalStateException("unknown fault " + f);
        }
        return true;
    }

    /** Calls failed on purpose, by kind. */
    Map<Fault, Long> faults() {
        Map<Fault, Long> out = new java.util.EnumMap<>(Fault.class);
        faulted.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** The first assignment made for {@code principalId|scope} (the scope in lower case), or null. */
    Assignment find(String principalAndScope) {
        return byPrincipalScope.get(principalAndScope);
    }

    /** How long each call waits before it is answered. */
    Duration latency() {
        return latency;
    }

    /** Every assignment this fake holds or held, on any subscription. */
    List<Assignment> all() {
        return new ArrayList<>(byId.values());
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String armError(String code, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.putObject("error").put("code", code).put("message", message);
        return e.toString();
    }

    private static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** ARM's token bucket: {@code burst} tokens, refilled at {@code perSecond}. */
    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(Throttle t) {
            this.capacity = t.burst();
            this.perNano = t.perSecond() / 1e9;
            this.tokens = t.burst();
            this.last = System.nanoTime();
        }

        /** Takes a token: 0 when there was one, else the nanoseconds until there will be. */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perNano);
        }

        synchronized long remaining() {
            return (long) Math.floor(tokens);
        }
    }
}
