package io.meterbridge.erp.netsuite;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.RECORDS;
import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.json;
import static io.meterbridge.erp.netsuite.NetSuiteTests.raw;
import static io.meterbridge.erp.netsuite.NetSuiteTests.signer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * TBA signatures are verified (a wrong secret, a tampered URL or a replayed nonce is 401 INVALID_LOGIN in NetSuite's
 * shape) and OAuth 2.0 client credentials work end to end through the connector.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteAuthenticationTest {

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

    private static void invalidLogin(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = json(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(401);
        assertThat(body.get("title").asText()).isEqualTo("Unauthorized");
        assertThat(body.at("/o:errorDetails/0/o:errorCode").asText()).isEqualTo("INVALID_LOGIN");
    }

    @Test
    void aCorrectSignatureIsAcceptedAndAWrongSecretIsRefused() throws Exception {
        String externalId = unique("cust");
        String id = connector.upsertCustomer(customer(externalId, "Signed Co"));
        assertThat(raw("GET", RECORDS + "/customer/" + id, null, signer()).statusCode()).isEqualTo(200);

        invalidLogin(raw("GET", RECORDS + "/customer/" + id, null, signer("not-the-token-secret")));
        invalidLogin(raw("GET", RECORDS + "/customer/" + id, null, null));

        // a signature for another URL does not authorize this one
        TbaSigner good = signer();
        String header = good.header("GET", NetSuiteTests.uri(RECORDS + "/customer/eid:" + externalId));
        invalidLogin(raw("GET", RECORDS + "/customer/" + id, null, null, "Authorization", header));
        // the same header twice: the nonce is spent
        String once = good.header("GET", NetSuiteTests.uri(RECORDS + "/customer/" + id));
        assertThat(raw("GET", RECORDS + "/customer/" + id, null, null, "Authorization", once).statusCode()).isEqualTo(200);
        invalidLogin(raw("GET", RECORDS + "/customer/" + id, null, null, "Authorization", once));

        NetSuiteConnector wrong = new NetSuiteConnector(connector.settings().withTbaSecrets(
                "meterbridge-sandbox-consumer-secret", "wrong-token-secret"), gate, producer);
        ErpException e = catchThrowableOfType(() -> wrong.upsertCustomer(customer(unique("cust"), "Nope")),
                ErpException.class);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.errorCode()).isEqualTo("INVALID_LOGIN");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).doesNotContain("wrong-token-secret");
    }

    @Test
    void oauth2ClientCredentialsWork() throws Exception {
        NetSuiteConnector oauth2 = new NetSuiteConnector(connector.settings().withAuth(NetSuiteSettings.Auth.OAUTH2), gate, producer);
        String externalId = unique("cust");
        String id = oauth2.upsertCustomer(customer(externalId, "Bearer Inc"));
        assertThat(oauth2.findInternalId("customer", externalId)).contains(id);

        JsonNode journal = NetSuiteTests.journal();
        assertThat(journal.findValues("authorization").stream().map(JsonNode::asText)).contains("Bearer ****");

        RestAssured.given().auth().preemptive().basic("meterbridge-sandbox-client-id", "wrong")
                .contentType("application/x-www-form-urlencoded").body("grant_type=client_credentials")
                .post(NetSuiteTests.SANDBOX + "/services/rest/auth/oauth2/v1/token").then().statusCode(401);
        invalidLogin(raw("GET", RECORDS + "/customer/" + id, null, null, "Authorization", "Bearer nsat_made_up"));
    }
}
