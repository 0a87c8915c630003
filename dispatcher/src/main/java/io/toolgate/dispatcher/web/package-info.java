/**
 * The HTTP API: routes, handlers, request and response records, and the JSON error
 * writer.
 */
@NullMarked
package io.toolgate.dispatcher.web;

import org.jspecify.annotations.NullMarked;
