/**
 * The request-failure channel: {@link io.toolgate.dispatcher.error.ToolgateException} and
 * its {@link io.toolgate.dispatcher.error.ErrorType}, and
 * {@link io.toolgate.dispatcher.error.PublicErrors}, the one mapping from any failure to
 * the public error that the web edge writes as {@code {"error":{...}}} and a stream sends
 * as its terminal {@code error} event.
 */
@NullMarked
package io.toolgate.dispatcher.error;

import org.jspecify.annotations.NullMarked;
