package io.meterbridge.erp.netsuite;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.RECORDS;
import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.json;
import static io.meterbridge.erp.netsuite.NetSuiteTests.raw;
import static io.meterbridge.erp.netsuite.NetSuiteTests.records;
import static io.meterbridge.erp.netsuite.NetSuiteTests.signer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandbox checks currencies as NetSuite does: a currency is a reference to a currency record (USD 1, GBP 2, CAD 3,
 * EUR 4); an unknown one, or a transaction in another currency than its customer's, is refused with NetSuite's error
 * (INVALID_KEY_OR_REF on path currency) and stores nothing.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteSandboxCurrencyTest {

    @Inject
    NetSuiteConnector connector;

    private static String invoiceBody(String customer, String currency) {
        return "{\"entity\":{\"externalId\":\"" + customer + "\"},\"currency\":" + currency + ",\"item\":{\"items\":"
                + "[{\"item\":{\"id\":\"201\"},\"amount\":10.00,\"taxCode\":{\"id\":\"-7\"}}]}}";
    }

    private static void refused(HttpResponse<String> response, String detail) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(400);
        assertThat(body.at("/o:errorDetails/0/o:errorCode").asText()).isEqualTo("INVALID_KEY_OR_REF");
        assertThat(body.at("/o:errorDetails/0/o:errorPath").asText()).isEqualTo("currency");
        assertThat(body.at("/o:errorDetails/0/detail").asText()).contains(detail);
    }

    @Test
    void anInvoiceInAnotherCurrencyThanItsCustomersIsRefused() throws Exception {
        String customer = unique("cust-usd");
        String customerId = connector.upsertCustomer(customer(customer, "Initech")); // currency 1, USD
        String invoice = unique("inv-eur");
        refused(raw("PUT", RECORDS + "/invoice/eid:" + invoice, invoiceBody(customer, "{\"id\":\"4\"}"), signer()),
                "Invalid currency reference key 4 for entity " + customerId);
        assertThat(records("invoice").findValuesAsText("externalId")).doesNotContain(invoice);

        // The hub's connector sees the same refusal as a non-retryable error.
        NsInvoice usd = NetSuiteTests.invoice(invoice, customer, "10.00");
        NsInvoice eur = new NsInvoice(usd.externalId(), usd.entity(), usd.tranDate(), usd.dueDate(), NsRef.id("4"),
                usd.subsidiary(), usd.department(), usd.clazz(), usd.location(), usd.terms(), usd.account(), usd.memo(),
                usd.otherRefNum(), usd.startDate(), usd.endDate(), usd.items());
        assertThatThrownBy(() -> connector.upsertInvoice(eur))
                .isInstanceOfSatisfying(ErpException.class, e -> assertThat(e.retryable()).isFalse());

        String same = unique("inv-usd");
        assertThat(raw("PUT", RECORDS + "/invoice/eid:" + same, invoiceBody(customer, "{\"id\":\"1\"}"), signer())
                .statusCode()).isEqualTo(204);
    }

    @Test
    void anUnknownCurrencyOrOneNamedByCodeIsRefused() throws Exception {
        String customer = unique("cust");
        connector.upsertCustomer(customer(customer, "Hooli"));
        refused(raw("PUT", RECORDS + "/invoice/eid:" + unique("inv"), invoiceBody(customer, "{\"id\":\"99\"}"), signer()),
                "Invalid currency reference key 99.");
        refused(raw("PUT", RECORDS + "/invoice/eid:" + unique("inv"), invoiceBody(customer, "{\"externalId\":\"USD\"}"),
                signer()), "Invalid currency reference key externalId USD.");
        refused(raw("PUT", RECORDS + "/customer/eid:" + unique("cust"), "{\"companyName\":\"X\",\"currency\":{\"id\":\"7\"}}",
                signer()), "Invalid currency reference key 7.");
    }
}
