/**
 * The benchmark runner ({@code bench/run.sh}): a load generator on Reactor Netty that
 * measures total latency and time to first token per request with HdrHistogram, the six
 * measurements (overhead against a direct baseline, open streams, tool fan-out,
 * concurrent agents, Redis round trips and the rate-limit check's cost, and the
 * closed-loop comparison with the Boot floor proxy) and the Markdown report.
 */
@NullMarked
package io.toolgate.loadtest.bench;

import org.jspecify.annotations.NullMarked;
