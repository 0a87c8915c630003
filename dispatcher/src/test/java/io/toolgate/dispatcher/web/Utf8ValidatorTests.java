package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Utf8ValidatorTests {

	private static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	@Test
	void acceptsWellFormedTextOfEveryLength() {
		assertThat(Utf8Validator.isValid("plain ascii".getBytes(StandardCharsets.UTF_8))).isTrue();
		assertThat(Utf8Validator.isValid("héllo – 日本 🎉 \uD7FF \uE000 \uFFFD".getBytes(StandardCharsets.UTF_8)))
			.isTrue();
		assertThat(Utf8Validator.isValid(bytes(0xF4, 0x8F, 0xBF, 0xBF))).as("U+10FFFF").isTrue();
		assertThat(Utf8Validator.isValid(new byte[0])).isTrue();
	}

	@Test
	void rejectsOverlongForms() {
		assertThat(Utf8Validator.isValid(bytes(0xC0, 0xAF))).as("overlong /").isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xC1, 0xBF))).isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xE0, 0x80, 0xAF))).isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xF0, 0x80, 0x80, 0xAF))).isFalse();
	}

	@Test
	void rejectsSurrogatesAndCodePointsBeyondUnicode() {
		assertThat(Utf8Validator.isValid(bytes(0xED, 0xA0, 0x80))).isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xF4, 0x90, 0x80, 0x80))).isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xF5, 0x80, 0x80, 0x80))).isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xFF))).isFalse();
	}

	@Test
	void rejectsStrayAndMissingContinuationBytes() {
		assertThat(Utf8Validator.isValid(bytes(0x80))).isFalse();
		assertThat(Utf8Validator.isValid(bytes(0x61, 0xE6, 0x97))).as("truncated at the end").isFalse();
		assertThat(Utf8Validator.isValid(bytes(0xE6, 0x41, 0x41))).as("interrupted").isFalse();
	}

	@Test
	void carriesASequenceAcrossPieces() {
		byte[] text = "日本".getBytes(StandardCharsets.UTF_8);
		Utf8Validator validator = new Utf8Validator();
		for (byte b : text) {
			assertThat(validator.accept(b)).isTrue();
			assertThat(validator.isComplete()).isEqualTo(b == text[2] || b == text[5]);
		}
		assertThat(validator.isComplete()).isTrue();
	}

}
