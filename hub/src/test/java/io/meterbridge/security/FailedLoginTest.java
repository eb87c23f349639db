package io.meterbridge.security;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import io.meterbridge.support.EmbeddedEngines;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Repeated failed logins are locked out, per user name and per client address. Each case calls from its own loopback
 * address (127.0.0.x), so the lock of one address does not reach the rest of the suite on 127.0.0.1.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedEngines.class)
class FailedLoginTest {

    private static final String USAGE = "/api/v1/usage?subject=acme&metric=api_requests&from=2026-11-01T00:00:00Z"
            + "&to=2026-12-01T00:00:00Z&window=DAY";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aUserIsLockedAfterRepeatedFailuresEvenWithTheRightPasswordThen() throws Exception {
        assertThat(status("127.0.0.3", "vera", "vera-secret")).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(status("127.0.0.3", "vera", "wrong-" + i)).isEqualTo(401);
        }
        String locked = call("127.0.0.4", "vera", "vera-secret");
        assertThat(locked).startsWith("HTTP/1.1 429").containsIgnoringCase("Retry-After:");
        // Another user from the same addresses is not affected.
        assertThat(status("127.0.0.4", "otto", "otto-secret")).isEqualTo(200);
    }

    @Test
    void anAddressIsLockedAfterRepeatedFailuresWhateverTheUserName() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(status("127.0.0.5", "guess-" + UUID.randomUUID(), "guess")).isEqualTo(401);
        }
        assertThat(status("127.0.0.5", "finance", "finance-secret")).isEqualTo(429);
        assertThat(status("127.0.0.6", "finance", "finance-secret")).isEqualTo(200);
    }

    private int status(String from, String user, String password) throws Exception {
        return Integer.parseInt(call(from, user, password).substring(9, 12));
    }

    /** One HTTP/1.1 request over a socket bound to {@code from}. */
    private String call(String from, String user, String password) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10000);
            String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + USAGE + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + credentials
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
