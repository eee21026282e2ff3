package dev.jitbot.core.azure;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How jitbot reaches Azure, read once from the environment: the mode, the bot's identity (Azure Identity's own
 * {@code AZURE_*} names) and the service URLs. A missing or malformed value stops start-up with a message that
 * names the variable and shows an example.
 *
 * @param mode               what grants do: real role assignments, PIM schedule requests, or nothing
 * @param modeChosen         true when {@code JITBOT_AZURE_MODE} was set, false when the default applied
 * @param tenantId           {@code AZURE_TENANT_ID} (may be null)
 * @param clientId           {@code AZURE_CLIENT_ID} (may be null)
 * @param clientSecret       {@code AZURE_CLIENT_SECRET} (may be null; never printed)
 * @param certificatePath    {@code AZURE_CLIENT_CERTIFICATE_PATH} (may be null), a readable PEM or PFX file
 * @param certificatePassword {@code AZURE_CLIENT_CERTIFICATE_PASSWORD} for a PFX (may be null; never printed)
 * @param authorityHost      {@code AZURE_AUTHORITY_HOST} (null: Azure Identity's default, the public cloud)
 * @param armEndpoint        {@code JITBOT_ARM_ENDPOINT}, without a trailing slash
 * @param graphEndpoint      {@code JITBOT_GRAPH_ENDPOINT}, without a trailing slash
 * @param subscriptionId     {@code AZURE_SUBSCRIPTION_ID} (may be null: every call jitbot makes names its scope)
 * @param credentialsConfigured true when the environment names an Azure identity (so dry-run is never the default)
 */
public record AzureSettings(Mode mode, boolean modeChosen, String tenantId, String clientId, String clientSecret,
                            Path certificatePath, String certificatePassword, URI authorityHost, URI armEndpoint,
                            URI graphEndpoint, String subscriptionId, boolean credentialsConfigured) {

    public static final String MODE = "JITBOT_AZURE_MODE";
    public static final String TENANT_ID = "AZURE_TENANT_ID";
    public static final String CLIENT_ID = "AZURE_CLIENT_ID";
    public static final String CLIENT_SECRET = "AZURE_CLIENT_SECRET";
    public static final String CERTIFICATE_PATH = "AZURE_CLIENT_CERTIFICATE_PATH";
    public static final String CERTIFICATE_PASSWORD = "AZURE_CLIENT_CERTIFICATE_PASSWORD";
    public static final String AUTHORITY_HOST = "AZURE_AUTHORITY_HOST";
    public static final String ARM_ENDPOINT = "JITBOT_ARM_ENDPOINT";
    public static final String GRAPH_ENDPOINT = "JITBOT_GRAPH_ENDPOINT";
    public static final String SUBSCRIPTION_ID = "AZURE_SUBSCRIPTION_ID";

    static final URI PUBLIC_ARM = URI.create("https://management.azure.com");
    static final URI PUBLIC_GRAPH = URI.create("https://graph.microsoft.com");
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String EXAMPLE_GUID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    /** Variables through which Azure Identity finds a workload or managed identity without a client id. */
    private static final String[] IDENTITY_HINTS = {"AZURE_FEDERATED_TOKEN_FILE", "IDENTITY_ENDPOINT", "MSI_ENDPOINT"};

    /** What a grant does in Azure. */
    public enum Mode {
        /** ARM role assignments; jitbot deletes them at expiry. Works on every tenant. */
        RBAC("rbac"),
        /** PIM schedule requests (AdminAssign with an expiration Azure enforces). Needs Entra ID P2. */
        PIM("pim"),
        /** Calls nothing; prints what it would call. */
        DRY_RUN("dry-run");

        private final String word;

        Mode(String word) {
            this.word = word;
        }

        /** How the environment spells it. */
        public String word() {
            return word;
        }
    }

    public AzureSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(armEndpoint, "armEndpoint");
        Objects.requireNonNull(graphEndpoint, "graphEndpoint");
    }

    /**
     * Reads and checks the Azure variables.
     *
     * @throws IllegalArgumentException naming the variable that is missing or malformed, with an example value
     */
    public static AzureSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String tenant = value(env, TENANT_ID);
        String client = value(env, CLIENT_ID);
        String secret = value(env, CLIENT_SECRET);
        String certificate = value(env, CERTIFICATE_PATH);
        String subscription = value(env, SUBSCRIPTION_ID);

        if (tenant != null && !GUID.matcher(tenant).matches() && !tenant.contains(".")) {
            throw invalid(TENANT_ID, "is `" + tenant + "`, which is neither a tenant id nor a domain", EXAMPLE_GUID);
        }
        if ((secret != null || certificate != null) && client == null) {
            throw invalid(CLIENT_ID, "is missing: " + (secret != null ? CLIENT_SECRET : CERTIFICATE_PATH)
                    + " is set, so the bot's app registration must be named too", EXAMPLE_GUID);
        }
        if (client != null && tenant == null) {
            throw invalid(TENANT_ID, "is missing: " + CLIENT_ID + " is set, so Azure Identity needs the tenant that "
                    + "identity lives in", EXAMPLE_GUID);
        }
        if (client != null && !GUID.matcher(client).matches()) {
            throw invalid(CLIENT_ID, "is `" + client + "`, which is not an application (client) id", EXAMPLE_GUID);
        }
        Path certificatePath = null;
        if (certificate != null && secret == null) {
            certificatePath = readableFile(certificate);
        }
        if (subscription != null && !GUID.matcher(subscription).matches()) {
            throw invalid(SUBSCRIPTION_ID, "is `" + subscription + "`, which is not a subscription id", EXAMPLE_GUID);
        }
        URI authority = endpoint(env, AUTHORITY_HOST, null, "https://login.microsoftonline.com");
        URI arm = endpoint(env, ARM_ENDPOINT, PUBLIC_ARM, "https://management.azure.com");
        URI graph = endpoint(env, GRAPH_ENDPOINT, PUBLIC_GRAPH, "https://graph.microsoft.com");

        boolean credentials = client != null || tenant != null || secret != null || certificate != null;
        for (String hint : IDENTITY_HINTS) {
            credentials |= value(env, hint) != null;
        }
        String modeText = value(env, MODE);
        Mode mode;
        if (modeText == null) {
            mode = credentials ? Mode.RBAC : Mode.DRY_RUN;
        } else {
            mode = null;
            for (Mode m : Mode.values()) {
                if (m.word.equals(modeText.toLowerCase(Locale.ROOT)) || m.name().equalsIgnoreCase(modeText)) {
                    mode = m;
                }
            }
            if (mode == null) {
                throw invalid(MODE, "is `" + modeText + "`; it must be rbac, pim or dry-run", "rbac");
            }
        }
        return new AzureSettings(mode, modeText != null, tenant, client, secret, certificatePath,
                value(env, CERTIFICATE_PASSWORD), authority, arm, graph, subscription, credentials);
    }

    /**
     * The one loud line start-up prints when dry-run was chosen because no identity is configured, or null when
     * the mode was chosen explicitly or credentials exist.
     */
    public String warning() {
        if (mode == Mode.DRY_RUN && !modeChosen) {
            return "!!! jitbot runs in DRY-RUN mode: no Azure identity is configured (" + TENANT_ID + ", " + CLIENT_ID
                    + ", ...), so approved requests change NOTHING in Azure. Configure the bot's identity, or set "
                    + MODE + "=rbac to use a managed identity or the Azure CLI login. !!!";
        }
        if (mode == Mode.DRY_RUN && credentialsConfigured) {
            return "!!! jitbot runs in DRY-RUN mode because " + MODE + "=dry-run, although an Azure identity is "
                    + "configured: approved requests change NOTHING in Azure. !!!";
        }
        return null;
    }

    /** Which kind of credential the bot uses, for the start-up line. */
    public String credentialKind() {
        if (clientSecret != null) {
            return "client secret";
        }
        if (certificatePath != null) {
            return "client certificate";
        }
        return "DefaultAzureCredential";
    }

    /** One line for the start-up log; secrets are never part of it. */
    public String describe() {
        return "Azure mode " + mode.word() + (modeChosen ? "" : " (default)") + "; identity: " + credentialKind()
                + (tenantId != null ? ", tenant " + tenantId : "") + (clientId != null ? ", client " + clientId : "")
                + "; ARM " + armEndpoint + "; Graph " + graphEndpoint
                + (authorityHost != null ? "; authority " + authorityHost : "");
    }

    @Override
    public String toString() {
        return "AzureSettings[" + describe() + "]";
    }

    private static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static Path readableFile(String text) {
        Path path;
        try {
            path = Path.of(text);
        } catch (InvalidPathException e) {
            throw invalid(CERTIFICATE_PATH, "is `" + text + "`, which is not a file path",
                    "/var/run/secrets/jitbot/client-cert.pem");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw invalid(CERTIFICATE_PATH, "is `" + text + "`, but no readable file is there (a PEM or PFX file "
                    + "holding the certificate and its private key)", "/var/run/secrets/jitbot/client-cert.pem");
        }
        return path;
    }

    private static URI endpoint(Map<String, String> env, String name, URI fallback, String example) {
        String text = value(env, name);
        if (text == null) {
            return fallback;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(name, "is `" + text + "`, which is not a URL", example);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw invalid(name, "is `" + text + "`; it must be an https URL with a host and no query (Azure Identity "
                    + "and the bearer-token policy refuse anything else)", example);
        }
        String s = uri.toString();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return URI.create(s);
    }

    private static IllegalArgumentException invalid(String variable, String problem, String example) {
        return new IllegalArgumentException(variable + " " + problem + ". Example: " + variable + "=" + example);
    }
}
