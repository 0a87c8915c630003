package io.toolgate.dispatcher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Toolgate gateway. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ToolgateApplication {

	/**
	 * Starts the gateway.
	 * @param args Spring Boot arguments, e.g. {@code --server.port=8080}
	 */
	public static void main(String[] args) {
		SpringApplication.run(ToolgateApplication.class, args);
	}

}
