package io.quantizer.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.servlet.MultipartConfigElement;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.quantizer.storage.UploadProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * One upload cap ({@code quantizer.upload.max-size}) for every layer: the Content-Length check, the servlet
 * container's multipart parser (which spools parts to {@code quantizer.upload.temp-dir}) and the
 * {@code UploadStager} itself. This bean replaces Spring Boot's {@code spring.servlet.multipart.*} settings.
 */
@Configuration(proxyBeanMethods = false)
class UploadLimitConfiguration {

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
}
