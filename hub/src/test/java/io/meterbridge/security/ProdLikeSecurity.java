package io.meterbridge.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The hub with prod's security settings, on the test engines: people and roles from an OpenID Connect provider (a
 * {@link LocalTokenIssuer} on loopback), no properties-file users, no HTTP basic, health and metrics on the management
 * port, and the Jolokia agent started with its credentials and policy. Everything else is the test profile.
 */
public class ProdLikeSecurity implements QuarkusTestProfile {

    public static final int MANAGEMENT_PORT = freePort();
    public static final int JOLOKIA_PORT = freePort();
    public static final String JOLOKIA_USER = "ops";
    public static final String JOLOKIA_PASSWORD = "ops-test-password";

    @Override
    public Map<String, String> getConfigOverrides() {
        LocalTokenIssuer issuer = LocalTokenIssuer.get();
        return Map.ofEntries(
                Map.entry("quarkus.oidc.tenant-enabled", "true"),
                Map.entry("quarkus.oidc.application-type", "service"),
                Map.entry("quarkus.oidc.auth-server-url", issuer.issuer()),
                Map.entry("quarkus.oidc.client-id", "meterbridge"),
                Map.entry("quarkus.oidc.roles.role-claim-path", "realm_access/roles"),
                Map.entry("quarkus.oidc.token.audience", LocalTokenIssuer.AUDIENCE),
                Map.entry("quarkus.oidc.token.principal-claim", "preferred_username"),
                Map.entry("quarkus.http.auth.basic", "false"),
                Map.entry("quarkus.security.users.embedded.enabled", "false"),
                Map.entry("quarkus.management.enabled", "true"),
                Map.entry("quarkus.management.test-port", String.valueOf(MANAGEMENT_PORT)),
                Map.entry("quarkus.camel.jolokia.server.auto-start", "true"),
                Map.entry("quarkus.camel.jolokia.server.port", String.valueOf(JOLOKIA_PORT)),
                Map.entry("quarkus.camel.jolokia.additional-properties.\"user\"", JOLOKIA_USER),
                Map.entry("quarkus.camel.jolokia.additional-properties.\"password\"", JOLOKIA_PASSWORD));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
