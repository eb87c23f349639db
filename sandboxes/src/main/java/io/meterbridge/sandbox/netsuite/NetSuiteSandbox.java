package io.meterbridge.sandbox.netsuite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.SandboxConfig;
import io.meterbridge.sandbox.SandboxPipeline;
import io.meterbridge.sandbox.SandboxRequest;
import io.meterbridge.sandbox.SandboxResponse;
import io.meterbridge.sandbox.SpecValidator;
import jakarta.inject.Singleton;

/**
 * The NetSuite sandbox's singletons: the pipeline (faults, credentials, validation, idempotency, journal), the records,
 * the request validators built from the shipped OpenAPI files (swagger-request-validator), the account's concurrency
 * pool, the OAuth 2.0 tokens it issued and the async jobs.
 */
@Singleton
public class NetSuiteSandbox {

    static final String ROOT = "/sandbox/netsuite";
    static final String RECORD_PATH = "/services/rest/record/v1";
    static final String SPEC = "sandbox/specs/netsuite-record-v1-2026.1-derived.openapi.yaml";
    static final String PAYMENT_CONTRACT = "sandbox/specs/netsuite-customerpayment-hub-contract.openapi.yaml";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final NetSuiteSandboxConfig config;
    private final NetSuiteDialect dialect;
    private final SandboxPipeline pipeline;
    private final NetSuiteState state = new NetSuiteState();
    private final OpenApiInteractionValidator recordSpec;
    private final OpenApiInteractionValidator paymentContract;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final M2mAssertions m2m;
    private final AtomicLong tokensIssued = new AtomicLong();
    private final Map<String, String> jobs = new ConcurrentHashMap<>();
    private final AtomicLong jobIds = new AtomicLong(1000);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxConcurrency = new AtomicInteger();
    private final AtomicLong concurrencyRejected = new AtomicLong();
    private volatile int concurrencyLimit;

    public NetSuiteSandbox(SandboxConfig sandboxConfig, NetSuiteSandboxConfig config) {
        this.config = config;
        this.dialect = new NetSuiteDialect(config, this::validToken, ROOT);
        this.pipeline = new SandboxPipeline(dialect, sandboxConfig);
        this.concurrencyLimit = config.concurrencyLimit();
        this.m2m = new M2mAssertions(config.clientId(), config.m2mCertificateId(), config.m2mCertificate(),
                config.timestampTolerance());
        this.recordSpec = validator(SPEC);
        this.paymentContract = validator(PAYMENT_CONTRACT);
        pipeline.stats().gauge("maxConcurrency", maxConcurrency::get);
        pipeline.stats().gauge("inFlight", inFlight::get);
        pipeline.stats().gauge("concurrencyLimit", () -> concurrencyLimit);
        pipeline.stats().gauge("concurrencyRejected", concurrencyRejected::get);
        pipeline.stats().gauge("tokensIssued", tokensIssued::get);
    }

    private static OpenApiInteractionValidator validator(String resource) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return OpenApiInteractionValidator
                    .createForInlineApiSpecification(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .withBasePathOverride(RECORD_PATH).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Validates a write against the OpenAPI operation {@code method specPath} (below /services/rest/record/v1): path,
     * Prefer header and JSON body. The first error, as a violation with the JSON path of the offending field.
     */
    Optional<SpecValidator.Violation> validate(String method, String specPath, SandboxRequest request, String body) {
        OpenApiInteractionValidator validator = specPath.startsWith("/customerPayment") || specPath.startsWith("/customerRefund") ? paymentContract : recordSpec;
        SimpleRequest.Builder builder = new SimpleRequest.Builder(Request.Method.valueOf(method), RECORD_PATH + specPath)
                .withBody(body == null ? "" : body)
                .withContentType(Optional.ofNullable(request.header("Content-Type")).orElse("application/json"));
        String prefer = request.header("Prefer");
        if (prefer != null) {
            builder.withHeader("Prefer", prefer);
        }
        ValidationReport report = validator.validateRequest(builder.build());
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR).findFirst()
                .map(m -> {
                    String pointer = m.getContext().flatMap(ValidationReport.MessageContext::getPointers)
                            .map(ValidationReport.MessageContext.Pointers::getInstance).orElse("");
                    String path = pointer.replaceFirst("^/", "").replace('/', '.');
                    String keyword = m.getKey().substring(m.getKey().lastIndexOf('.') + 1);
                    return new SpecValidator.Violation(path, "Invalid content: " + m.getMessage(), keyword);
                });
    }

    /**
     * Runs a request within the account's concurrency pool: beyond the limit it is refused at once with 429
     * CONCURRENCY_LIMIT_EXCEEDED (recorded in the journal); the highest concurrency seen is kept for _sandbox/stats.
     */
    SandboxResponse governed(SandboxRequest request, Supplier<SandboxResponse> run) {
        int now = inFlight.incrementAndGet();
        maxConcurrency.accumulateAndGet(now, Math::max);
        try {
            if (now > concurrencyLimit) {
                concurrencyRejected.incrementAndGet();
                pipeline.stats().received.incrementAndGet();
                pipeline.stats().rateLimited.incrementAndGet();
                SandboxResponse refused = dialect.error(429, ErrorKind.RATE_LIMIT, null, null, null);
                pipeline.journal().record(request, null, refused, false, "CONCURRENCY_LIMIT");
                return refused;
            }
            return run.get();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Changes the pool size and restarts the high-water mark from the requests in flight now. */
    void concurrency(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        concurrencyLimit = limit;
        maxConcurrency.set(inFlight.get());
    }

    Map<String, Integer> concurrency() {
        return Map.of("limit", concurrencyLimit, "inFlight", inFlight.get(), "maxConcurrency", maxConcurrency.get());
    }

    /** Client credentials grant: a new access token when the client id and secret match; empty otherwise. */
    Optional<String> issueToken(String clientId, String clientSecret) {
        if (!config.clientId().equals(clientId) || !config.clientSecret().equals(clientSecret)) {
            return Optional.empty();
        }
        return Optional.of(mintToken());
    }

    /** Machine-to-machine grant: the assertion checked as NetSuite does ({@link M2mAssertions}). */
    M2mAssertions.Outcome verifyAssertion(String assertion, String tokenUrl) {
        return m2m.verify(assertion, tokenUrl, System.currentTimeMillis() / 1000);
    }

    /** A new access token (after the client was authenticated). */
    String mintToken() {
        tokensIssued.incrementAndGet();
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = "nsat_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = System.currentTimeMillis();
        tokens.values().removeIf(expiry -> expiry < now);
        tokens.put(token, now + config.accessTokenLifetime().toMillis());
        return token;
    }

    private boolean validToken(String token) {
        Long expiry = tokens.get(token);
        return expiry != null && expiry > System.currentTimeMillis();
    }

    String registerJob(String recordLocation) {
        String id = String.valueOf(jobIds.incrementAndGet());
        jobs.put(id, recordLocation);
        return id;
    }

    String job(String id) {
        return jobs.get(id);
    }

    NetSuiteSandboxConfig config() {
        return config;
    }

    NetSuiteDialect dialect() {
        return dialect;
    }

    public SandboxPipeline pipeline() {
        return pipeline;
    }

    NetSuiteState state() {
        return state;
    }
}
