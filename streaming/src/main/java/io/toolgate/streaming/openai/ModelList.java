package io.toolgate.streaming.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code GET /v1/models} response.
 *
 * @param object always {@code list}
 * @param data the models
 */
public record ModelList(String object, List<Model> data) {

	/** Returns a list of models. */
	public static ModelList of(List<Model> models) {
		return new ModelList("list", List.copyOf(models));
	}

	/**
	 * One model.
	 *
	 * @param id the model name
	 * @param object always {@code model}
	 * @param created creation time in epoch seconds
	 * @param ownedBy the owner
	 */
	public record Model(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {

		/** Returns a model entry. */
		public static Model of(String id, long created, String ownedBy) {
			return new Model(id, "model", created, ownedBy);
		}

	}

}
