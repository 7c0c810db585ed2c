package io.quantizer.system;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.tomcat.util.http.fileupload.impl.SizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import io.quantizer.storage.UploadProperties;

/**
 * Every error the API returns is an RFC 9457 problem ({@code application/problem+json}) whose {@code detail}
 * tells the client what to fix. {@link ApiException}s are rendered as they are; Spring MVC's own exceptions keep
 * their status but get a more specific detail; anything unexpected becomes a 500 that names a log id and hides
 * the internals.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    private final long maxUploadBytes;
    private final ApiProperties api;

    ProblemDetailsAdvice(UploadProperties upload, ApiProperties api) {
        this.maxUploadBytes = upload.maxSize().toBytes();
        this.api = api;
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> handleMultipart(MultipartException ex, HttpServletRequest request, WebRequest web) {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase().startsWith(MediaType.MULTIPART_FORM_DATA_VALUE)) {
            return problem(ex, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "This endpoint takes "
                    + MediaType.MULTIPART_FORM_DATA_VALUE + "; the request's Content-Type was "
                    + (contentType == null ? "missing" : "'" + contentType + "'") + ".", web);
        }
        return problem(ex, HttpStatus.BAD_REQUEST, "The multipart body could not be read: "
                + rootMessage(ex) + ".", web);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> handleUnexpected(Exception ex, WebRequest web) {
        String id = UUID.randomUUID().toString();
        log.error("Unexpected error {} on {}", id, web.getDescription(false), ex);
        return problem(ex, HttpStatus.INTERNAL_SERVER_ERROR,
                "An unexpected error occurred; it was logged with id " + id + ".", web);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        // a file over the upload cap fails with the parser's SizeException; without one, Tomcat stopped reading
        // the text parts (form fields) at its maxPostSize, which is quantizer.api.max-json-size
        boolean fileTooLarge = false;
        for (Throwable cause = ex; cause != null && !fileTooLarge; cause = cause.getCause()) {
            fileTooLarge = cause instanceof SizeException;
        }
        ApiException tooLarge = !fileTooLarge ? api.tooLarge("The multipart text parts (form fields) together are")
                : new ApiException.PayloadTooLarge(maxUploadBytes);
        return handleExceptionInternal(ex, tooLarge.getBody(), headers, HttpStatus.CONTENT_TOO_LARGE, web);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(MissingServletRequestPartException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        return problem(ex, status, "The multipart part '" + ex.getRequestPartName()
                + "' is required but was not sent.", web);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        String supported = ex.getSupportedMediaTypes().stream().map(MediaType::toString)
                .collect(Collectors.joining(", "));
        String sent = ex.getContentType() == null ? "no Content-Type" : "Content-Type '" + ex.getContentType() + "'";
        return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, "The request has " + sent
                + "; this endpoint accepts " + (supported.isEmpty() ? "no request body" : supported) + "."),
                headers, status, web);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        return problem(ex, status, RequestBodyErrors.describe(ex), web);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest web) {
        String name = ex instanceof MethodArgumentTypeMismatchException argument ? argument.getName()
                : ex.getPropertyName();
        String expected = ex.getRequiredType() == null ? "another type" : ex.getRequiredType().getSimpleName();
        return problem(ex, status, "'" + ex.getValue() + "' is not a valid value for '" + name + "' (expected "
                + expected + ").", web);
    }

    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        return problem(ex, status, "There is no endpoint " + ex.getHttpMethod() + " /" + ex.getResourcePath()
                + "; see /v3/api-docs for the API.", web);
    }

    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(HttpRequestMethodNotSupportedException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        String supported = ex.getSupportedHttpMethods() == null ? "none"
                : ex.getSupportedHttpMethods().stream().map(Object::toString).sorted()
                        .collect(Collectors.joining(", "));
        return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, "Method " + ex.getMethod()
                + " is not supported here; supported: " + supported + "."), headers, status, web);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> Map.of("field", error.getField(), "message", String.valueOf(error.getDefaultMessage())))
                .toList();
        return fieldErrors(ex, status, errors, web);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest web) {
        List<Map<String, String>> errors = ex.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream().map(error -> Map.of(
                        "field", String.valueOf(result.getMethodParameter().getParameterName()),
                        "message", String.valueOf(error.getDefaultMessage()))))
                .toList();
        return fieldErrors(ex, status, errors, web);
    }

    private ResponseEntity<Object> fieldErrors(Exception ex, HttpStatusCode status, List<Map<String, String>> errors,
            WebRequest web) {
        String summary = errors.stream().map(e -> e.get("field") + ": " + e.get("message"))
                .collect(Collectors.joining("; "));
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, "The request has " + errors.size()
                + " invalid field" + (errors.size() == 1 ? "" : "s") + ": " + summary + ".");
        body.setProperty("errors", errors);
        return handleExceptionInternal(ex, body, new HttpHeaders(), status, web);
    }

    private ResponseEntity<Object> problem(Exception ex, HttpStatusCode status, String detail, WebRequest web) {
        return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, detail), new HttpHeaders(),
                status, web);
    }

    private static String rootMessage(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
