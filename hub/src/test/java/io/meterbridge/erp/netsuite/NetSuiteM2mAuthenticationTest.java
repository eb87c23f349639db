package io.meterbridge.erp.netsuite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.meterbridge.erp.ErpCallGate;
import io.meterbridge.erp.ErpException;
import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.meterbridge.erp.netsuite.NetSuiteTests.customer;
import static io.meterbridge.erp.netsuite.NetSuiteTests.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hamcrest.Matchers.equalTo;

/**
 * NetSuite OAuth 2.0 machine-to-machine: the connector (auth m2m, NetSuiteTokens through quarkus-oidc-client) gets a
 * token with a client assertion signed by the demo integration's key and posts with it, one token for many requests;
 * the sandbox refuses what NetSuite refuses: a key that is not the registered certificate's (401 invalid_client), an
 * assertion valid longer than an hour, an expired one, another audience or a missing scope (400 invalid_grant). No
 * key material or assertion reaches an exception, the log or the sandbox's journal.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class NetSuiteM2mAuthenticationTest {

    private static final String TOKEN_PATH = NetSuiteTests.SANDBOX + "/services/rest/auth/oauth2/v1/token";
    private static final String CLIENT_ID = "meterbridge-sandbox-client-id";
    private static final String CERTIFICATE_ID = "meterbridge-demo-m2m-certificate";

    @Inject
    NetSuiteConnector connector;

    @Inject
    ErpCallGate gate;

    private NetSuiteSettings m2m() {
        return connector.settings().withAuth(NetSuiteSettings.Auth.M2M);
    }

    private static long tokensIssued() throws Exception {
        return NetSuiteTests.stats().path("tokensIssued").asLong();
    }

    @Test
    void aSignedAssertionGetsATokenThatServesManyRequests() throws Exception {
        NetSuiteConnector m2m = new NetSuiteConnector(m2m(), gate);
        long before = tokensIssued();
        String externalId = unique("m2m");
        String id = m2m.upsertCustomer(customer(externalId, "Machine Co"));
        for (int i = 0; i < 5; i++) {
            assertThat(m2m.findInternalId("customer", externalId)).contains(id);
        }
        assertThat(tokensIssued()).as("one token for six requests").isEqualTo(before + 1);
        assertThat(NetSuiteTests.journal().findValues("authorization").stream().map(n -> n.asText()))
                .contains("Bearer ****");
        assertThat(NetSuiteTests.control().get("requests").then().extract().asString())
                .doesNotContain("client_assertion").doesNotContain("nsat_");
    }

    @Test
    void aKeyThatIsNotTheRegisteredCertificatesIsInvalidClient() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String otherKey = pem(generator.generateKeyPair().getPrivate());
        NetSuiteConnector wrong = new NetSuiteConnector(m2m().withM2m(new NetSuiteSettings.M2m(CERTIFICATE_ID,
                otherKey, null, "PS256", Duration.ofMinutes(5))), gate);

        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage() + " " + Arrays.toString(record.getParameters()) + " " + record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        ErpException e;
        try {
            e = catchThrowableOfType(() -> wrong.upsertCustomer(customer(unique("m2m"), "Impostor")),
                    ErpException.class);
        } finally {
            root.removeHandler(capture);
        }
        String demoKeyBody = Files.readString(Path.of(m2m().m2m().privateKeyFile())).lines().skip(1).findFirst()
                .orElseThrow();
        assertThat(logged).noneMatch(line -> line.contains(otherKey.lines().skip(1).findFirst().orElseThrow())
                || line.contains(demoKeyBody) || line.contains("eyJ"));
        assertThat(e.errorCode()).isEqualTo("invalid_client"); // the sandbox answers it with 401 (raw test below)
        assertThat(e.retryable()).isFalse();
        String keyBody = otherKey.lines().skip(1).findFirst().orElseThrow();
        assertThat(e.getMessage()).doesNotContain(keyBody).doesNotContain("eyJ");
        assertThat(wrong.settings().toString()).doesNotContain(keyBody);
    }

    @Test
    void anAssertionValidForMoreThanAnHourIsInvalidGrant() {
        NetSuiteSettings.M2m configured = m2m().m2m();
        NetSuiteConnector tooLong = new NetSuiteConnector(m2m().withM2m(new NetSuiteSettings.M2m(
                configured.certificateId(), null, configured.privateKeyFile(), "PS256", Duration.ofHours(2))), gate);

        ErpException e = catchThrowableOfType(() -> tooLong.upsertCustomer(customer(unique("m2m"), "Too Long")),
                ErpException.class);
        assertThat(e.errorCode()).isEqualTo("invalid_grant");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void theSandboxChecksKidAudienceTimeAndScopeLikeNetSuite() throws Exception {
        PrivateKey demo = demoKey();
        String tokenUrl = NetSuiteTests.uri(TOKEN_PATH).toString();
        long now = Instant.now().getEpochSecond();

        assertion(sign(demo, CERTIFICATE_ID, tokenUrl, "rest_webservices", now, now + 300)).statusCode(200)
                .body("token_type", equalTo("Bearer"));
        assertion(sign(demo, CERTIFICATE_ID, tokenUrl, "rest_webservices", now - 7200, now - 3600)).statusCode(400)
                .body("error", equalTo("invalid_grant"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        assertion(sign(generator.generateKeyPair().getPrivate(), CERTIFICATE_ID, tokenUrl, "rest_webservices", now,
                now + 300)).statusCode(401).body("error", equalTo("invalid_client"));
        assertion(sign(demo, "another-certificate", tokenUrl, "rest_webservices", now, now + 300)).statusCode(401)
                .body("error", equalTo("invalid_client"));
        assertion(sign(demo, CERTIFICATE_ID, "https://1234567-sb1.suitetalk.api.netsuite.com/services/rest/auth/oauth2/v1/token",
                "rest_webservices", now, now + 300)).statusCode(400).body("error", equalTo("invalid_grant"));
        assertion(sign(demo, CERTIFICATE_ID, tokenUrl, "restlets", now, now + 300)).statusCode(400)
                .body("error", equalTo("invalid_grant"));
        RestAssured.given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .formParam("client_assertion", "not-a-jwt").post(TOKEN_PATH).then().statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    private static ValidatableResponse assertion(String jwt) {
        return RestAssured.given().contentType("application/x-www-form-urlencoded")
                .formParam("grant_type", "client_credentials")
                .formParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                .formParam("client_assertion", jwt).post(TOKEN_PATH).then();
    }

    private static String sign(PrivateKey key, String kid, String audience, String scope, long iat, long exp) {
        return Jwt.issuer(CLIENT_ID).audience(audience).claim("scope", List.of(scope)).issuedAt(iat).expiresAt(exp)
                .jws().keyId(kid).algorithm(SignatureAlgorithm.PS256).sign(key);
    }

    private PrivateKey demoKey() throws Exception {
        String pem = Files.readString(Path.of(m2m().m2m().privateKeyFile()));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static String pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }
}
