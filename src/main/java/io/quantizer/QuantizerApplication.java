package io.quantizer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class QuantizerApplication {

    public static void main(String[] args) {
        SpringApplication.run(QuantizerApplication.class, args);
    }
}
