package io.meterbridge.security;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prod's people and roles: the hub trusts bearer tokens of its OpenID Connect provider (here a local issuer), takes the
 * roles from the token, and knows no properties-file user.
 */
@QuarkusTest
@TestProfile(ProdLikeSecurity.class)
@QuarkusTestResource(EmbeddedEngines.class)
class OidcRolesTest {

    private static final String USAGE = "/api/v1/usage?subject=acme&metric=api_requests&from=2026-11-01T00:00:00Z"
            + "&to=2026-12-01T00:00:00Z&window=DAY";
    private static final String CLOSE = "/api/v1/billing/periods/close";
    private static final String CLOSE_BODY = "{\"contractKey\":\"oidc-no-such-contract\",\"at\":\"2026-10-15T00:00:00Z\"}";

    private final LocalTokenIssuer issuer = LocalTokenIssuer.get();

    @Test
    void aFinanceTokenReadsUsageAndMayClosePeriods() {
        String finance = issuer.token("fiona", "finance");
        bearer(finance).get(USAGE).then().statusCode(200);
        int status = bearer(finance).contentType("application/json").body(CLOSE_BODY).post(CLOSE).statusCode();
        assertThat(status).as("the finance role passes the role check (the contract itself is unknown)")
                .isNotIn(401, 403);
    }

    @Test
    void otherRolesAreRefusedWhatFinanceMayDo() {
        bearer(issuer.token("vic", "viewer")).get(USAGE).then().statusCode(200);
        bearer(issuer.token("vic", "viewer")).contentType("application/json").body(CLOSE_BODY).post(CLOSE)
                .then().statusCode(403);
        bearer(issuer.token("olga", "operator")).contentType("application/json").body(CLOSE_BODY).post(CLOSE)
                .then().statusCode(403);
        bearer(issuer.token("guest")).get(USAGE).then().statusCode(403);
        bearer(issuer.token("fiona", "finance")).get("/api/v1/admin/customers").then().statusCode(403);
    }

    @Test
    void forgedExpiredOrMissingTokensAndPropertiesFileUsersAreRefused() {
        bearer(issuer.forgedToken("mallory", "finance", "admin")).get(USAGE).then().statusCode(401);
        bearer(issuer.expiredToken("fiona", "finance")).get(USAGE).then().statusCode(401);
        RestAssured.given().get(USAGE).then().statusCode(401);
        // The default run's demo logins do not exist in prod.
        RestAssured.given().auth().preemptive().basic("admin", "admin-secret").get(USAGE).then().statusCode(401);
    }

    private static RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }
}
