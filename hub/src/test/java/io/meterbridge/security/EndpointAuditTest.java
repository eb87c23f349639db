package io.meterbridge.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No endpoint of the hub answers without a role unless docs/configuration.md lists it as public: every operation of the
 * OpenAPI document is called anonymously and must be refused with 401 (the sandboxes, public in the default run only,
 * are the documented exception).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class EndpointAuditTest {

    /** docs/configuration.md#public-endpoints: each authenticates its caller itself, or is a sandbox. */
    private static final Set<String> SELF_AUTHENTICATED = Set.of("/api/v1/events", "/api/v1/webhooks/stripe",
            "/api/v1/webhooks/chargebee");

    @Test
    void everyOperationNeedsARole() throws Exception {
        JsonNode openapi = new ObjectMapper().readTree(RestAssured.given().queryParam("format", "json")
                .get("/q/openapi").asString());
        List<String> checked = new ArrayList<>();
        openapi.path("paths").fields().forEachRemaining(path -> {
            String template = path.getKey();
            if (template.startsWith("/sandbox/") || SELF_AUTHENTICATED.contains(template)) {
                return;
            }
            String concrete = template.replaceAll("\\{[^}]+}", "1");
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (!Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                    return;
                }
                int status = RestAssured.given().contentType("application/json").body("{}")
                        .request(method.toUpperCase(), concrete).statusCode();
                assertThat(status).as(method.toUpperCase() + " " + template + " without credentials").isEqualTo(401);
                checked.add(method + " " + template);
            });
        });
        assertThat(checked).as("the audit saw the APIs").anyMatch(o -> o.contains("/api/v1/admin/"))
                .anyMatch(o -> o.contains("/api/v1/billing/")).anyMatch(o -> o.contains("/api/v1/erp/"))
                .anyMatch(o -> o.contains("/api/v1/usage"));
    }

    @Test
    void theSandboxesStayPublicInTheDefaultRun() {
        RestAssured.given().get("/sandbox/netsuite/_sandbox/records?type=invoice").then().statusCode(200);
        RestAssured.given().get("/sandbox/crm/_sandbox/requests").then().statusCode(200);
    }
}
