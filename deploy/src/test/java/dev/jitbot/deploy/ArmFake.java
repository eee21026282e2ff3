package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Entra's token endpoint and ARM's role assignments over HTTPS (a self-signed certificate for localhost), for
 * jitbot processes that trust it through {@code javax.net.ssl.trustStore}. Counts the DELETEs it receives. With an
 * {@link ArmState}, role assignments and PIM schedule requests keep state (created, listed, removed).
 */
final class ArmFake implements AutoCloseable {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT = "0f4a7c1e-7d2b-4e3a-9c8d-1b2a3c4d5e6f";
    static final String SECRET = "fake-client-secret-for-the-ha-test";
    static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    static final String PASSWORD = "changeit";
    private static final String ASSIGNMENTS = "/providers/Microsoft\\.Authorization/roleAssignments";

    final Path keystore;
    final WireMockServer wm;
    /** The stateful role assignments, or null when every PUT answers 201 and every list is empty. */
    final ArmState state;

    ArmFake(Path dir) throws Exception {
        this(dir, null);
    }

    ArmFake(Path dir, ArmState state) throws Exception {
        this.state = state;
        keystore = dir.resolve("localhost.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(keystore)) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        // This JVM's Azure clients (the test's own core) trust the fake too; set before any TLS client exists.
        System.setProperty("javax.net.ssl.trustStore", keystore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        wm = new WireMockServer(WireMockConfiguration.options().dynamicHttpsPort().httpDisabled(true)
                .keystorePath(keystore.toString()).keystorePassword(PASSWORD).keyManagerPassword(PASSWORD)
                .keystoreType("PKCS12").containerThreads(24)
                .extensions(state == null ? new com.github.tomakehurst.wiremock.extension.Extension[0]
                        : new com.github.tomakehurst.wiremock.extension.Extension[] {state}));
        wm.start();
        // Graph as an approver's click asks it (accountEnabled, by object id): every account is live unless a test
        // says otherwise with a stub of higher priority.
        wm.stubFor(get(urlPathMatching("/v1\\.0/users/[^/]+"))
                .withQueryParam("$select", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        "id,displayName,accountEnabled"))
                .atPriority(9).willReturn(okJson("{\"id\":\"live\",\"displayName\":\"someone\","
                        + "\"accountEnabled\":true}")));
        wm.stubFor(post(urlPathEqualTo("/" + TENANT + "/oauth2/v2.0/token")).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":"
                        + "\"eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJmYWtlIn0.fake\"}")));
        wm.stubFor(get(urlPathMatching("/+subscriptions/.*/providers/Microsoft\\.Authorization/roleDefinitions"))
                .willReturn(okJson("{\"value\":[{\"properties\":{\"roleName\":\"Reader\",\"type\":\"BuiltInRole\","
                        + "\"description\":\"\",\"assignableScopes\":[\"/\"],\"permissions\":[]},\"id\":"
                        + "\"/providers/Microsoft.Authorization/roleDefinitions/" + READER + "\",\"type\":"
                        + "\"Microsoft.Authorization/roleDefinitions\",\"name\":\"" + READER + "\"}]}")));
        if (state != null) {
            String managed = "/+subscriptions/.*/providers/Microsoft\\.Authorization/roleAssignment"
                    + "(s|ScheduleRequests|ScheduleInstances)(/[0-9a-f-]{36})?";
            for (var method : List.of(put(urlPathMatching(managed)), delete(urlPathMatching(managed)),
                    get(urlPathMatching(managed)))) {
                wm.stubFor(method.willReturn(aResponse().withTransformers(ArmState.NAME)));
            }
            return;
        }
        wm.stubFor(get(urlPathMatching("/+subscriptions/.*" + ASSIGNMENTS)).willReturn(okJson("{\"value\":[]}")));
        wm.stubFor(put(urlPathMatching("/+subscriptions/.*" + ASSIGNMENTS + "/[0-9a-f-]{36}"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"properties\":{\"roleDefinitionId\":\"/providers/Microsoft.Authorization/"
                                + "roleDefinitions/" + READER + "\",\"principalId\":\"9b8a7c6d-5e4f-4a3b-9c2d-"
                                + "1e0f9a8b7c6d\",\"principalType\":\"User\"},\"type\":"
                                + "\"Microsoft.Authorization/roleAssignments\",\"name\":\"x\"}")));
        wm.stubFor(delete(urlPathMatching("/+subscriptions/.*" + ASSIGNMENTS + "/[0-9a-f-]{36}"))
                .willReturn(aResponse().withStatus(204)));
    }

    String baseUrl() {
        return "https://localhost:" + wm.httpsPort();
    }

    /** What a deployment sets, pointing every Azure URL here. */
    Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("JITBOT_AZURE_MODE", "rbac");
        env.put("AZURE_TENANT_ID", TENANT);
        env.put("AZURE_CLIENT_ID", CLIENT);
        env.put("AZURE_CLIENT_SECRET", SECRET);
        env.put("AZURE_AUTHORITY_HOST", baseUrl());
        env.put("JITBOT_ARM_ENDPOINT", baseUrl());
        env.put("JITBOT_GRAPH_ENDPOINT", baseUrl());
        return env;
    }

    /** JVM options that make a jitbot process trust this fake. */
    List<String> trustOptions() {
        return List.of("-Djavax.net.ssl.trustStore=" + keystore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                "-Djavax.net.ssl.trustStoreType=PKCS12");
    }

    /** How many DELETEs each role assignment name received. */
    Map<String, Long> deletesByAssignment() {
        return wm.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getMethod().equals(RequestMethod.DELETE))
                .map(r -> r.getUrl().replaceAll("\\?.*$", ""))
                .map(u -> u.substring(u.lastIndexOf('/') + 1))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Override
    public void close() {
        wm.stop();
    }

    /** ARM also knows the built-in role {@code name} by its definition {@code guid} (looked up with a role-name filter). */
    void role(String name, String guid) {
        wm.stubFor(get(urlPathMatching("/+subscriptions/.*/providers/Microsoft\\.Authorization/roleDefinitions"))
                .withQueryParam("$filter", containing(name)).willReturn(okJson("{\"value\":[{\"properties\":{"
                        + "\"roleName\":\"" + name + "\",\"type\":\"BuiltInRole\",\"description\":\"\","
                        + "\"assignableScopes\":[\"/\"],\"permissions\":[]},\"id\":\"/providers/Microsoft.Authorization/"
                        + "roleDefinitions/" + guid + "\",\"type\":\"Microsoft.Authorization/roleDefinitions\","
                        + "\"name\":\"" + guid + "\"}]}")));
    }
}
