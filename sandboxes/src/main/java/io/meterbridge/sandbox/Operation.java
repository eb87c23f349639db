package io.meterbridge.sandbox;

import java.util.Optional;
import java.util.function.Function;

/**
 * One vendor operation: a name (for rate limits and the journal), an optional request schema, whether it may be
 * replayed through an idempotency key (POSTs), and its effect. The effect runs at most once per accepted request and may
 * throw {@link SandboxException} before changing anything. {@code check} is an optional validation of the whole request
 * (path, headers, JSON body: e.g. against an OpenAPI operation) run right after {@code validator}, at the validation
 * stage, before any idempotency key is reserved.
 */
public record Operation(String name, SpecValidator validator, boolean idempotent,
        Function<SandboxRequest, SandboxResponse> effect,
        Function<SandboxRequest, Optional<SpecValidator.Violation>> check) {

    public Operation(String name, SpecValidator validator, boolean idempotent,
            Function<SandboxRequest, SandboxResponse> effect) {
        this(name, validator, idempotent, effect, null);
    }
}
