package io.quantizer.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.servlet.MultipartConfigElement;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.quantizer.storage.UploadAdmission;
import io.quantizer.storage.UploadProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * One upload cap ({@code quantizer.upload.max-size}) for every layer: the Content-Length check, the servlet
 * container's multipart parser (which spools parts to {@code quantizer.upload.temp-dir}) and the
 * {@code UploadStager} itself. This bean replaces Spring Boot's {@code spring.servlet.multipart.*} settings.
 * Everything read into memory instead (JSON bodies, multipart text parts) is capped by
 * {@code quantizer.api.max-json-size}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
class UploadLimitConfiguration implements WebMvcConfigurer {

    private final ApiProperties api;

    UploadLimitConfiguration(ApiProperties api) {
        this.api = api;
    }

    @Bean
    MultipartConfigElement multipartConfigElement(UploadProperties upload) throws IOException {
        Path spool = Files.createDirectories(upload.tempDir().toAbsolutePath().normalize());
        // threshold 0: every part is spooled to disk at once, so uploads never sit in memory
        return new MultipartConfigElement(spool.toString(), upload.maxSize().toBytes(), upload.maxRequestBytes(), 0);
    }

    @Bean
    FilterRegistrationBean<ContentLengthLimitFilter> contentLengthLimitFilter(UploadProperties upload,
            JsonMapper json) {
        FilterRegistrationBean<ContentLengthLimitFilter> registration = new FilterRegistrationBean<>(
                new ContentLengthLimitFilter(upload.maxRequestBytes(), upload.maxSize().toBytes(), json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** After the size check (a too-large upload is a 413, not a 503), before anything spools the body. */
    @Bean
    FilterRegistrationBean<UploadAdmissionFilter> uploadAdmissionFilter(UploadProperties upload, JsonMapper json) {
        FilterRegistrationBean<UploadAdmissionFilter> registration = new FilterRegistrationBean<>(
                new UploadAdmissionFilter(UploadAdmission.forDirectory(upload), upload.maxRequestBytes(),
                        upload.retryAfter(), json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 12);
        return registration;
    }

    @Bean
    FilterRegistrationBean<JsonBodyLimitFilter> jsonBodyLimitFilter(JsonMapper json) {
        FilterRegistrationBean<JsonBodyLimitFilter> registration = new FilterRegistrationBean<>(
                new JsonBodyLimitFilter(api, json));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
        return registration;
    }

    /** Tomcat reads multipart text parts (form fields) into memory while parsing; it stops at the same cap. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> textPartLimit() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setMaxPostSize(api.maxJsonBytes()));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new TextPartLimitInterceptor(api));
    }
}
