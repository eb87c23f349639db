package io.meterbridge.sandbox;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Switches every sandbox path off when {@code hub.sandbox.enabled=false} (prod): they answer 404 as if they did not
 * exist. One filter, so a new sandbox cannot forget the check.
 */
public class SandboxGate {

    private final SandboxConfig config;

    public SandboxGate(SandboxConfig config) {
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public Response gate(UriInfo uri) {
        String path = uri.getPath();
        if (!config.enabled() && (path.equals("/sandbox") || path.startsWith("/sandbox/"))) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        return null;
    }
}
