package io.meterbridge.masterdata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.meterbridge.support.Events.uniqueId;
import static io.meterbridge.support.MasterDataFixture.admin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A contract's platform settings: finalizationGrace PT1H..PT72H (default PT1H), collectionMethod with daysUntilDue
 * for send_invoice only, autoAdvance (default true); the admin API lists them.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class ContractPlatformSettingsTest {

    private static Map<String, Object> contract(String account, Map<String, Object> settings) {
        Map<String, Object> contract = new LinkedHashMap<>();
        contract.put("contractKey", "contract-" + account);
        contract.put("billingSystem", "stripe");
        contract.put("billingAccountId", account);
        contract.put("validFrom", "2026-01-01T00:00:00Z");
        contract.put("metrics", List.of(Map.of("metric", "api_requests", "unit", "request",
                "priceVersion", "api-requests-2026-v1")));
        contract.putAll(settings);
        return contract;
    }

    @Test
    void settingsOutsideTheirRangeAreRefusedNamingTheField() {
        String account = "cus_" + uniqueId("settings").replace("-", "");
        admin().body(contract(account, Map.of("finalizationGrace", "PT73H"))).post("/api/v1/admin/contracts").then()
                .statusCode(400).body("error", containsString("finalizationGrace: 'PT73H' must be between PT1H and PT72H"));
        admin().body(contract(account, Map.of("finalizationGrace", "PT30M"))).post("/api/v1/admin/contracts").then()
                .statusCode(400).body("error", containsString("finalizationGrace"));
        admin().body(contract(account, Map.of("collectionMethod", "send_invoice"))).post("/api/v1/admin/contracts")
                .then().statusCode(400).body("error", containsString("daysUntilDue: required with collectionMethod send_invoice"));
        admin().body(contract(account, Map.of("daysUntilDue", 30))).post("/api/v1/admin/contracts").then()
                .statusCode(400).body("error", containsString("daysUntilDue: only with collectionMethod send_invoice"));
        admin().body(contract(account, Map.of("collectionMethod", "invoice"))).post("/api/v1/admin/contracts").then()
                .statusCode(400).body("error", containsString("collectionMethod: 'invoice' is not one of"));
    }

    @Test
    void defaultsAndSetValuesAreListed() {
        String plain = "cus_" + uniqueId("defaults").replace("-", "");
        admin().body(contract(plain, Map.of())).post("/api/v1/admin/contracts").then().statusCode(200);
        admin().queryParam("billingAccountId", plain).get("/api/v1/admin/contracts").then().statusCode(200)
                .body("[0].finalization_grace", equalTo("01:00:00"))
                .body("[0].collection_method", equalTo("charge_automatically"))
                .body("[0].days_until_due", equalTo(null)).body("[0].auto_advance", equalTo(true));
        String sent = "cus_" + uniqueId("sent").replace("-", "");
        admin().body(contract(sent, Map.of("finalizationGrace", "PT72H", "collectionMethod", "send_invoice",
                "daysUntilDue", 14, "autoAdvance", false))).post("/api/v1/admin/contracts").then().statusCode(200);
        admin().queryParam("billingAccountId", sent).get("/api/v1/admin/contracts").then().statusCode(200)
                .body("[0].finalization_grace", equalTo("72:00:00"))
                .body("[0].collection_method", equalTo("send_invoice"))
                .body("[0].days_until_due", equalTo(14)).body("[0].auto_advance", equalTo(false));
    }
}
