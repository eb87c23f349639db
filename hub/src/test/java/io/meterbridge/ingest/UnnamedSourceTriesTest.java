package io.meterbridge.ingest;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.meterbridge.platform.HubConfig;
import io.meterbridge.ingest.SourceRegistry.Source;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request without Meterbridge-Source tries the sources' secrets only while there are few of them: with more than
 * hub.ingest.max-unnamed-sources, it is refused before a single HMAC is computed.
 */
class UnnamedSourceTriesTest {

    private static final byte[] BODY = "[{}]".getBytes(StandardCharsets.UTF_8);

    /** A registry of {@code n} signing sources, counting how often their secrets are read. */
    private static final class Registry extends SourceRegistry {
        final Map<String, Source> sources = new LinkedHashMap<>();
        final AtomicInteger secretReads = new AtomicInteger();

        Registry(int n) {
            super(null, null);
            for (int i = 0; i < n; i++) {
                sources.put("s" + i, new Source("s" + i, null, List.of("secret-" + i), Set.of(), List.of("*"),
                        List.of("*"), false));
            }
        }

        @Override
        public Map<String, Source> activeSources() {
            secretReads.incrementAndGet();
            return sources;
        }

        @Override
        public Source source(String id) {
            return sources.get(id);
        }
    }

    private static SignedSourceResolver resolver(Registry registry, int maxUnnamed) {
        HubConfig.Ingest ingest = (HubConfig.Ingest) Proxy.newProxyInstance(HubConfig.class.getClassLoader(),
                new Class<?>[] {HubConfig.Ingest.class}, (p, m, a) -> switch (m.getName()) {
                    case "signatureTolerance" -> Duration.ofSeconds(300);
                    case "maxUnnamedSources" -> maxUnnamed;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        HubConfig config = (HubConfig) Proxy.newProxyInstance(HubConfig.class.getClassLoader(),
                new Class<?>[] {HubConfig.class}, (p, m, a) -> {
                    if (m.getName().equals("ingest")) {
                        return ingest;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return new SignedSourceResolver(registry, config);
    }

    @Test
    void fewSourcesAreTriedWithoutAName() {
        Registry registry = new Registry(3);
        long t = Instant.now().getEpochSecond();
        String signature = SignatureVerifier.sign("secret-2", t, BODY);
        assertThat(resolver(registry, 8).authenticate(null, signature, null, BODY, Instant.now()).id()).isEqualTo("s2");
    }

    @Test
    void manySourcesMustBeNamed() {
        Registry registry = new Registry(9);
        long t = Instant.now().getEpochSecond();
        String signature = SignatureVerifier.sign("secret-8", t, BODY);
        assertThatThrownBy(() -> resolver(registry, 8).authenticate(null, signature, null, BODY, Instant.now()))
                .isInstanceOf(RequestRejectedException.class)
                .hasMessageContaining("name the signing source with the Meterbridge-Source header");
        // named, the same request is fine
        assertThat(resolver(registry, 8).authenticate(null, signature, "s8", BODY, Instant.now()).id()).isEqualTo("s8");
    }

    @Test
    void anUnsignedRequestTriesNothing() {
        Registry registry = new Registry(3);
        assertThatThrownBy(() -> resolver(registry, 8).authenticate(null, null, null, BODY, Instant.now()))
                .hasMessageContaining("missing Meterbridge-Signature header");
        assertThat(registry.secretReads).hasValue(0);
    }
}
