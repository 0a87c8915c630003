package io.toolgate.dispatcher.startup;

/**
 * Something a configuration lacks for production.
 *
 * @param message one line: what is missing, what would happen instead, and the property
 * and environment variable that fix it
 * @param warnInDemo whether demo mode logs it as a warning; demo mode fills in the others
 * on purpose (the simulated model, a generated key)
 */
public record DeploymentProblem(String message, boolean warnInDemo) {
}
