package io.meterbridge.erp.netsuite;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.RECORDS;
import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.json;
import static io.meterbridge.erp.netsuite.NetSuiteTests.raw;
import static io.meterbridge.erp.netsuite.NetSuiteTests.signer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox refuses what NetSuite refuses, in NetSuite's error shape: spec violations (a reference that is not an
 * object), external ids outside [A-Za-z0-9_-], read-only fields, unknown references; and it honours
 * X-NetSuite-Idempotency-Key only with Prefer: respond-async.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteSandboxValidationTest {

    @Inject
    NetSuiteConnector connector;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        NetSuiteTests.awaitClosedCircuit(connector);
    }

    private static JsonNode error(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode body = json(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("type").asText()).startsWith("https://www.rfc-editor.org/");
        assertThat(body.at("/o:errorDetails/0/o:errorCode").asText()).isEqualTo(code);
        assertThat(body.at("/o:errorDetails/0/detail").asText()).isNotBlank();
        return body;
    }

    @Test
    void aReferenceThatIsNotAnObjectViolatesTheSpec() throws Exception {
        String customer = unique("cust");
        connector.upsertCustomer(customer(customer, "Initech"));
        JsonNode body = error(raw("POST", RECORDS + "/invoice", "{\"entity\":\"" + customer + "\",\"item\":{\"items\":"
                + "[{\"item\":{\"id\":\"1\"},\"amount\":10}]}}", signer()), 400, "INVALID_CONTENT");
        assertThat(body.at("/o:errorDetails/0/o:errorPath").asText()).isEqualTo("entity");

        error(raw("POST", RECORDS + "/invoice", "{\"entity\":{\"externalId\":\"" + customer + "\"},\"item\":{\"items\":"
                + "[{\"item\":{\"id\":\"1\"},\"amount\":\"ten\"}]}}", signer()), 400, "INVALID_CONTENT");
        error(raw("POST", RECORDS + "/invoice", "{not json", signer()), 400, "INVALID_CONTENT");
    }

    @Test
    void externalIdsOutsideNetSuitesAlphabetAreRefused() throws Exception {
        error(raw("PUT", RECORDS + "/customer/eid:acme.corp", "{\"companyName\":\"Acme\"}", signer()), 400, "USER_ERROR");
        error(raw("POST", RECORDS + "/customer", "{\"externalId\":\"acme corp\",\"companyName\":\"Acme\"}", signer()),
                400, "USER_ERROR");
        HttpResponse<String> ok = raw("PUT", RECORDS + "/customer/eid:" + unique("acme_Corp"), "{\"companyName\":\"Acme\"}",
                signer());
        assertThat(ok.statusCode()).isEqualTo(204);
        assertThat(ok.headers().firstValue("Location").orElseThrow()).matches(".*/services/rest/record/v1/customer/\\d+");
    }

    @Test
    void theExternalIdHelperOnlyProducesValidDistinctIds() {
        assertThat(NsExternalIds.of("inv", "acme", "2026-11")).isEqualTo("inv-acme-2026-11");
        String dotted = NsExternalIds.of("inv", "acme.corp", "2026/11");
        String coloned = NsExternalIds.of("inv", "acme:corp", "2026/11");
        assertThat(dotted).matches("[A-Za-z0-9_-]+").isNotEqualTo(coloned);
        assertThat(coloned).matches("[A-Za-z0-9_-]+");
        assertThat(NsExternalIds.of("inv", "acme.corp", "2026/11")).isEqualTo(dotted);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> customer("bad id", "X"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readOnlyFieldsAndUnknownReferencesAreRefused() throws Exception {
        String customer = unique("cust");
        connector.upsertCustomer(customer(customer, "Umbrella"));
        JsonNode body = error(raw("POST", RECORDS + "/invoice", "{\"entity\":{\"externalId\":\"" + customer + "\"},"
                + "\"total\":10,\"item\":{\"items\":[{\"item\":{\"id\":\"1\"},\"amount\":10}]}}", signer()), 400,
                "USER_ERROR");
        assertThat(body.at("/o:errorDetails/0/o:errorPath").asText()).isEqualTo("total");
        error(raw("POST", RECORDS + "/invoice", "{\"entity\":{\"id\":\"999999\"},\"item\":{\"items\":"
                + "[{\"item\":{\"id\":\"1\"},\"amount\":10}]}}", signer()), 400, "INVALID_KEY_OR_REF");
        error(raw("GET", RECORDS + "/invoice/eid:" + unique("nope"), null, signer()), 404, "NONEXISTENT_ID");
    }

    @Test
    void idempotencyKeyIsHonouredOnlyWithRespondAsync() throws Exception {
        String key = java.util.UUID.randomUUID().toString();
        String body = "{\"companyName\":\"Async Ltd\",\"externalId\":\"" + unique("async") + "\"}";
        HttpResponse<String> first = raw("POST", RECORDS + "/customer", body, signer(), "Prefer", "respond-async",
                "X-NetSuite-Idempotency-Key", key);
        HttpResponse<String> again = raw("POST", RECORDS + "/customer", body, signer(), "Prefer", "respond-async",
                "X-NetSuite-Idempotency-Key", key);
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).as("replayed, not a duplicate").isEqualTo(202);
        String job = first.headers().firstValue("Location").orElseThrow();
        assertThat(again.headers().firstValue("Location")).contains(job);
        JsonNode status = json(raw("GET", job.substring(job.indexOf("/sandbox/")), null, signer()).body());
        assertThat(status.get("completed").asBoolean()).isTrue();
        assertThat(status.at("/task/0/recordLocation").asText()).contains("/customer/");

        // without Prefer: respond-async the key is ignored: the second create is a duplicate external id
        String syncBody = "{\"companyName\":\"Sync Ltd\",\"externalId\":\"" + unique("sync") + "\"}";
        String syncKey = java.util.UUID.randomUUID().toString();
        assertThat(raw("POST", RECORDS + "/customer", syncBody, signer(), "X-NetSuite-Idempotency-Key", syncKey)
                .statusCode()).isEqualTo(204);
        error(raw("POST", RECORDS + "/customer", syncBody, signer(), "X-NetSuite-Idempotency-Key", syncKey), 400,
                "DUP_RCRD");
    }
}
