package io.quantizer.callback;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The callback feature's pieces that are not components themselves. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CallbackProperties.class)
class CallbackConfiguration {

    @Bean
    HostResolver callbackHostResolver() {
        return HostResolver.system();
    }

    @Bean
    CallbackTargets callbackTargets(CallbackProperties properties, HostResolver resolver) {
        return new CallbackTargets(properties.allow(), resolver);
    }

    @Bean
    CallbackPoster callbackPoster(CallbackTargets targets, CallbackProperties properties) {
        return new CallbackPoster(targets, new CallbackSender(properties.timeout()));
    }
}
