/**
 * The gateway as browser chat front-ends use it: the demo page and a cross-origin page in
 * Chromium, and a WHATWG {@code EventSource} client, driven by the Node scripts in
 * {@code src/test/browser}.
 */
@NullMarked
package io.toolgate.dispatcher.browser;

import org.jspecify.annotations.NullMarked;
