package io.meterbridge.sandbox.bc;

import io.meterbridge.sandbox.ErrorKind;
import io.meterbridge.sandbox.SandboxException;

/** Business Central's error codes as the sandbox raises them ({"error":{"code","message"}}). */
final class BcErrors {

    static final String READ_ONLY = "BadRequest_ReadOnlyProperty";
    static final String INVALID_BODY = "BadRequest_InvalidRequestBody";
    static final String INVALID_URL = "BadRequest_InvalidRequestUrl";
    static final String URL_NOT_FOUND = "BadRequest_NotFound";
    static final String METHOD_NOT_ALLOWED = "BadRequest_MethodNotAllowed";
    static final String BATCH_TOO_LARGE = "BadRequest_BatchRequestTooLarge";
    static final String RECORD_NOT_FOUND = "Internal_RecordNotFound";
    static final String DUPLICATE = "Internal_EntityWithSameKeyExists";
    static final String FIELD_VALIDATION = "Application_FieldValidationException";
    static final String DIALOG = "Application_DialogException";
    static final String TOO_MANY_REQUESTS = "Application_TooManyRequests";
    static final String UNAUTHORIZED = "Authentication_InvalidCredentials";

    private BcErrors() {
    }

    static SandboxException badRequest(String code, String message) {
        return new SandboxException(400, ErrorKind.INVALID_REQUEST, code, message, null);
    }

    static SandboxException notFound(String code, String message) {
        return new SandboxException(404, ErrorKind.NOT_FOUND, code, message, null);
    }
}
