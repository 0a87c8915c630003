package io.toolgate.dispatcher.tool;

import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link ToolArgumentsValidator}: parsing, schema violations and their message. */
class ToolArgumentsValidatorTests {

	private final ToolArgumentsValidator validator = ToolArgumentsValidator.compile(TestTools.JSON.readTree("""
			{"type":"object",
			 "properties":{"city":{"type":"string","minLength":1},"days":{"type":"integer","minimum":1,"maximum":7}},
			 "required":["city"],"additionalProperties":false}"""), TestTools.JSON);

	@Test
	void acceptsMatchingArguments() {
		assertThat(this.validator.check("{\"city\":\"Paris\",\"days\":3}")).isInstanceOfSatisfying(
				ArgumentsCheck.Valid.class,
				valid -> assertThat(valid.arguments().path("city").asString()).isEqualTo("Paris"));
	}

	@Test
	void rejectsInvalidJson() {
		assertThat(this.validator.check("{\"city\": "))
			.isEqualTo(new ArgumentsCheck.Invalid("arguments are not valid JSON"));
	}

	@Test
	void rejectsNonObjects() {
		assertThat(this.validator.check("[\"Paris\"]"))
			.isEqualTo(new ArgumentsCheck.Invalid("arguments must be a JSON object"));
		assertThat(this.validator.check("\"Paris\""))
			.isEqualTo(new ArgumentsCheck.Invalid("arguments must be a JSON object"));
		assertThat(this.validator.check("")).isInstanceOf(ArgumentsCheck.Invalid.class);
	}

	@Test
	void listsEveryViolationWithItsPath() {
		assertThat(this.validator.check("{\"city\":\"\",\"days\":9,\"extra\":true}")).isInstanceOfSatisfying(
				ArgumentsCheck.Invalid.class,
				invalid -> assertThat(invalid.message()).contains("arguments/city: must be at least 1 characters long")
					.contains("arguments/days: must have a maximum value of 7")
					.contains("property 'extra' is not defined"));
	}

	@Test
	void reportsMissingRequiredProperty() {
		assertThat(this.validator.check("{}"))
			.isEqualTo(new ArgumentsCheck.Invalid("arguments: required property 'city' not found"));
	}

	@Test
	void capsTheNumberOfViolationsListed() {
		ToolArgumentsValidator wide = ToolArgumentsValidator.compile(TestTools.JSON.readTree("""
				{"type":"object","additionalProperties":{"type":"string"}}"""), TestTools.JSON);
		assertThat(wide.check("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7}"))
			.isInstanceOfSatisfying(ArgumentsCheck.Invalid.class, invalid -> {
				assertThat(invalid.message().split("; ")).hasSize(ToolArgumentsValidator.MAX_VIOLATIONS + 1);
				assertThat(invalid.message()).endsWith("and 2 more");
			});
	}

	@Test
	void refusesSchemasThatAreNotForAnObject() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> ToolArgumentsValidator.compile(TestTools.JSON.readTree("{\"type\":\"string\"}"), TestTools.JSON))
			.withMessage("input-schema must have \"type\": \"object\"");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ToolArgumentsValidator.compile(TestTools.JSON.readTree("true"), TestTools.JSON))
			.withMessage("input-schema must be an object");
	}

	@Test
	void refusesInvalidSchemas() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ToolArgumentsValidator.compile(
					TestTools.JSON.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"strin\"}}}"),
					TestTools.JSON))
			.withMessageStartingWith("input-schema is not a valid JSON Schema: schema/properties/a/type");
	}

}
