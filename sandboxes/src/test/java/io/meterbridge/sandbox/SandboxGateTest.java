package io.meterbridge.sandbox;

import java.lang.reflect.Proxy;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** hub.sandbox.enabled=false (prod): every sandbox path answers 404, other paths are untouched. */
class SandboxGateTest {

    private static <T> T stub(Class<T> type, String method, Object value) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getName().equals(method)) {
                return value;
            }
            throw new UnsupportedOperationException(m.getName());
        }));
    }

    private static Response gate(boolean enabled, String path) {
        return new SandboxGate(stub(SandboxConfig.class, "enabled", enabled)).gate(stub(UriInfo.class, "getPath", path));
    }

    @Test
    void disabledSandboxesAreNotFound() {
        assertThat(gate(false, "/sandbox/stripe/v1/invoices").getStatus()).isEqualTo(404);
        assertThat(gate(false, "/sandbox/chargebee/_sandbox/faults").getStatus()).isEqualTo(404);
        assertThat(gate(false, "/api/v1/usage")).isNull();
        assertThat(gate(false, "/sandboxes")).isNull();
    }

    @Test
    void enabledSandboxesPassThrough() {
        assertThat(gate(true, "/sandbox/stripe/v1/invoices")).isNull();
    }
}
