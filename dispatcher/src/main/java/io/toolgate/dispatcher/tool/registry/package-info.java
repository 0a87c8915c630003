/**
 * The tool registry file: read through Spring's {@code ResourceLoader}
 * ({@code classpath:}, {@code file:} or a plain path), bound by Jackson to records that
 * reject unknown properties, and checked rule by rule into
 * {@link io.toolgate.dispatcher.tool.ToolSpec}s once at start-up. An invalid registry
 * stops start-up with
 * {@link io.toolgate.dispatcher.tool.registry.InvalidToolRegistryException}, each problem
 * naming its tool.
 */
@NullMarked
package io.toolgate.dispatcher.tool.registry;

import org.jspecify.annotations.NullMarked;
