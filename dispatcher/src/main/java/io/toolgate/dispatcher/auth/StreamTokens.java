package io.toolgate.dispatcher.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived credentials a browser can put in a URL: a stream token lets its holder read
 * the events of one turn ({@code GET …/turns/{turnId}/events?token=…}) of one tenant and
 * conversation, and nothing else, until it expires. A token is
 * {@code tgst1.<key id>.<expiry, epoch seconds>.<tenant, base64url>.<HMAC-SHA256, base64url>},
 * the MAC covering the key id, expiry, tenant, conversation and turn. The first key
 * signs; every key verifies, so a key is rotated by putting the new one first and
 * removing the old one a token lifetime later. Tokens are secrets: never log them.
 * Thread-safe; nothing here blocks.
 */
public final class StreamTokens {

	private static final String VERSION = "tgst1";

	private static final String ALGORITHM = "HmacSHA256";

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

	/** The fewest secret bytes a key may have: the MAC's own length. */
	public static final int MIN_SECRET_BYTES = 32;

	private final Map<String, Mac> macs = new LinkedHashMap<>();

	private final String signingKeyId;

	private final Duration ttl;

	private final Clock clock;

	/**
	 * Creates the tokens.
	 * @param keys the keys, the signing one first; at least one
	 * @param ttl how long a token is valid
	 * @param clock the clock expiry is measured against
	 * @throws IllegalArgumentException if there is no key, a key id is not 1–32 of
	 * {@code A-Z a-z 0-9 _ -}, ids repeat, a secret is shorter than
	 * {@value #MIN_SECRET_BYTES} bytes, or the ttl is not positive
	 */
	public StreamTokens(List<SigningKey> keys, Duration ttl, Clock clock) {
		if (keys.isEmpty()) {
			throw new IllegalArgumentException("At least one stream-token key is required");
		}
		if (ttl.isNegative() || ttl.isZero()) {
			throw new IllegalArgumentException("Stream-token lifetime must be positive");
		}
		for (SigningKey key : keys) {
			if (this.macs.put(key.id(), mac(key)) != null) {
				throw new IllegalArgumentException("Stream-token key ids must be unique");
			}
		}
		this.signingKeyId = keys.get(0).id();
		this.ttl = ttl;
		this.clock = clock;
	}

	/**
	 * Issues a token for reading one turn's events.
	 * @param tenant the tenant the turn belongs to
	 * @param conversationId the conversation
	 * @param turnId the turn
	 * @return the token, URL-safe
	 */
	public String issue(String tenant, String conversationId, String turnId) {
		long expires = this.clock.instant().plus(this.ttl).getEpochSecond();
		String head = VERSION + "." + this.signingKeyId + "." + expires + "." + encode(tenant);
		byte[] mac = sign(this.signingKeyId, expires, tenant, conversationId, turnId);
		return head + "." + ENCODER.encodeToString(mac);
	}

	/**
	 * Checks a token against the turn it is used for.
	 * @param token the token as received
	 * @param conversationId the conversation of the request
	 * @param turnId the turn of the request
	 * @return the tenant the token acts for, or empty if it is malformed, signed by an
	 * unknown key, expired, or issued for another turn
	 */
	public Optional<Tenant> verify(String token, String conversationId, String turnId) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 5 || !VERSION.equals(parts[0]) || !this.macs.containsKey(parts[1])) {
			return Optional.empty();
		}
		try {
			long expires = Long.parseLong(parts[2]);
			String tenant = new String(DECODER.decode(parts[3]), StandardCharsets.UTF_8);
			byte[] given = DECODER.decode(parts[4]);
			byte[] expected = sign(parts[1], expires, tenant, conversationId, turnId);
			if (!MessageDigest.isEqual(given, expected) || this.clock.instant().getEpochSecond() >= expires) {
				return Optional.empty();
			}
			return Optional.of(new Tenant(tenant));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

	/** How long a token is valid. */
	public Duration ttl() {
		return this.ttl;
	}

	private byte[] sign(String keyId, long expires, String tenant, String conversationId, String turnId) {
		Mac mac = copy(this.macs.get(keyId));
		// Length-prefixed fields: no choice of ids can make two different turns sign the
		// same bytes.
		for (String field : new String[] { VERSION, keyId, Long.toString(expires), tenant, conversationId, turnId }) {
			byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
			mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
			mac.update(bytes);
		}
		return mac.doFinal();
	}

	private static String encode(String text) {
		return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static Mac mac(SigningKey key) {
		if (!KEY_ID.matcher(key.id()).matches()) {
			throw new IllegalArgumentException("Stream-token key ids are 1-32 characters of A-Z a-z 0-9 _ -");
		}
		if (key.secret().length < MIN_SECRET_BYTES) {
			throw new IllegalArgumentException("Stream-token secrets need at least 32 bytes");
		}
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(new SecretKeySpec(key.secret(), ALGORITHM));
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * A {@link Mac} is not thread-safe: each use works on a copy of the initialised
	 * prototype.
	 */
	private static Mac copy(Mac prototype) {
		try {
			return (Mac) prototype.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("HmacSHA256 cannot be cloned", ex);
		}
	}

	/**
	 * A signing key.
	 *
	 * @param id names the key inside tokens, so that any configured key can verify
	 * @param secret the HMAC secret
	 */
	public record SigningKey(String id, byte[] secret) {
	}

}
