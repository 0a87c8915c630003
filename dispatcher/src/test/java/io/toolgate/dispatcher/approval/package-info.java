/**
 * Approval gates end to end on the embedded default: held calls, decisions, expiry and
 * the chat completion hold, against a real gateway, scripted model and tool worker.
 */
@NullMarked
package io.toolgate.dispatcher.approval;

import org.jspecify.annotations.NullMarked;
