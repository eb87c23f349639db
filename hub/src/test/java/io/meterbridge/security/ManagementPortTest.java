package io.meterbridge.security;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/** Prod serves health and metrics on the management port only: the public port (behind the Ingress) has neither. */
@QuarkusTest
@TestProfile(ProdLikeSecurity.class)
@QuarkusTestResource(EmbeddedEngines.class)
class ManagementPortTest {

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        int management = ProdLikeSecurity.MANAGEMENT_PORT;
        RestAssured.given().baseUri("http://127.0.0.1").port(management).get("/q/health/ready").then().statusCode(200);
        RestAssured.given().baseUri("http://127.0.0.1").port(management).get("/q/metrics").then().statusCode(200);
        RestAssured.given().get("/q/health/ready").then().statusCode(404);
        RestAssured.given().get("/q/metrics").then().statusCode(404);
    }
}
