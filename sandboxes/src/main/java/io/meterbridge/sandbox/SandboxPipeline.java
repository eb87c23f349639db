package io.meterbridge.sandbox;

import java.time.Duration;
import java.util.OptionalLong;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Runs one sandbox request through the stages every vendor sandbox shares, in the order a real API applies them:
 * <ol>
 * <li>fault switches: down (503), injected 429, injected 5xx or timeout <em>before</em> any effect;</li>
 * <li>credentials (401);</li>
 * <li>rate limits (429 with Retry-After);</li>
 * <li>request validation against the spec (400);</li>
 * <li>idempotency: replay, mismatch or in-flight; a new key is reserved;</li>
 * <li>the effect (the vendor's business logic);</li>
 * <li>injected 5xx or timeout <em>after</em> the effect (the object is stored, the answer is lost);</li>
 * <li>the journal records what was received and answered.</li>
 * </ol>
 * A fault after the effect still saves the effect's real response under the idempotency key, so the client's retry
 * with the same key gets the stored object back instead of creating a second one. Except for a dialect that
 * {@linkplain VendorDialect#savesServerErrors() saves server errors} (Stripe): there an injected 500 on a keyed POST
 * strikes at the effect stage, before or after the effect, and the 500 itself is saved under the key and replayed.
 */
public final class SandboxPipeline {

    private static final Logger LOG = Logger.getLogger(SandboxPipeline.class);
    /** Canonical JSON (sorted keys) of the parameters: the idempotency fingerprint must not depend on key order. */
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private final VendorDialect dialect;
    private final SandboxFaults faults = new SandboxFaults();
    private final RequestJournal journal;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final IdempotencyStore idempotency;
    private final SandboxStats stats = new SandboxStats();
    private final SandboxClock clock = new SandboxClock();
    private final Duration timeoutHold;

    public SandboxPipeline(VendorDialect dialect, SandboxConfig config) {
        this.dialect = dialect;
        this.journal = new RequestJournal(config.journalSize());
        this.idempotency = new IdempotencyStore(config.idempotencyRetention(), clock::millis);
        this.timeoutHold = config.timeoutHold();
    }

    public SandboxResponse handle(SandboxRequest request, Operation operation) {
        stats.received.incrementAndGet();
        String key = request.method().equals("POST") && dialect.idempotencyHeader() != null
                ? request.header(dialect.idempotencyHeader()) : null;
        SandboxFaults.Decision fault = faults.decide();
        sleep(fault.delayMs());
        // A 500 the vendor saves under the key strikes while the request executes: after the checks below, so that it
        // can be saved (and a key that already has an answer replays that answer instead).
        boolean savedError = key != null && operation.idempotent() && dialect.savesServerErrors()
                && fault.kind() == SandboxFaults.Decision.Kind.SERVER_ERROR && fault.status() == 500;
        if (fault.injected() && !fault.afterEffect() && !savedError) {
            return finish(request, key, injected(fault), false, fault.kind().name());
        }
        var unauthorized = dialect.authenticate(request);
        if (unauthorized.isPresent()) {
            stats.rejectedAuthentication.incrementAndGet();
            return finish(request, key, unauthorized.get(), false, null);
        }
        for (VendorDialect.Limit limit : dialect.limits(request, operation)) {
            OptionalLong retryAfter = rateLimiter.tryAcquire(limit.key(), limit.limit(), limit.window());
            if (retryAfter.isPresent()) {
                stats.rateLimited.incrementAndGet();
                return finish(request, key, rateLimited(retryAfter.getAsLong()), false, null);
            }
        }
        if (key != null && (key.isBlank() || key.length() > dialect.maxIdempotencyKeyLength())) {
            stats.rejectedValidation.incrementAndGet();
            return finish(request, key, dialect.error(400, ErrorKind.INVALID_REQUEST, "idempotency_key_invalid",
                    "Idempotency keys must be 1 to " + dialect.maxIdempotencyKeyLength() + " characters long.",
                    null), false, null);
        }
        if (operation.validator() != null || operation.check() != null) {
            var violation = operation.validator() != null ? operation.validator().validate(request.params())
                    : java.util.Optional.<SpecValidator.Violation>empty();
            if (violation.isEmpty() && operation.check() != null) {
                violation = operation.check().apply(request);
            }
            if (violation.isPresent()) {
                stats.rejectedValidation.incrementAndGet();
                return finish(request, key, dialect.error(400, ErrorKind.INVALID_REQUEST, code(violation.get()),
                        violation.get().message(), violation.get().param()), false, null);
            }
        }
        boolean reserved = false;
        if (key != null && operation.idempotent()) {
            IdempotencyStore.Outcome outcome = idempotency.begin(key, fingerprint(request));
            switch (outcome.state()) {
                case REPLAY -> {
                    stats.idempotentReplays.incrementAndGet();
                    return finish(request, key, outcome.saved().withHeader(dialect.replayedHeader(), "true"), true, null);
                }
                case MISMATCH -> {
                    stats.idempotencyErrors.incrementAndGet();
                    return finish(request, key, dialect.error(400, ErrorKind.IDEMPOTENCY, "idempotency_key_in_use",
                            "Keys for idempotent requests can only be used with the same parameters they were first "
                                    + "used with. Try using a key other than '" + key + "' if you meant to execute a "
                                    + "different request.", null), false, null);
                }
                case IN_FLIGHT -> {
                    stats.idempotencyErrors.incrementAndGet();
                    return finish(request, key, dialect.error(409, ErrorKind.IDEMPOTENCY, "idempotency_key_in_use",
                            "There is currently another in-progress request using this idempotency key. "
                                    + "Please try again later.", null), false, null);
                }
                case NEW -> reserved = true;
            }
        }
        if (savedError && !fault.afterEffect()) {
            SandboxResponse error = injected(fault);
            idempotency.complete(key, error);
            return finish(request, key, error, false, fault.kind().name() + "_SAVED");
        }
        SandboxResponse response;
        try {
            response = operation.effect().apply(request);
            stats.effects.incrementAndGet();
        } catch (SandboxException e) {
            response = dialect.error(e.status(), e.kind(), e.code(), e.getMessage(), e.param());
        } catch (RuntimeException e) {
            // a bug in a sandbox, not a simulated fault: answer like the vendor would, keep the key free for a retry
            LOG.errorf(e, "%s sandbox failed on %s %s", dialect.name(), request.method(), request.path());
            if (reserved) {
                idempotency.abandon(key);
            }
            return finish(request, key, dialect.error(500, ErrorKind.SERVER_ERROR, "api_error",
                    "An error occurred with our connection to the sandbox.", null), false, "bug");
        }
        if (savedError && response.status() < 300) {
            // the object exists, but the key holds the 500: a retry with the same key gets the 500 again
            SandboxResponse error = injected(fault);
            idempotency.complete(key, error);
            return finish(request, key, error, false, fault.kind().name() + "_AFTER_EFFECT_SAVED");
        }
        if (reserved) {
            idempotency.complete(key, response);
        }
        if (fault.injected()) {
            return finish(request, key, injected(fault), false, fault.kind().name() + "_AFTER_EFFECT");
        }
        return finish(request, key, response, false, null);
    }

    /** The answer of an injected fault; a timeout first holds the request longer than a client waits. */
    private SandboxResponse injected(SandboxFaults.Decision fault) {
        stats.faultsInjected.incrementAndGet();
        return switch (fault.kind()) {
            case DOWN -> dialect.error(503, ErrorKind.SERVER_ERROR, "service_unavailable",
                    "The service is temporarily unavailable (sandbox switch 'down').", null);
            case RATE_LIMIT -> {
                stats.rateLimited.incrementAndGet();
                yield rateLimited(fault.retryAfterSeconds());
            }
            case SERVER_ERROR -> dialect.error(fault.status(), ErrorKind.SERVER_ERROR, "api_error",
                    "An error occurred while processing the request (injected by the sandbox).", null);
            case TIMEOUT -> {
                Long configured = faults.settings().timeoutMs();
                sleep(configured != null ? configured : timeoutHold.toMillis());
                yield dialect.error(500, ErrorKind.SERVER_ERROR, "api_error",
                        "The request timed out (injected by the sandbox).", null);
            }
            case NONE -> throw new IllegalStateException("no fault");
        };
    }

    private SandboxResponse rateLimited(long retryAfterSeconds) {
        return dialect.error(429, ErrorKind.RATE_LIMIT, "rate_limit",
                "Too many requests hit the API too quickly. Retry after " + retryAfterSeconds + " s.", null)
                .withHeader("Retry-After", String.valueOf(retryAfterSeconds));
    }

    private SandboxResponse finish(SandboxRequest request, String key, SandboxResponse response, boolean replay,
            String fault) {
        SandboxResponse decorated = dialect.decorate(response);
        journal.record(request, key, decorated, replay, fault);
        return decorated;
    }

    /** Stripe-style codes; other dialects translate them. */
    private static String code(SpecValidator.Violation violation) {
        return switch (violation.keyword()) {
            case "required" -> "parameter_missing";
            case "additionalProperties" -> "parameter_unknown";
            default -> "parameter_invalid";
        };
    }

    private static String fingerprint(SandboxRequest request) {
        try {
            Object tree = CANONICAL.treeToValue(request.params(), Object.class);
            return request.method() + " " + request.path() + " " + CANONICAL.writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public SandboxFaults faults() {
        return faults;
    }

    /** This sandbox's clock: idempotency keys (and what else the vendor forgets) expire on it. */
    public SandboxClock clock() {
        return clock;
    }

    public RequestJournal journal() {
        return journal;
    }

    public SandboxStats stats() {
        return stats;
    }

    /** Forgets rate-limit windows (e.g. for a test that changed the limits). */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }
}
