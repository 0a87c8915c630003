package io.toolgate.bench.floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The floor proxy. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class FloorProxyApplication {

	/**
	 * Starts the proxy.
	 * @param args Spring Boot arguments, e.g.
	 * {@code --server.port=8090 --floor.upstream=http://127.0.0.1:8081/v1}
	 */
	public static void main(String[] args) {
		SpringApplication.run(FloorProxyApplication.class, args);
	}

}
