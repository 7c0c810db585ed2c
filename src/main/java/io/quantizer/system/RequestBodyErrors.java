package io.quantizer.system;

import org.springframework.http.converter.HttpMessageNotReadableException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DatabindException;

/** Turns an unreadable request body into a sentence a client can act on (where in the JSON, and what). */
final class RequestBodyErrors {

    private RequestBodyErrors() {
    }

    static String describe(HttpMessageNotReadableException ex) {
        JacksonException jackson = findJackson(ex);
        if (jackson == null) {
            String message = ex.getMessage();
            if (message != null && message.startsWith("Required request body is missing")) {
                return "The request body is missing.";
            }
            return "The request body could not be read.";
        }
        StringBuilder detail = new StringBuilder("The request body is not valid JSON for this endpoint");
        if (jackson instanceof DatabindException databind && !databind.getPath().isEmpty()) {
            detail.append(" at '").append(path(databind)).append('\'');
        }
        detail.append(": ").append(firstLine(jackson.getOriginalMessage()));
        TokenStreamLocation location = jackson.getLocation();
        if (location != null && location.getLineNr() > 0) {
            detail.append(" (line ").append(location.getLineNr()).append(", column ")
                    .append(location.getColumnNr()).append(')');
        }
        return detail.append('.').toString();
    }

    private static JacksonException findJackson(Throwable ex) {
        for (Throwable t = ex; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof JacksonException jackson) {
                return jackson;
            }
        }
        return null;
    }

    private static String path(DatabindException ex) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : ex.getPath()) {
            if (reference.getPropertyName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable content";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
