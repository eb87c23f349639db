package io.meterbridge.api;

import java.util.Map;

import io.meterbridge.platform.ApprovalConflictException;
import io.meterbridge.platform.FourEyesException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Four-eyes refusals (403: the requester deciding, or no approver role) and decisions on decided requests (409). */
public final class ApprovalRefusedMapper {

    private ApprovalRefusedMapper() {
    }

    @Provider
    public static class FourEyes implements ExceptionMapper<FourEyesException> {
        @Override
        public Response toResponse(FourEyesException e) {
            return Response.status(403).type(MediaType.APPLICATION_JSON).entity(Map.of("error", e.getMessage())).build();
        }
    }

    @Provider
    public static class Decided implements ExceptionMapper<ApprovalConflictException> {
        @Override
        public Response toResponse(ApprovalConflictException e) {
            return Response.status(409).type(MediaType.APPLICATION_JSON).entity(Map.of("error", e.getMessage())).build();
        }
    }
}
