/**
 * Tests of the start-up checks of the deployment mode, with real processes where start-up
 * output matters.
 */
@NullMarked
package io.toolgate.dispatcher.startup;

import org.jspecify.annotations.NullMarked;
