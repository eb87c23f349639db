package io.meterbridge.api;

import java.util.Map;

import io.meterbridge.billing.MeteringBehindException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A close that must wait for metering: 409 with the reason, and when to ask again. Nothing was written. */
@Provider
public class MeteringBehindMapper implements ExceptionMapper<MeteringBehindException> {

    @Override
    public Response toResponse(MeteringBehindException e) {
        return Response.status(409).type(MediaType.APPLICATION_JSON).header("Retry-After", e.retryAfter().toSeconds())
                .entity(Map.of("error", e.getMessage())).build();
    }
}
