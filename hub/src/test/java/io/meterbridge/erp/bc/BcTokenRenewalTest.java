package io.meterbridge.erp.bc;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.bc.BcFixture.control;
import static io.meterbridge.erp.bc.BcFixture.records;
import static io.meterbridge.erp.bc.BcFixture.stats;
import static io.meterbridge.erp.bc.BcFixture.unique;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The connector's access token (BcTokens, quarkus-oidc-client) serves many requests with one token request, and a
 * token BC refuses (401: revoked or expired) is replaced once and the request goes through.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class BcTokenRenewalTest {

    @Inject
    BusinessCentralConnector bc;

    private static long tokensIssued() {
        return stats().path("tokensIssued").asLong();
    }

    @Test
    void oneTokenServesManyRequestsAndA401FetchesOneNewToken() {
        bc.ensureCustomer(BcCustomer.of(unique("TK"), "Token Holder")); // from here on the connector holds a token
        long before = tokensIssued();

        for (int i = 0; i < 10; i++) {
            bc.ensureCustomer(BcCustomer.of(unique("TK"), "Token Reuser " + i)); // a look-up and a create each
        }
        assertThat(tokensIssued()).as("20 requests, no new token").isEqualTo(before);

        control().delete("tokens").then().statusCode(204); // BC now answers 401 to the token the connector holds
        String afterRevocation = unique("TK");
        BcCustomerRef created = bc.ensureCustomer(BcCustomer.of(afterRevocation, "After Revocation"));
        assertThat(created.created()).isTrue();
        assertThat(records("customers", "number", afterRevocation)).hasSize(1);
        assertThat(tokensIssued()).as("one new token after the 401").isEqualTo(before + 1);

        for (int i = 0; i < 5; i++) {
            bc.ensureCustomer(BcCustomer.of(unique("TK"), "Renewed " + i));
        }
        assertThat(tokensIssued()).isEqualTo(before + 1);
    }
}
