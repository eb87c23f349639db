package io.meterbridge.erp;

import io.meterbridge.support.Events;
import io.meterbridge.support.SandboxClient;
import io.restassured.path.json.JsonPath;

/** The NetSuite sandbox's records by external id, and the Stripe webhook of a finalized invoice, for other packages. */
public final class NetSuiteRecords {

    private NetSuiteRecords() {
    }

    public static JsonPath record(String type, String externalId) throws Exception {
        return JsonPath.from(Events.MAPPER.writeValueAsString(SandboxClient.netSuite().recordsJson(type)
                .getList("findAll { it.externalId == '" + externalId + "' }").get(0)));
    }

    public static JsonPath journal(String externalId) throws Exception {
        return record("journalEntry", externalId);
    }

    public static String invoiceFinalized(String invoiceId) throws Exception {
        return NetSuitePostingTest.invoiceFinalized(invoiceId);
    }
}
