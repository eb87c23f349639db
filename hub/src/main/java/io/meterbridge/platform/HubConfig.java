package io.meterbridge.platform;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Meterbridge's own settings ({@code hub.*}); each is documented in docs/configuration.md. */
@ConfigMapping(prefix = "hub")
public interface HubConfig {

    /** Folder with schemas, master data, price books and policies. */
    @WithDefault("mappings")
    String mappingsDir();

    /** Folder of the YAML routes (read by camel.main.routes-include-pattern). */
    @WithDefault("routes")
    String routesDir();

    /**
     * Folder of the demo data (master data, the demo source, its price book) that the default run and the tests load
     * beside mappings/; prod loads none of it.
     */
    @WithDefault("devrun/demo")
    String demoDir();

    /** Data of the embedded engines in the default run (read by the Launcher before Quarkus starts). */
    @WithDefault("data")
    String dataDir();

    Embedded embedded();

    Topics topics();

    Metering metering();

    MasterDataFiles masterData();

    Quarantine quarantine();

    ConsumerLag consumerLag();

    Monitoring monitoring();

    interface Monitoring {
        /** How often route operations-gauges reads the business and operations gauges from PostgreSQL. */
        @WithDefault("30s")
        Duration refreshInterval();
    }

    interface ConsumerLag {
        /** How often consumer lag and the oldest unmetered event's age are read from the broker. */
        @WithDefault("15s")
        Duration interval();
    }

    interface Quarantine {
        /** Period of the timer route that re-tries the metering quarantine (Camel duration: 5m, 30s, ...). */
        @WithDefault("5m")
        String releaseInterval();
    }

    Ingest ingest();

    Pii pii();

    Sources sources();

    interface Topics {
        @WithDefault("meterbridge.events.raw")
        String raw();

        @WithDefault("meterbridge.events.accepted")
        String accepted();

        @WithDefault("meterbridge.events.dead-letter")
        String deadLetter();

        @WithDefault("6")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        /*
         * Retentions override the defaults that topics.yaml (the topic catalog) gives each topic, where the hub creates
         * its topics. TopicProvisioner reads them by the names the catalog gives.
         */

        /** Retention of accepted events, billing deliveries and ERP postings (catalog: P35D). */
        Optional<Duration> eventRetention();

        /** Retention of the raw topic (catalog: P1D; it holds personal fields in clear). */
        Optional<Duration> rawRetention();

        /** Retention of the dead-letter topics (catalog: P90D). */
        Optional<Duration> deadLetterRetention();

        /** Billing documents to send to billing platforms (the outbox of period close, published after commit). */
        @WithDefault("meterbridge.billing.deliveries")
        String billingDeliveries();

        /** Billing deliveries whose retries were exhausted, with the reason (also listed by the exceptions API). */
        @WithDefault("meterbridge.billing.dead-letter")
        String billingDeadLetter();

        /** Create missing topics at start-up (off when an operator such as Strimzi owns them). */
        @WithDefault("true")
        boolean provision();
    }

    interface Ingest {
        @WithDefault("1048576")
        int maxBodyBytes();

        @WithDefault("1000")
        int maxEventsPerBatch();

        @WithDefault("PT300S")
        Duration signatureTolerance();

        /** Longest a send waits for Kafka metadata or buffer space before the request fails with 503. */
        @WithDefault("10000")
        int producerMaxBlockMs();

        /** Lets concurrent requests share Kafka batches: fewer, larger produce requests for a few ms of latency. */
        @WithDefault("5")
        int producerLingerMs();

        /** none, lz4, zstd...: none costs the least CPU next to a local broker; prod (remote brokers) uses lz4. */
        @WithDefault("none")
        String producerCompression();

        /**
         * A signed request without {@code Meterbridge-Source} makes the hub try each active source's secrets: allowed
         * only while there are at most this many sources with secrets, so an unnamed request costs a bounded number of
         * HMACs. Above it, such requests are refused (401) and must name their source.
         */
        @WithDefault("8")
        int maxUnnamedSources();

        /** Consumer group of the raw-topic ingestion route. */
        @WithDefault("meterbridge-ingest")
        String rawConsumerGroup();

        /*
         * Value limits (docs/api/ingest.md#limits): what passes them is storable and meterable, so a bad value is a
         * 400 at the door instead of a 503 retried for ever or a metering batch PostgreSQL refuses.
         */

        /**
         * Longest id, source, type, subject, dataschema and datacontenttype, in characters: 256 characters of at most
         * 4 UTF-8 bytes keep (source, id, metric) and (subject, ..., distinct value) under btree's 2,704-byte entry.
         */
        @WithDefault("256")
        int maxAttributeLength();

        /** Oldest accepted {@code time}, before receipt: 400 days cover a year of late events and their grace. */
        @WithDefault("P400D")
        Duration maxEventAge();

        /** Furthest {@code time} may be after receipt: clock skew only (the signature tolerance is 5 minutes too). */
        @WithDefault("PT5M")
        Duration maxEventLead();

        /** Most digits before the decimal point of a number in {@code data}: 18 fit a signed 64-bit integer. */
        @WithDefault("18")
        int maxIntegerDigits();

        /** Most digits after the decimal point of a number in {@code data}. */
        @WithDefault("15")
        int maxFractionDigits();
    }

    interface Embedded {
        @WithDefault("9092")
        int kafkaPort();

        @WithDefault("54329")
        int postgresPort();
    }

    interface Metering {
        /** Consumer group of the metering route on the accepted topic. */
        @WithDefault("meterbridge-metering")
        String consumerGroup();

        /** Consumers of the accepted topic in this process (each takes its own partitions). */
        @WithDefault("2")
        int consumers();

        /** Most records per micro-batch (one PostgreSQL transaction each). */
        @WithDefault("2000")
        int batchSize();
    }

    interface MasterDataFiles {
        /** YAML files of metrics, customers and contracts loaded (and audited) at start-up. */
        Optional<List<String>> files();
    }

    interface Pii {
        /** Secret key of the keyed tokens that replace personal fields (the current key). */
        String tokenKey();

        /** Id of the current key, written into every token ({@code tok_<kid>_...}): lower-case letters and digits. */
        @WithDefault("k1")
        String keyId();

        /** Keys rotated out, by key id: no new token uses them, the data owner's look-ups still do. */
        java.util.Map<String, String> previousKeys();

        /** Refuse to start with a short (under 32 bytes) or the default-run key: on in prod. */
        @WithDefault("false")
        boolean requireStrongKey();
    }

    interface Sources {
        /** Files that register producing sources, loaded into PostgreSQL at start-up. */
        Optional<List<String>> files();
    }
}
