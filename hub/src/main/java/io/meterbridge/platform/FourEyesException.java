package io.meterbridge.platform;

/** A decision that four-eyes refuses: the requester deciding their own request, or a person without the role. */
public class FourEyesException extends RuntimeException {

    public FourEyesException(String message) {
        super(message);
    }
}
