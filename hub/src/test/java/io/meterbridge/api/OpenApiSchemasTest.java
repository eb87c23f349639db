package io.meterbridge.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every finance and admin endpoint (usage, admin, billing, ERP) answers a typed schema in /q/openapi: an object with
 * named properties, or a list of them, never a bare map. Money is never a JSON number in those schemas.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class OpenApiSchemasTest {

    static final List<String> APIS = List.of("/api/v1/usage", "/api/v1/admin", "/api/v1/billing", "/api/v1/erp",
            "/api/v1/audit");

    @Test
    void everyFinanceAndAdminEndpointHasATypedSchema() throws Exception {
        JsonNode openApi = new ObjectMapper().readTree(given().accept("application/json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        Map<String, Boolean> typed = new TreeMap<>();
        openApi.path("paths").fields().forEachRemaining(path -> {
            if (APIS.stream().noneMatch(path.getKey()::startsWith)) {
                return;
            }
            path.getValue().fields().forEachRemaining(operation -> {
                JsonNode ok = operation.getValue().path("responses").path("200");
                if (ok.isMissingNode()) {
                    ok = operation.getValue().path("responses").path("201");
                }
                JsonNode schema = ok.path("content").path("application/json").path("schema");
                typed.put(operation.getKey().toUpperCase() + " " + path.getKey(), isTyped(openApi, schema));
            });
        });
        List<String> untyped = new ArrayList<>();
        typed.forEach((endpoint, isTyped) -> {
            if (!isTyped) {
                untyped.add(endpoint);
            }
        });
        System.out.printf("OpenAPI: %d finance and admin endpoints, %d with a typed schema, untyped: %s%n",
                typed.size(), typed.size() - untyped.size(), untyped);
        assertThat(typed).as("the 20 finance and admin endpoints of issue 10, and those added since").hasSizeGreaterThanOrEqualTo(20);
        assertThat(untyped).as("endpoints without a typed response schema").isEmpty();
        List<String> floats = new ArrayList<>();
        openApi.path("components").path("schemas").fields().forEachRemaining(s -> s.getValue().path("properties")
                .fields().forEachRemaining(p -> {
                    String name = p.getKey().toLowerCase();
                    boolean money = name.equals("total") || name.equals("amount") || name.endsWith("credits")
                            || name.equals("payment");
                    if (money && p.getValue().path("type").asText().equals("number")) {
                        floats.add(s.getKey() + "." + p.getKey());
                    }
                }));
        assertThat(floats).as("money as a JSON number").isEmpty();
    }

    private static boolean isTyped(JsonNode openApi, JsonNode schema) {
        if (schema.has("$ref")) {
            String name = schema.path("$ref").asText().replace("#/components/schemas/", "");
            return isTyped(openApi, openApi.path("components").path("schemas").path(name));
        }
        if (schema.path("type").asText().equals("array")) {
            return isTyped(openApi, schema.path("items"));
        }
        return schema.path("properties").size() > 0;
    }
}
