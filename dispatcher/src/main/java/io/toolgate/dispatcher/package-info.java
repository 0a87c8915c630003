/** The Toolgate Spring Boot application. */
@NullMarked
package io.toolgate.dispatcher;

import org.jspecify.annotations.NullMarked;
