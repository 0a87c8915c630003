/** Configuration properties records and the Spring configuration of each concern. */
@NullMarked
package io.toolgate.dispatcher.config;

import org.jspecify.annotations.NullMarked;
