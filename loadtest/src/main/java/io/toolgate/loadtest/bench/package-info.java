/**
 * The benchmark runner ({@code bench/run.sh}): a load generator on Reactor Netty that measures total latency and
 * time to first token per request with HdrHistogram, the five measurements (overhead against a direct baseline,
 * open streams, tool fan-out, concurrent agents, Redis round trips and the rate-limit check's cost) and the Markdown
 * report.
 */
@NullMarked
package io.toolgate.loadtest.bench;

import org.jspecify.annotations.NullMarked;
