package io.toolgate.dispatcher.web;

import java.util.List;

/**
 * What the API handlers accept and answer with, built from the configuration.
 *
 * @param maxContentLength the longest message content accepted, in characters
 * @param maxChoices the largest {@code n} a chat completion may ask for
 * @param defaultModel the model of a request that names none
 * @param models the models {@code GET /v1/models} lists
 */
public record ApiSettings(int maxContentLength, int maxChoices, String defaultModel, List<String> models) {
}
