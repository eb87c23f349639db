package io.meterbridge.erp;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** ERP sync and platform documents ({@code hub.erp.sync.*}, {@code hub.erp.webhooks.*}), docs/configuration.md. */
@ConfigMapping(prefix = "hub.erp.sync")
public interface ErpConfig {

    /** Topic of the ERP postings outbox. */
    @WithDefault("meterbridge.erp.postings")
    String postingsTopic();

    /** How often the outbox publishes pending postings (erp-outbox). */
    @WithDefault("1s")
    String outboxInterval();

    @WithDefault("meterbridge-erp-sync")
    String consumerGroup();

    /** A published posting still pending after this long is published again (safe: external ids upsert). */
    @WithDefault("PT10M")
    Duration republishAfter();
}
