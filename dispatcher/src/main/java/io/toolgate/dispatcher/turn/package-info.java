/**
 * The turn loop: model, tools, model, until the model answers, a cap, a loop or the
 * deadline; with the turn's event log.
 */
@NullMarked
package io.toolgate.dispatcher.turn;

import org.jspecify.annotations.NullMarked;
