package io.meterbridge.api;

import io.meterbridge.platform.AuditTrail;
import io.quarkus.security.identity.SecurityIdentity;

/** The audit trail's actor of a request: the authenticated person's name and the roles they hold. */
final class Actors {

    private Actors() {
    }

    static AuditTrail.Actor of(SecurityIdentity identity) {
        return new AuditTrail.Actor(identity.getPrincipal().getName(), identity.getRoles());
    }
}
