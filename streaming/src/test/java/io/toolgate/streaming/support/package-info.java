/** Test fixtures of the streaming module. */
@NullMarked
package io.toolgate.streaming.support;

import org.jspecify.annotations.NullMarked;
