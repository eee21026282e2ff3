package dev.jitbot.core.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.http.policy.RetryStrategy;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.authorization.AuthorizationManager;
import com.azure.resourcemanager.authorization.fluent.AuthorizationManagementClient;
import dev.jitbot.core.app.AccessInventory;
import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.Directory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds jitbot's Azure side from {@link AzureSettings}: the access provider of the configured mode and the
 * Graph directory, sharing one credential and one JDK HTTP client. Nothing outside this package sees an Azure SDK
 * type. deploy's Main calls {@code AzureAccess.create(AzureSettings.fromEnvironment(System.getenv()), clock)}.
 */
public final class AzureAccess {

    private static final Logger log = LoggerFactory.getLogger(AzureAccess.class);
    private static final String NO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

    private final AzureSettings settings;
    private final AccessProvider provider;
    private final Directory directory;
    private final AccessInventory inventory;

    private AzureAccess(AzureSettings settings, AccessProvider provider, Directory directory,
                        AccessInventory inventory) {
        this.settings = settings;
        this.provider = provider;
        this.directory = directory;
        this.inventory = inventory;
    }

    /**
     * Wires the provider and directory for {@code settings}, and logs the mode in one line (a loud warning when
     * dry-run was chosen because no identity is configured). Makes no call to Azure yet.
     */
    public static AzureAccess create(AzureSettings settings, Clock clock) {
        return create(settings, clock, AzureTuning.defaults(), java.net.http.HttpClient.newBuilder());
    }

    /** As {@link #create(AzureSettings, Clock)}, with test timings and an HTTP client builder (e.g. its SSLContext). */
    static AzureAccess create(AzureSettings settings, Clock clock, AzureTuning tuning,
                              java.net.http.HttpClient.Builder http) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        String warning = settings.warning();
        if (warning != null) {
            log.warn(warning);
        }
        log.info(settings.describe());
        boolean azureReachable = settings.mode() != AzureSettings.Mode.DRY_RUN || settings.credentialsConfigured();
        if (!azureReachable) {
            return new AzureAccess(settings, new DryRunAccessProvider(null), null, null);
        }
        HttpClient httpClient = new JdkHttpClientBuilder(http)
                .connectionTimeout(Duration.ofSeconds(10))
                .responseTimeout(tuning.responseTimeout())
                .build();
        TokenCredential credential = credential(settings, httpClient);
        AccessProvider provider = switch (settings.mode()) {
            case DRY_RUN -> new DryRunAccessProvider(null);
            case RBAC -> {
                AuthorizationManagementClient arm = arm(settings, tuning, httpClient, credential);
                yield new ArmRoleAssignments(arm.getRoleAssignments(), new RoleDefinitions(arm.getRoleDefinitions()),
                        tuning);
            }
            case PIM -> {
                AuthorizationManagementClient arm = arm(settings, tuning, httpClient, credential);
                yield new PimScheduleRequests(arm.getRoleAssignmentScheduleRequests(),
                        arm.getRoleAssignmentScheduleInstances(), new RoleDefinitions(arm.getRoleDefinitions()),
                        tuning);
            }
        };
        HttpPipeline graph = new HttpPipelineBuilder()
                .httpClient(httpClient)
                .policies(new UserAgentPolicy("jitbot"), new RequestIdPolicy(), retry(tuning),
                        new BearerTokenAuthenticationPolicy(credential, settings.graphEndpoint() + "/.default"))
                .build();
        AuthorizationManagementClient reader = arm(settings, tuning, httpClient, credential);
        AccessInventory inventory = new ArmAccessInventory(reader.getRoleAssignments(), reader.getRoleDefinitions(),
                reader.getRoleEligibilityScheduleInstances(), reader.getRoleAssignmentScheduleInstances(),
                tuning.directoryTtl(), clock, ArmRoleAssignments::pause);
        return new AzureAccess(settings, provider,
                new GraphDirectory(graph, settings.graphEndpoint(), clock, tuning.directoryTtl()), inventory);
    }

    /** The access provider of the configured mode: ARM role assignments, PIM schedule requests, or dry run. */
    public AccessProvider provider() {
        return provider;
    }

    /**
     * Entra look-ups through Microsoft Graph, or empty when no Azure identity is configured at all (then the
     * static {@code users:} map of policy.yaml is the only directory).
     */
    public Optional<Directory> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * What Azure holds whoever made it (role assignments, PIM eligibility and schedules, role definitions), or
     * empty when no Azure identity is configured. Built in every mode with an identity, dry-run included: reading
     * changes nothing.
     */
    public Optional<AccessInventory> inventory() {
        return Optional.ofNullable(inventory);
    }

    /** The settings this was built from. */
    public AzureSettings settings() {
        return settings;
    }

    private static AuthorizationManagementClient arm(AzureSettings s, AzureTuning tuning, HttpClient httpClient,
                                                     TokenCredential credential) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", s.armEndpoint().toString());
        endpoints.put("microsoftGraphResourceId", s.graphEndpoint() + "/");
        if (s.authorityHost() != null) {
            endpoints.put("activeDirectoryEndpointUrl", s.authorityHost() + "/");
        }
        AzureProfile profile = new AzureProfile(s.tenantId(),
                s.subscriptionId() != null ? s.subscriptionId() : NO_SUBSCRIPTION, new AzureEnvironment(endpoints));
        return AuthorizationManager.configure()
                .withHttpClient(httpClient)
                .withRetryPolicy(armRetry(tuning))
                .withLogOptions(new HttpLogOptions().setLogLevel(HttpLogDetailLevel.NONE))
                .withScope(s.armEndpoint() + "/.default")
                .authenticate(credential, profile)
                .roleServiceClient();
    }

    /** 408, 429 and 5xx (but 501, 505) and I/O errors are retried; a Retry-After header sets the wait. */
    static RetryPolicy retry(AzureTuning tuning) {
        return new RetryPolicy(backoff(tuning));
    }

    /**
     * For ARM, as {@link #retry} but a 429 is not retried: it comes back to the outbox, which pauses the whole
     * subscription for every worker until the Retry-After instead of holding a thread asleep for one call.
     */
    static RetryPolicy armRetry(AzureTuning tuning) {
        ExponentialBackoff base = backoff(tuning);
        return new RetryPolicy(new RetryStrategy() {
            @Override
            public int getMaxRetries() {
                return base.getMaxRetries();
            }

            @Override
            public Duration calculateRetryDelay(int retryAttempts) {
                return base.calculateRetryDelay(retryAttempts);
            }

            @Override
            public boolean shouldRetry(HttpResponse response) {
                return response.getStatusCode() != 429 && base.shouldRetry(response);
            }

            @Override
            public boolean shouldRetryException(Throwable throwable) {
                return base.shouldRetryException(throwable);
            }

            @Override
            public boolean shouldRetryCondition(RequestRetryCondition condition) {
                if (condition.getResponse() != null) {
                    return shouldRetry(condition.getResponse());
                }
                return condition.getThrowable() != null && shouldRetryException(condition.getThrowable());
            }
        });
    }

    private static ExponentialBackoff backoff(AzureTuning tuning) {
        return new ExponentialBackoff(new ExponentialBackoffOptions()
                .setMaxRetries(tuning.maxRetries())
                .setBaseDelay(tuning.baseDelay())
                .setMaxDelay(tuning.maxDelay()));
    }

    private static TokenCredential credential(AzureSettings s, HttpClient httpClient) {
        String authority = s.authorityHost() == null ? null : s.authorityHost().toString();
        if (s.clientSecret() != null) {
            ClientSecretCredentialBuilder b = new ClientSecretCredentialBuilder()
                    .tenantId(s.tenantId()).clientId(s.clientId()).clientSecret(s.clientSecret())
                    .httpClient(httpClient);
            if (authority != null) {
                b.authorityHost(authority).disableInstanceDiscovery();
            }
            return b.build();
        }
        if (s.certificatePath() != null) {
            ClientCertificateCredentialBuilder b = new ClientCertificateCredentialBuilder()
                    .tenantId(s.tenantId()).clientId(s.clientId()).httpClient(httpClient);
            String path = s.certificatePath().toString();
            String lower = path.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".pfx") || lower.endsWith(".p12")) {
                b.pfxCertificate(path);
                if (s.certificatePassword() != null) {
                    b.clientCertificatePassword(s.certificatePassword());
                }
            } else {
                b.pemCertificate(path);
            }
            if (authority != null) {
                b.authorityHost(authority).disableInstanceDiscovery();
            }
            return b.build();
        }
        DefaultAzureCredentialBuilder b = new DefaultAzureCredentialBuilder().httpClient(httpClient);
        if (s.tenantId() != null) {
            b.tenantId(s.tenantId());
        }
        if (s.clientId() != null) {
            b.managedIdentityClientId(s.clientId());
        }
        if (authority != null) {
            b.authorityHost(authority).disableInstanceDiscovery();
        }
        return b.build();
    }
}
