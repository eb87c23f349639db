package io.meterbridge.sandbox.netsuite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * NetSuite's OAuth 2.0 machine-to-machine client authentication, checked like NetSuite does: the client assertion is a
 * JWT whose header names the certificate registered for the integration ({@code kid} = certificate id) and an
 * algorithm NetSuite accepts (PS256/384/512, ES256/384/512; RSA PKCS#1 v1.5 is no longer accepted), signed with that
 * certificate's private key; its claims say who asks ({@code iss} = the integration's client id), for what
 * ({@code scope} holds rest_webservices) and where ({@code aud} = the token endpoint's URL), and it is valid now
 * ({@code iat} not in the future, {@code exp} after now and at most one hour after {@code iat}).
 * <p>
 * The sandbox owns this code (JDK signatures only; nothing shared with the hub's signing side), so a hub that signed
 * wrongly fails here as it would at NetSuite.
 */
final class M2mAssertions {

    static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    static final Duration MAX_LIFETIME = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why an assertion was refused: the OAuth error and the HTTP status the token endpoint answers with. */
    record Refusal(int status, String error, String description) {
    }

    /** The outcome: the client id it authenticated, or a refusal. */
    record Outcome(String clientId, Refusal refusal) {
        static Outcome refused(int status, String error, String description) {
            return new Outcome(null, new Refusal(status, error, description));
        }
    }

    private final String clientId;
    private final String certificateId;
    private final PublicKey key;
    private final Duration clockTolerance;

    M2mAssertions(String clientId, String certificateId, String certificateLocation, Duration clockTolerance) {
        this.clientId = clientId;
        this.certificateId = certificateId;
        this.key = certificate(certificateLocation).getPublicKey();
        this.clockTolerance = clockTolerance;
    }

    /** The certificate from the classpath (the sandbox's demo one) or from a file. */
    private static X509Certificate certificate(String location) {
        try (InputStream in = open(location)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the M2M certificate " + location, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("not an X.509 certificate: " + location, e);
        }
    }

    private static InputStream open(String location) throws IOException {
        InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(location);
        if (in == null) {
            in = M2mAssertions.class.getClassLoader().getResourceAsStream(location);
        }
        return in != null ? in : Files.newInputStream(Path.of(location));
    }

    /** Checks {@code assertion} sent to the token endpoint at {@code tokenUrl}. */
    Outcome verify(String assertion, String tokenUrl, long nowSeconds) {
        String[] parts = assertion == null ? new String[0] : assertion.split("\\.", -1);
        if (parts.length != 3) {
            return Outcome.refused(400, "invalid_request", "client_assertion is not a signed JWT");
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IOException | IllegalArgumentException e) {
            return Outcome.refused(400, "invalid_request", "client_assertion is not a signed JWT");
        }
        String alg = header.path("alg").asText("");
        if (!List.of("PS256", "PS384", "PS512", "ES256", "ES384", "ES512").contains(alg)) {
            return Outcome.refused(400, "invalid_request", "unsupported signature algorithm " + alg);
        }
        if (!clientId.equals(claims.path("iss").asText()) || !certificateId.equals(header.path("kid").asText())) {
            return Outcome.refused(401, "invalid_client", "unknown client or certificate");
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!signatureValid(alg, signed, signature)) {
            return Outcome.refused(401, "invalid_client", "the signature does not match the certificate");
        }
        if (!audienceIs(claims.path("aud"), tokenUrl)) {
            return Outcome.refused(400, "invalid_grant", "aud must be the token endpoint's URL");
        }
        if (!claims.path("iat").canConvertToLong() || !claims.path("exp").canConvertToLong()) {
            return Outcome.refused(400, "invalid_grant", "iat and exp are required");
        }
        long iat = claims.path("iat").asLong();
        long exp = claims.path("exp").asLong();
        long tolerance = clockTolerance.toSeconds();
        if (iat > nowSeconds + tolerance || exp <= nowSeconds - tolerance) {
            return Outcome.refused(400, "invalid_grant", "the assertion is expired or not yet valid");
        }
        if (exp - iat > MAX_LIFETIME.toSeconds() || exp <= iat) {
            return Outcome.refused(400, "invalid_grant", "exp must be after iat and at most one hour after it");
        }
        if (!scopes(claims.path("scope")).contains("rest_webservices")) {
            return Outcome.refused(400, "invalid_grant", "scope must include rest_webservices");
        }
        return new Outcome(clientId, null);
    }

    private static boolean audienceIs(JsonNode aud, String tokenUrl) {
        if (aud.isArray()) {
            for (JsonNode a : aud) {
                if (tokenUrl.equals(a.asText())) {
                    return true;
                }
            }
            return false;
        }
        return tokenUrl.equals(aud.asText());
    }

    /** NetSuite takes the scope as an array or as one string, separated by commas or blanks. */
    private static List<String> scopes(JsonNode scope) {
        List<String> out = new ArrayList<>();
        if (scope.isArray()) {
            scope.forEach(s -> out.add(s.asText()));
        } else if (scope.isTextual()) {
            out.addAll(Arrays.asList(scope.asText().split("[,\\s]+")));
        }
        return out;
    }

    private boolean signatureValid(String alg, byte[] signed, byte[] signature) {
        int bits = Integer.parseInt(alg.substring(2));
        String digest = "SHA-" + bits;
        try {
            Signature verifier;
            byte[] expected = signature;
            if (alg.startsWith("PS")) {
                verifier = Signature.getInstance("RSASSA-PSS");
                verifier.setParameter(new PSSParameterSpec(digest, "MGF1", new MGF1ParameterSpec(digest), bits / 8, 1));
            } else {
                if (!(key instanceof ECPublicKey)) {
                    return false;
                }
                verifier = Signature.getInstance("SHA" + bits + "withECDSA");
                expected = der(signature);
            }
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(expected);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a key of the wrong type or a malformed signature: not signed by this certificate
        }
    }

    /** JWS ECDSA signatures are R || S; the JDK wants ASN.1 DER SEQUENCE { INTEGER r, INTEGER s }. */
    private static byte[] der(byte[] rs) {
        int half = rs.length / 2;
        byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, half)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, half, rs.length)).toByteArray();
        int length = 2 + r.length + 2 + s.length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x30);
        if (length > 127) {
            out.write(0x81);
        }
        out.write(length);
        out.write(0x02);
        out.write(r.length);
        out.writeBytes(r);
        out.write(0x02);
        out.write(s.length);
        out.writeBytes(s);
        return out.toByteArray();
    }
}
