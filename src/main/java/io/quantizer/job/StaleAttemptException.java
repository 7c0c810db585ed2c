package io.quantizer.job;

/**
 * An attempt tried to change a job it no longer owns: a later attempt claimed it (the queue delivered it again)
 * or the job was cancelled or finished meanwhile. The attempt must stop and delete what it wrote.
 */
public class StaleAttemptException extends RuntimeException {

    public StaleAttemptException(String message) {
        super(message);
    }
}
