package io.toolgate.dispatcher.admission;

import java.util.List;

import org.springframework.http.HttpMethod;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Refuses a turn-starting request ({@code POST /v1/chat/completions}, {@code POST
 * /v1/conversations/{id}/turns}) with 503 and {@code Retry-After} while the replica is
 * saturated or draining, before the tenant's rate limit is checked: a replica that cannot
 * run the turn neither pays a round trip to the rate-limit backend nor spends the
 * tenant's requests. It only looks; the slot itself is taken when the turn is prepared.
 * Other requests pass.
 */
public class AdmissionCheckFilter implements WebFilter {

	private static final List<PathPattern> TURN_STARTS = List.of(
			PathPatternParser.defaultInstance.parse("/v1/chat/completions"),
			PathPatternParser.defaultInstance.parse("/v1/conversations/{id}/turns"));

	private final AdmissionController admission;

	/**
	 * Creates the filter.
	 * @param admission the replica's bound on running turns
	 */
	public AdmissionCheckFilter(AdmissionController admission) {
		this.admission = admission;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!startsTurn(exchange)) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> {
			this.admission.checkAdmissible();
			return chain.filter(exchange);
		});
	}

	private static boolean startsTurn(ServerWebExchange exchange) {
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return false;
		}
		var path = exchange.getRequest().getPath().pathWithinApplication();
		for (PathPattern pattern : TURN_STARTS) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

}
