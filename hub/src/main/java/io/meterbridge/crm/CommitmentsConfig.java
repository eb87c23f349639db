package io.meterbridge.crm;

import java.time.Duration;
import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Commitment alerts ({@code hub.commitments.*}, documented in docs/configuration.md). */
@ConfigMapping(prefix = "hub.commitments")
public interface CommitmentsConfig {

    /** Period of the commitment-alerts timer (Camel duration: 30s, 5m, 500ms). */
    @WithDefault("30s")
    String checkInterval();

    /** Percentages of the committed quantity that raise an alert, once per period each. */
    @WithDefault("80,100")
    List<Integer> thresholds();

    /** Most open alerts one tick hands on. */
    @WithDefault("100")
    int batchSize();

    /** How long an instance holds an alert it dispatches; a crashed instance's alerts are taken over after it. */
    @WithDefault("PT5M")
    Duration dispatchLease();
}
