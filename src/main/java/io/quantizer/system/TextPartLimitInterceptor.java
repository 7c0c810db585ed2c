package io.quantizer.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses, with 413 before the handler runs, a multipart part bound to a {@code String} ({@code name},
 * {@code recipe}) that is over {@code quantizer.api.max-json-size}. Tomcat caps such parts sent as form fields
 * while parsing; this catches one sent with a file name, which is spooled to disk like a file and would
 * otherwise be read whole into memory.
 */
class TextPartLimitInterceptor implements HandlerInterceptor {

    private final ApiProperties api;

    TextPartLimitInterceptor(ApiProperties api) {
        this.api = api;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws Exception {
        String contentType = request.getContentType();
        if (!(handler instanceof HandlerMethod method) || contentType == null
                || !contentType.toLowerCase().startsWith("multipart/")) {
            return true;
        }
        for (var parameter : method.getMethodParameters()) {
            RequestPart annotation = parameter.getParameterAnnotation(RequestPart.class);
            if (annotation == null || parameter.getParameterType() != String.class) {
                continue;
            }
            String name = !annotation.name().isEmpty() ? annotation.name() : parameter.getParameterName();
            Part part = name == null ? null : request.getPart(name);
            if (part != null && part.getSize() > api.maxJsonBytes()) {
                throw api.tooLarge("The multipart part '" + name + "' (" + part.getSize() + " bytes) is");
            }
        }
        return true;
    }
}
