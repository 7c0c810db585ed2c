package io.quantizer.system;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * An error a client caused, rendered as RFC 9457 problem details by Spring MVC.
 * Subclasses fix the status; {@code detail} must tell the user what to fix.
 */
public abstract class ApiException extends ErrorResponseException {

    private static final String TYPE_BASE = "https://quantizer.io/problems/";

    protected ApiException(HttpStatus status, String typeSlug, String title, String detail) {
        super(status, problem(status, typeSlug, title, detail), null);
    }

    private static ProblemDetail problem(HttpStatus status, String typeSlug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + typeSlug));
        problem.setTitle(title);
        return problem;
    }

    @Override
    public String getMessage() {
        return getBody().getDetail();
    }

    /** Adds field-level errors ({@code [{field, message}]}) for requests with several problems. */
    public ApiException withErrors(List<Map<String, String>> errors) {
        getBody().setProperty("errors", errors);
        return this;
    }

    /** 404: the resource does not exist. */
    public static final class NotFound extends ApiException {
        public NotFound(String resource, Object id) {
            super(HttpStatus.NOT_FOUND, "not-found", resource + " not found",
                    "No " + resource.toLowerCase() + " with id " + id + " exists.");
        }

        /** A 404 whose detail says why the resource does not exist. */
        public NotFound(String resource, String detail) {
            super(HttpStatus.NOT_FOUND, "not-found", resource + " not found", detail);
        }
    }

    /** 409: the request conflicts with the resource's current state. */
    public static final class Conflict extends ApiException {
        public Conflict(String detail) {
            super(HttpStatus.CONFLICT, "conflict", "Conflict with current state", detail);
        }
    }

    /** 400: the request itself is malformed (missing part, unreadable file, wrong format). */
    public static final class BadRequest extends ApiException {
        public BadRequest(String typeSlug, String title, String detail) {
            super(HttpStatus.BAD_REQUEST, typeSlug, title, detail);
        }
    }

    /** 422: well-formed, but semantically unusable (a model and a data set that do not fit, say). */
    public static final class Unprocessable extends ApiException {
        public Unprocessable(String typeSlug, String title, String detail) {
            super(HttpStatus.UNPROCESSABLE_ENTITY, typeSlug, title, detail);
        }
    }

    /** 429: over a quota or a rate limit; Retry-After says when trying again may succeed. */
    public static final class TooManyRequests extends ApiException {
        public TooManyRequests(String typeSlug, String title, String detail, long retryAfterSeconds) {
            super(HttpStatus.TOO_MANY_REQUESTS, typeSlug, title, detail);
            getHeaders().set(org.springframework.http.HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
    }

    /** 413: the upload is larger than the configured cap. */
    public static final class PayloadTooLarge extends ApiException {
        public PayloadTooLarge(long limitBytes) {
            super(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Upload too large",
                    "The upload exceeds the limit of " + limitBytes + " bytes (quantizer.upload.max-size).");
        }

        /** A body other than an uploaded file over its own cap; {@code detail} names the cap. */
        public PayloadTooLarge(String detail) {
            super(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "Request body too large", detail);
        }
    }
}
