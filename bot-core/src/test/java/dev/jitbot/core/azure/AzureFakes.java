package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.jitbot.core.domain.AzureScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One WireMock over HTTPS that plays Entra's token endpoint, ARM and Microsoft Graph, with a self-signed
 * certificate for localhost that the test's HTTP client (and only it) trusts. The SDK clients under test are the
 * real ones: ClientSecretCredential, the bearer-token policy, AuthorizationManager's generated clients. Register it
 * as a static {@code @RegisterExtension} field: it starts with the test class and stops after its last test.
 */
final class AzureFakes implements AutoCloseable, org.junit.jupiter.api.extension.AfterAllCallback {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CLIENT = "0f4a7c1e-7d2b-4e3a-9c8d-1b2a3c4d5e6f";
    static final String SECRET = "fake-client-secret-value";
    static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJmYWtlIn0.fake-arm-token";
    static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    static final String OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    private static final String PASSWORD = "changeit";
    private static Path keystore;

    final WireMockServer wm;

    AzureFakes(com.github.tomakehurst.wiremock.extension.Extension... extensions) {
        wm = new WireMockServer(WireMockConfiguration.options()
                .extensions(extensions)
                .dynamicHttpsPort()
                .httpDisabled(true)
                .keystorePath(keystore().toString())
                .keystorePassword(PASSWORD)
                .keyManagerPassword(PASSWORD)
                .keystoreType("PKCS12")
                .containerThreads(12));
        wm.start();
        wm.stubFor(post(urlPathEqualTo("/" + TENANT + "/oauth2/v2.0/token")).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\""
                        + TOKEN + "\"}")));
    }

    String baseUrl() {
        return "https://localhost:" + wm.httpsPort();
    }

    /** The environment a deployment would set, pointing every Azure URL at this fake. */
    Map<String, String> env(String mode) {
        Map<String, String> env = new HashMap<>();
        env.put("AZURE_TENANT_ID", TENANT);
        env.put("AZURE_CLIENT_ID", CLIENT);
        env.put("AZURE_CLIENT_SECRET", SECRET);
        env.put("AZURE_AUTHORITY_HOST", baseUrl());
        env.put("JITBOT_ARM_ENDPOINT", baseUrl());
        env.put("JITBOT_GRAPH_ENDPOINT", baseUrl());
        if (mode != null) {
            env.put("JITBOT_AZURE_MODE", mode);
        }
        return env;
    }

    /** Production wiring with short waits: retries in tens of milliseconds, PrincipalNotFound for a second. */
    AzureAccess access(String mode, Clock clock) {
        return access(mode, clock, fastTuning());
    }

    AzureAccess access(String mode, Clock clock, AzureTuning tuning) {
        return AzureAccess.create(AzureSettings.fromEnvironment(env(mode)), clock, tuning,
                HttpClient.newBuilder().sslContext(trusting()));
    }

    /** Forgets every stub and request, then answers the Entra token endpoint as every test needs. */
    void reset() {
        wm.resetAll();
        wm.stubFor(post(urlPathEqualTo("/" + TENANT + "/oauth2/v2.0/token")).willReturn(json(200,
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + TOKEN + "\"}")));
    }

    static AzureTuning fastTuning() {
        return new AzureTuning(3, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(5),
                Duration.ofMinutes(10));
    }

    /** Role definition look-up by name at (and above) {@code scope}. */
    void roleDefinition(AzureScope scope, String roleName, String guid) {
        wm.stubFor(get(urlPathMatching("/" + Pattern.quote(scope.id().substring(1))
                + "/providers/Microsoft.Authorization/roleDefinitions"))
                .withQueryParam("$filter", com.github.tomakehurst.wiremock.client.WireMock.containing(roleName))
                .willReturn(okJson("{\"value\":[{\"properties\":{\"roleName\":\"" + roleName + "\",\"type\":"
                        + "\"BuiltInRole\",\"description\":\"\",\"assignableScopes\":[\"/\"],\"permissions\":[]},"
                        + "\"id\":\"/subscriptions/" + scope.subscriptionId()
                        + "/providers/Microsoft.Authorization/roleDefinitions/" + guid + "\","
                        + "\"type\":\"Microsoft.Authorization/roleDefinitions\",\"name\":\"" + guid + "\"}]}")));
    }

    static String armError(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** Path regex for {@code scope + suffix}: exactly one leading slash, as real ARM paths have. */
    static String path(AzureScope scope, String suffix) {
        return "/" + Pattern.quote(scope.id().substring(1) + suffix);
    }

    MappingBuilder stub(MappingBuilder m) {
        wm.stubFor(m);
        return m;
    }

    /** An SSLContext that trusts exactly the fake's certificate. */
    static SSLContext trusting() {
        try (InputStream in = Files.newInputStream(keystore())) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed certificate for localhost and 127.0.0.1, made once per JVM with the JDK's keytool. */
    static synchronized Path keystore() {
        if (keystore != null) {
            return keystore;
        }
        try {
            Path dir = Files.createTempDirectory("jitbot-tls");
            Path ks = dir.resolve("localhost.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "localhost", "-keyalg", "RSA",
                    "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost", "-ext",
                    "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", ks.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + out);
            }
            ks.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            keystore = ks;
            return ks;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterAll(org.junit.jupiter.api.extension.ExtensionContext context) {
        // @Nested classes inherit the extension: only the end of the top-level class stops the server.
        if (!context.getRequiredTestClass().isMemberClass()) {
            close();
        }
    }

    @Override
    public void close() {
        wm.stop();
    }
}
