/**
 * The Boot floor: the least a Spring Boot WebFlux application does to relay
 * {@code POST /v1/chat/completions} to an upstream (a bearer-key check and byte
 * pass-through with WebClient), measured next to Toolgate by the benchmark runner so that
 * Toolgate's cost is read against what any Boot proxy pays.
 */
@NullMarked
package io.toolgate.bench.floor;

import org.jspecify.annotations.NullMarked;
