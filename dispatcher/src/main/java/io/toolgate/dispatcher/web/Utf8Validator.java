package io.toolgate.dispatcher.web;

/**
 * Checks that bytes, fed in any number of pieces, are well-formed UTF-8 (Unicode Table
 * 3-7): overlong forms ({@code C0 AF} for {@code /}), surrogates, code points above
 * U+10FFFF, stray continuation bytes and truncated sequences are all invalid. Not
 * thread-safe: one instance per byte stream.
 */
final class Utf8Validator {

	private int needed;

	private int lower = 0x80;

	private int upper = 0xBF;

	private boolean invalid;

	/**
	 * Feeds one byte.
	 * @return {@code false} once the bytes so far cannot be the start of well-formed
	 * UTF-8
	 */
	boolean accept(byte value) {
		if (this.invalid) {
			return false;
		}
		int b = value & 0xFF;
		if (this.needed > 0) {
			if (b < this.lower || b > this.upper) {
				this.invalid = true;
				return false;
			}
			this.needed--;
			this.lower = 0x80;
			this.upper = 0xBF;
			return true;
		}
		if (b < 0x80) {
			return true;
		}
		this.invalid = !lead(b);
		return !this.invalid;
	}

	/**
	 * Sets up the continuation bytes a lead byte needs; {@code false} for a byte that
	 * cannot lead.
	 */
	private boolean lead(int b) {
		if (b >= 0xC2 && b <= 0xDF) {
			return expect(1, 0x80, 0xBF);
		}
		if (b == 0xE0) {
			return expect(2, 0xA0, 0xBF);
		}
		if (b == 0xED) {
			return expect(2, 0x80, 0x9F);
		}
		if (b >= 0xE1 && b <= 0xEF) {
			return expect(2, 0x80, 0xBF);
		}
		if (b == 0xF0) {
			return expect(3, 0x90, 0xBF);
		}
		if (b >= 0xF1 && b <= 0xF3) {
			return expect(3, 0x80, 0xBF);
		}
		if (b == 0xF4) {
			return expect(3, 0x80, 0x8F);
		}
		return false;
	}

	private boolean expect(int count, int firstLower, int firstUpper) {
		this.needed = count;
		this.lower = firstLower;
		this.upper = firstUpper;
		return true;
	}

	/** Whether every byte fed so far is valid and no sequence is left unfinished. */
	boolean isComplete() {
		return !this.invalid && this.needed == 0;
	}

	/** Whether a whole byte array is well-formed UTF-8. */
	static boolean isValid(byte[] bytes) {
		Utf8Validator validator = new Utf8Validator();
		for (byte b : bytes) {
			if (!validator.accept(b)) {
				return false;
			}
		}
		return validator.isComplete();
	}

}
