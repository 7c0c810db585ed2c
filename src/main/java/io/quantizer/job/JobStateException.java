package io.quantizer.job;

/** A transition the job's current state does not allow; the message names that state. Answered as 409. */
public class JobStateException extends RuntimeException {

    public JobStateException(String message) {
        super(message);
    }
}
