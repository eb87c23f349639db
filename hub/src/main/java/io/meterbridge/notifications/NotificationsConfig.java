package io.meterbridge.notifications;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The notification topic ({@code hub.notifications.*}, documented in docs/configuration.md). */
@ConfigMapping(prefix = "hub.notifications")
public interface NotificationsConfig {

    /** Topic of the hub's business notifications (CloudEvents-like JSON, key = contract key). */
    @WithDefault("meterbridge.notifications")
    String topic();

    /** Overrides the retention the topic catalog (topics.yaml) gives the topic: P30D. */
    Optional<Duration> retention();
}
