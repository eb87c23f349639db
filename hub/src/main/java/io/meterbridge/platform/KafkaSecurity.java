package io.meterbridge.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the hub's own Kafka clients (the ingest producer, the topic provisioner) authenticate to the brokers; the Camel
 * kafka component takes the same settings in application.properties. PLAINTEXT in the default run and the tests;
 * prod speaks SASL_SSL with SCRAM-SHA-512 as a Strimzi KafkaUser whose ACLs cover only the hub's topics and groups
 * (docs/operations/kubernetes.md#kafka-authentication). {@code hub.kafka.*}, documented in docs/configuration.md.
 */
@ConfigMapping(prefix = "hub.kafka")
public interface KafkaSecurity {

    /** PLAINTEXT, SSL (TLS, optionally client certificates), SASL_SSL or SASL_PLAINTEXT. */
    @WithDefault("PLAINTEXT")
    String securityProtocol();

    /** SASL mechanism: SCRAM-SHA-512 (Strimzi's scram-sha-512 users). */
    @WithDefault("SCRAM-SHA-512")
    String saslMechanism();

    Optional<String> username();

    /** SECRET: the KafkaUser's password (Strimzi writes it into a Secret named after the user). */
    Optional<String> password();

    /** Trust store holding the cluster CA (Strimzi: the cluster's -cluster-ca-cert Secret, ca.p12). */
    Optional<String> truststoreLocation();

    Optional<String> truststorePassword();

    @WithDefault("PKCS12")
    String truststoreType();

    /** Client certificate for TLS authentication (Strimzi tls users: user.p12), instead of SCRAM. */
    Optional<String> keystoreLocation();

    Optional<String> keystorePassword();

    @WithDefault("PKCS12")
    String keystoreType();

    /** Client properties for the configured security; empty for PLAINTEXT. */
    default Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        String protocol = securityProtocol();
        if (protocol.equals("PLAINTEXT")) {
            return props;
        }
        props.put("security.protocol", protocol);
        if (protocol.startsWith("SASL")) {
            props.put("sasl.mechanism", saslMechanism());
            props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + username().orElseThrow(() -> new IllegalStateException("hub.kafka.username is required for " + protocol))
                    + "\" password=\""
                    + password().orElseThrow(() -> new IllegalStateException("hub.kafka.password is required for " + protocol))
                    + "\";");
        }
        truststoreLocation().ifPresent(location -> {
            props.put("ssl.truststore.location", location);
            props.put("ssl.truststore.type", truststoreType());
            truststorePassword().ifPresent(p -> props.put("ssl.truststore.password", p));
        });
        keystoreLocation().ifPresent(location -> {
            props.put("ssl.keystore.location", location);
            props.put("ssl.keystore.type", keystoreType());
            keystorePassword().ifPresent(p -> props.put("ssl.keystore.password", p));
        });
        return props;
    }
}
