package io.meterbridge.platform.consumer;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN while a durable consumer cannot write (its batch is being retried), so Kubernetes stops sending
 * ingest traffic to a hub that cannot make it durable; it is UP again by itself once a batch succeeds.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    private final ConsumerHealth health;

    public ConsumerReadiness(ConsumerHealth health) {
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        var failing = health.failing();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("durable-consumers").status(failing.isEmpty());
        failing.forEach(response::withData);
        return response.build();
    }
}
