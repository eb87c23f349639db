package io.meterbridge.erp.netsuite;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.SECRETS;
import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.faults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.invoice;
import static io.meterbridge.erp.netsuite.NetSuiteTests.noFaults;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * No secret (consumer, token or client secret), signature or access token appears in the sandbox's journal, in the
 * logs (connector and sandbox at DEBUG), in exceptions or in the settings' toString; read-only fields are never sent.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteSecretsTest {

    @Inject
    NetSuiteConnector connector;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(connector);
    }

    @Inject
    ErpCallGate gate;

    @Inject
    ProducerTemplate producer;

    @Test
    void secretsNeverLeakAndReadOnlyFieldsAreNeverSent() throws Exception {
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters())
                        + " " + String.valueOf(record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        NetSuiteTests.control().delete("requests").then().statusCode(204); // from here on: only this connector's requests
        try {
            String customer = unique("cust");
            connector.upsertCustomer(customer(customer, "Secretive"));
            connector.upsertInvoice(invoice(unique("inv"), customer, "5.00"));
            new NetSuiteConnector(connector.settings().withAuth(NetSuiteSettings.Auth.OAUTH2), gate, producer)
                    .upsertCustomer(customer(customer, "Secretive"));
            thrown.add(catchThrowable(() -> new NetSuiteConnector(connector.settings().withTbaSecrets(
                    "meterbridge-sandbox-consumer-secret", "meterbridge-sandbox-token-secret-x"), gate, producer)
                    .upsertCustomer(customer(customer, "Secretive"))));
            faults("{\"serverErrorNext\":50}");
            thrown.add(catchThrowable(() -> connector.upsertCustomer(customer(customer, "Secretive"))));
        } finally {
            noFaults();
            root.removeHandler(capture);
        }

        String journal = NetSuiteTests.control().get("requests").then().statusCode(200).extract().asString();
        assertThat(logged).isNotEmpty();
        assertThat(thrown).allSatisfy(t -> assertThat(t).isInstanceOf(ErpException.class));
        for (String secret : SECRETS) {
            assertThat(journal).doesNotContain(secret);
            assertThat(logged).noneMatch(line -> line.contains(secret));
            assertThat(thrown).noneMatch(t -> t.getMessage().contains(secret));
            assertThat(connector.settings().toString()).doesNotContain(secret);
        }
        assertThat(journal).doesNotContain("oauth_signature").doesNotContain("nsat_");

        for (JsonNode entry : NetSuiteTests.journal()) {
            if (entry.get("path").asText().startsWith("/services/rest/record/v1/")) {
                for (String readOnly : List.of("id", "links", "total", "amountRemaining", "status", "refName",
                        "createdDate", "lastModifiedDate")) {
                    assertThat(entry.get("params").has(readOnly)).as(entry.toString()).isFalse();
                }
            }
        }
    }
}
