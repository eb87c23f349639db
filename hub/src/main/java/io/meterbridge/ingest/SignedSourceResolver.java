package io.meterbridge.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.meterbridge.platform.HubConfig;
import io.meterbridge.ingest.SourceRegistry.Source;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Finds which registered source sent a payload, in one of two ways:
 * <ul>
 * <li>an API key ({@code Authorization: Bearer <key>}): looked up by its SHA-256, one map look-up whatever the number
 * of sources;</li>
 * <li>an HMAC signature ({@code Meterbridge-Signature}, the default and stronger way: it binds the body and a time).
 * The source is named by {@code Meterbridge-Source} (or the binary-mode {@code ce-source}); an unnamed request tries
 * every source's secrets only while there are at most {@code hub.ingest.max-unnamed-sources} of them.</li>
 * </ul>
 * Every failure is a 401 that writes nothing.
 */
@ApplicationScoped
public class SignedSourceResolver {

    public static final String SOURCE_HEADER = "Meterbridge-Source";
    public static final String AUTHORIZATION_HEADER = "Authorization";

    private final SourceRegistry sources;
    private final Duration tolerance;
    private final int maxUnnamedSources;

    public SignedSourceResolver(SourceRegistry sources, HubConfig config) {
        this.sources = sources;
        this.tolerance = config.ingest().signatureTolerance();
        this.maxUnnamedSources = config.ingest().maxUnnamedSources();
    }

    /**
     * @param signedPayload the bytes the signature covers: the body, or in binary mode the attributes and the body
     * @param reference     the instant the signature's timestamp is compared with: now for HTTP, the record's timestamp
     *                      for the raw topic (a backlog read late is not stale)
     * @return the authenticated source; throws a 401 rejection otherwise
     */
    public Source authenticate(String authorization, String signatureHeader, String claimedSource, byte[] signedPayload,
            Instant reference) {
        String named = claimedSource == null || claimedSource.isBlank() ? null : claimedSource;
        if (authorization != null && !authorization.isBlank()) {
            return byApiKey(authorization, named);
        }
        SignatureVerifier.Signature signature = SignatureVerifier.parse(signatureHeader);
        SignatureVerifier.checkFreshness(signature, reference, tolerance);
        if (named != null) {
            Source source = sources.source(named);
            if (source == null) {
                throw RequestRejectedException.unauthorized("source '" + named + "' is not registered");
            }
            if (SignatureVerifier.matches(signature, signedPayload, source.secrets())) {
                return source;
            }
            throw RequestRejectedException.unauthorized("signature does not match any secret of source '" + named + "'");
        }
        List<Source> signing = sources.activeSources().values().stream().filter(s -> !s.secrets().isEmpty()).toList();
        if (signing.size() > maxUnnamedSources) {
            throw RequestRejectedException.unauthorized("name the signing source with the " + SOURCE_HEADER + " header");
        }
        for (Source source : signing) {
            if (SignatureVerifier.matches(signature, signedPayload, source.secrets())) {
                return source;
            }
        }
        throw RequestRejectedException.unauthorized("signature does not match any registered source");
    }

    private Source byApiKey(String authorization, String named) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            throw RequestRejectedException.unauthorized("Authorization: only \"Bearer <API key>\" is accepted here");
        }
        Source source = sources.byApiKeyHash(SourceSecrets.apiKeyHash(authorization.substring(7).trim()));
        if (source == null) {
            throw RequestRejectedException.unauthorized("the API key is not registered (or its source is deactivated)");
        }
        if (named != null && !named.equals(source.id())) {
            throw RequestRejectedException.unauthorized("the API key does not belong to source '" + named + "'");
        }
        return source;
    }
}
