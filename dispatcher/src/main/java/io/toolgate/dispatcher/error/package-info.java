/**
 * The request-failure channel: {@link io.toolgate.dispatcher.error.ToolgateException} and its
 * {@link io.toolgate.dispatcher.error.ErrorType}, which the web edge writes as {@code {"error":{...}}}.
 */
@NullMarked
package io.toolgate.dispatcher.error;

import org.jspecify.annotations.NullMarked;
