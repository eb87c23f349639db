package io.meterbridge.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Slows down password guessing on the people's APIs: after too many failed logins (answers 401) for one user name, or
 * from one client address, further requests with credentials get 429 with {@code Retry-After} until a lock expires;
 * each failure while locked doubles the lock, up to a maximum. A success clears the user's count. Counts live in
 * memory (per pod): a restart forgets them. docs/configuration.md#failed-logins.
 */
@ApplicationScoped
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);
    /** Bound on remembered users and addresses: a flood of made-up names must not exhaust memory. */
    static final int MAX_ENTRIES = 20_000;

    @ConfigMapping(prefix = "hub.security.login")
    public interface Settings {
        /** Failed logins of one user name within {@link #window()} before it is locked. */
        @WithDefault("5")
        int maxFailuresPerUser();

        /** Failed logins from one client address within {@link #window()} before it is locked. */
        @WithDefault("20")
        int maxFailuresPerAddress();

        @WithDefault("PT15M")
        Duration window();

        /** First lock; it doubles with each failure past the limit. */
        @WithDefault("PT30S")
        Duration lock();

        @WithDefault("PT15M")
        Duration maxLock();
    }

    private final Settings settings;
    private final LongSupplier clock;
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    @Inject
    public LoginThrottle(Settings settings) {
        this(settings, System::currentTimeMillis);
    }

    LoginThrottle(Settings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Runs before every route, ahead of (lazy) authentication. */
    void install(@Observes Router router) {
        router.route().order(-1000).handler(this::filter);
    }

    void filter(RoutingContext context) {
        String path = context.request().path();
        String authorization = context.request().getHeader("Authorization");
        // The people's APIs only: the ingest API and the webhooks authenticate producers and platforms themselves.
        if (authorization == null || path == null || !path.startsWith("/api/") || path.startsWith("/api/v1/events")
                || path.startsWith("/api/v1/webhooks/")) {
            context.next();
            return;
        }
        String user = basicUser(authorization);
        String address = context.request().remoteAddress() == null ? "unknown" : context.request().remoteAddress().hostAddress();
        long now = clock.getAsLong();
        long waitMs = Math.max(lockedFor(byAddress.get(address), now), user == null ? 0 : lockedFor(byUser.get(user), now));
        if (waitMs > 0) {
            failed(user, address, now); // a guess while locked extends the lock
            long seconds = Math.max(1, (waitMs + 999) / 1000);
            context.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(seconds))
                    .putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"too many failed logins; retry after " + seconds + " s\"}");
            return;
        }
        context.addHeadersEndHandler(ignored -> {
            int status = context.response().getStatusCode();
            if (status == 401) {
                failed(user, address, clock.getAsLong());
            } else if (status < 400 && user != null) {
                byUser.remove(user);
            }
        });
        context.next();
    }

    private void failed(String user, String address, long now) {
        if (user != null) {
            record(byUser, user, settings.maxFailuresPerUser(), now, "user " + user);
        }
        record(byAddress, address, settings.maxFailuresPerAddress(), now, "address " + address);
    }

    private void record(Map<String, Failures> map, String key, int limit, long now, String what) {
        if (map.size() >= MAX_ENTRIES) {
            map.values().removeIf(f -> f.expired(now, settings.window().toMillis()));
            if (map.size() >= MAX_ENTRIES) {
                map.clear(); // under a flood of distinct keys, forgetting beats running out of memory
            }
        }
        Failures failures = map.computeIfAbsent(key, k -> new Failures());
        synchronized (failures) {
            if (now - failures.firstAt > settings.window().toMillis() && failures.lockedUntil <= now) {
                failures.count = 0;
                failures.firstAt = now;
            }
            failures.count++;
            if (failures.count >= limit) {
                int past = Math.min(failures.count - limit, 20);
                long lock = Math.min(settings.lock().toMillis() << past, settings.maxLock().toMillis());
                failures.lockedUntil = now + lock;
                if (failures.count == limit) {
                    LOG.warnf("Login locked for %d s after %d failures: %s", lock / 1000, failures.count, what);
                }
            }
        }
    }

    private static long lockedFor(Failures failures, long now) {
        if (failures == null) {
            return 0;
        }
        synchronized (failures) {
            return Math.max(0, failures.lockedUntil - now);
        }
    }

    /** The user name of a Basic header, lower-cased; null for other schemes or unreadable headers. */
    static String basicUser(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return (colon < 0 ? decoded : decoded.substring(0, colon)).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static final class Failures {
        int count;
        long firstAt;
        long lockedUntil;

        boolean expired(long now, long window) {
            return lockedUntil <= now && now - firstAt > window;
        }
    }
}
