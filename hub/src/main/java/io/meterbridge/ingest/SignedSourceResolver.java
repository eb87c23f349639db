package io.meterbridge.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.meterbridge.platform.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Finds which registered source signed a payload. A {@code Meterbridge-Source} header names it directly; without
 * the header every active source's secrets are tried (fine for tens of sources; producers should send the header).
 */
@ApplicationScoped
public class SignedSourceResolver {

    public static final String SOURCE_HEADER = "Meterbridge-Source";

    private final SourceRegistry sources;
    private final Duration tolerance;

    public SignedSourceResolver(SourceRegistry sources, HubConfig config) {
        this.sources = sources;
        this.tolerance = config.ingest().signatureTolerance();
    }

    /**
     * @param reference the instant the signature's timestamp is compared with: now for HTTP, the record's timestamp
     *                  for the raw topic (a backlog read late is not stale)
     * @return the signing source's id; throws a 401 rejection otherwise
     */
    public String signingSource(String signatureHeader, String claimedSource, byte[] body, Instant reference) {
        SignatureVerifier.Signature signature = SignatureVerifier.parse(signatureHeader);
        SignatureVerifier.checkFreshness(signature, reference, tolerance);
        Map<String, List<String>> active = sources.activeSources();
        if (claimedSource != null && !claimedSource.isBlank()) {
            List<String> secrets = active.get(claimedSource);
            if (secrets == null) {
                throw RequestRejectedException.unauthorized("source '" + claimedSource + "' is not registered");
            }
            if (SignatureVerifier.matches(signature, body, secrets)) {
                return claimedSource;
            }
            throw RequestRejectedException.unauthorized("signature does not match any secret of source '" + claimedSource + "'");
        }
        for (Map.Entry<String, List<String>> source : active.entrySet()) {
            if (SignatureVerifier.matches(signature, body, source.getValue())) {
                return source.getKey();
            }
        }
        throw RequestRejectedException.unauthorized("signature does not match any registered source");
    }
}
