package io.meterbridge.erp.bc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.COMPANY_API;
import static io.meterbridge.erp.bc.BcFixture.invoice;
import static io.meterbridge.erp.bc.BcFixture.journal;
import static io.meterbridge.erp.bc.BcFixture.line;
import static io.meterbridge.erp.bc.BcFixture.mark;
import static io.meterbridge.erp.bc.BcFixture.raw;
import static io.meterbridge.erp.bc.BcFixture.token;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Read-only fields (AL page fields with Editable = false) are never in what the connector sends, deep-insert lines and
 * $batch bodies included; sent raw, the sandbox refuses them with BC's error shape.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcReadOnlyFieldsTest {

    @Inject
    BusinessCentralConnector bc;

    @org.junit.jupiter.api.BeforeEach
    void circuitClosed() {
        BcFixture.awaitClosedCircuit(bc);
    }

    /** Read-only field names per entity set, from the AL page fields shipped with the app. */
    private static Map<String, Set<String>> readOnly() {
        JsonNode pages = BcFixture.json(new String(readResource("sandbox/specs/bc-api-v2.0-al-page-fields.json")));
        Map<String, Set<String>> out = new HashMap<>();
        pages.fields().forEachRemaining(p -> {
            Set<String> ro = new HashSet<>();
            p.getValue().path("fields").forEach(f -> {
                if (!f.path("editable").asBoolean(true)) {
                    ro.add(f.path("name").asText());
                }
            });
            out.put(p.getValue().path("EntitySetName").asText(), ro);
        });
        return out;
    }

    private static byte[] readResource(String path) {
        try (var in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String entitySet(String path) {
        String last = path.replaceAll("\\([^)]*\\)", "").replaceAll("\\?.*", "");
        return last.substring(last.lastIndexOf('/') + 1);
    }

    private static void assertNoReadOnly(Map<String, Set<String>> readOnly, String set, JsonNode body) {
        Set<String> forbidden = readOnly.getOrDefault(set, Set.of());
        assertThat(forbidden).as("read-only fields of %s", set).isNotEmpty();
        body.fieldNames().forEachRemaining(f -> assertThat(forbidden).as("field %s sent to %s", f, set).doesNotContain(f));
        for (String part : List.of("salesInvoiceLines", "salesCreditMemoLines")) {
            body.path(part).forEach(l -> assertNoReadOnly(readOnly, part.equals("salesInvoiceLines") ? part
                    : "salesInvoiceLines" /* the memo-lines page lists no flags; same fields as invoice lines */, l));
        }
    }

    @Test
    void connectorNeverSendsReadOnlyFields() {
        Map<String, Set<String>> readOnly = readOnly();
        long mark = mark();
        String customer = unique("RO");
        bc.ensureCustomer(new BcCustomer(customer, "Read Only Inc", "ro@example.com", null, "1 Main St", null, "Dublin",
                null, "IE", "D01", "EUR", null));
        String key = unique("INV-RO-");
        bc.postSalesInvoice(invoice(key, customer, line("API-CALLS", "10", "1"), line("SEATS", "1", "9")));
        bc.correctiveCreditMemo(new BcCreditMemo(unique("CM-RO-"), key, null, null, List.of()));
        bc.postJournal(new BcJournalEntry(unique("R").substring(0, 10), unique("RO"), LocalDate.of(2026, 12, 1), List.of(
                BcJournalLine.glAccount("40100", new BigDecimal("-5"), "a"),
                BcJournalLine.glAccount("13100", new BigDecimal("5"), "b"))));

        int checked = 0;
        for (JsonNode e : journal(mark)) {
            if (!e.path("method").asText().equals("POST") || e.path("path").asText().contains("Microsoft.NAV.")) {
                continue;
            }
            if (e.path("path").asText().endsWith("/$batch")) {
                for (JsonNode op : e.path("params").path("requests")) {
                    assertNoReadOnly(readOnly, entitySet(op.path("url").asText()), op.path("body"));
                    checked++;
                }
            } else {
                assertNoReadOnly(readOnly, entitySet(e.path("path").asText()), e.path("params"));
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(6); // customer, invoice, memo, a new journal, 2 journal lines
    }

    @Test
    void readOnlyFieldsSentRawAreRefused() {
        String token = token(unique("client-ro-"));
        String customer = unique("RR");
        bc.ensureCustomer(BcCustomer.of(customer, "Raw Sender"));

        raw(token).body("{\"customerNumber\":\"" + customer + "\",\"number\":\"S-INV999\"}")
                .post(COMPANY_API + "/salesInvoices").then().statusCode(400)
                .body("error.code", equalTo("BadRequest_ReadOnlyProperty"))
                .body("error.message", containsString("'number'"));
        raw(token).body("{\"customerNumber\":\"" + customer + "\",\"salesInvoiceLines\":[{\"lineType\":\"Item\","
                + "\"lineObjectNumber\":\"X\",\"quantity\":1,\"unitPrice\":2,\"amountExcludingTax\":2}]}")
                .post(COMPANY_API + "/salesInvoices").then().statusCode(400)
                .body("error.code", equalTo("BadRequest_ReadOnlyProperty"))
                .body("error.message", containsString("amountExcludingTax"));
        raw(token).body("{\"number\":\"" + unique("RB") + "\",\"balanceDue\":10}").post(COMPANY_API + "/customers")
                .then().statusCode(400).body("error.code", equalTo("BadRequest_ReadOnlyProperty"));
        // and a field the page does not have at all: refused by the spec's additionalProperties: false
        raw(token).body("{\"number\":\"" + unique("RU") + "\",\"nickname\":\"x\"}").post(COMPANY_API + "/customers")
                .then().statusCode(400).body("error.code", equalTo("BadRequest_InvalidRequestBody"));
        assertThat(BcFixture.records("salesInvoices", "customerNumber", customer)).isEmpty();
    }
}
