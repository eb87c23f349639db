package io.meterbridge.sandbox;

import java.util.function.Function;

/**
 * One vendor operation: a name (for rate limits and the journal), an optional request schema, whether it may be
 * replayed through an idempotency key (POSTs), and its effect. The effect runs at most once per accepted request and may
 * throw {@link SandboxException} before changing anything.
 */
public record Operation(String name, SpecValidator validator, boolean idempotent, Function<SandboxRequest, SandboxResponse> effect) {
}
