package io.toolgate.store.redis;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;

/**
 * Builds every Redis key and channel name the stores use; no other class builds one. Keys
 * are tenant-scoped and carry a hash tag, so every key of one conversation lies in one
 * cluster slot: <pre>
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:conv              hash: v (version), c (created), u (updated), epoch millis
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:msgs              list of messages
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:lease             string: the lease holder's fence and turn
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:turns             set of turn ids with a log
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:turn:&lt;turn&gt;:meta   hash: n (last id), ended, ttl (millis), w (writer)
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:turn:&lt;turn&gt;:events stream, entry ids n-0
 * &lt;prefix&gt;:{&lt;tenant&gt;:&lt;conversation&gt;}:turn:&lt;turn&gt;:appended  pub/sub channel: the id of each appended event
 * &lt;prefix&gt;:idem:{&lt;tenant&gt;}:&lt;scope&gt;:&lt;key&gt;          hash: fp, token, result, ttl
 * &lt;prefix&gt;:{appr:&lt;tenant&gt;}:a:&lt;id&gt;                    hash: an approval's fields and decision
 * &lt;prefix&gt;:{appr:&lt;tenant&gt;}:pending                  sorted set: pending approval ids by expiry millis
 * &lt;prefix&gt;:{appr:&lt;tenant&gt;}:step:&lt;conv&gt;:&lt;turn&gt;:&lt;n&gt;  set: the approval keys of one step of a turn
 * &lt;prefix&gt;:{appr:&lt;tenant&gt;}:step:…:&lt;n&gt;:claim        string: the claim on the step's continuation
 * &lt;prefix&gt;:{appr:&lt;tenant&gt;}:settled                  sorted set: step keys settled and not continued, by decision millis
 * &lt;prefix&gt;:approval-tenants                           set: tenants that have held approvals (for the expiry sweep)
 * </pre> Tenants, ids, scopes and keys are URL-encoded ({@code :}, <code>{</code>,
 * <code>}</code> and {@code %} included), so that no two different inputs give the same
 * key and no input can move a key's hash tag.
 */
public final class RedisKeys {

	private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+");

	private final String prefix;

	/**
	 * Creates the key builder.
	 * @param prefix the first segment of every key, letters, digits, {@code .}, {@code _}
	 * or {@code -}
	 * @throws IllegalArgumentException if the prefix is empty or has other characters
	 */
	public RedisKeys(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		if (!PREFIX.matcher(prefix).matches()) {
			throw new IllegalArgumentException("prefix must be letters, digits, '.', '_' or '-'");
		}
		this.prefix = prefix;
	}

	/**
	 * The key of a conversation's version and timestamps.
	 * @param key the conversation
	 * @return the key
	 */
	public String conversation(ConversationKey key) {
		return tag(key) + ":conv";
	}

	/**
	 * The key of a conversation's message list.
	 * @param key the conversation
	 * @return the key
	 */
	public String messages(ConversationKey key) {
		return tag(key) + ":msgs";
	}

	/**
	 * The key of a conversation's turn lease.
	 * @param key the conversation
	 * @return the key
	 */
	public String lease(ConversationKey key) {
		return tag(key) + ":lease";
	}

	/**
	 * The key of the set of a conversation's turn ids that have an event log.
	 * @param key the conversation
	 * @return the key
	 */
	public String turns(ConversationKey key) {
		return tag(key) + ":turns";
	}

	/**
	 * The key of a turn log's counters.
	 * @param key the turn
	 * @return the key
	 */
	public String turnMeta(TurnKey key) {
		return turn(key) + ":meta";
	}

	/**
	 * The key of a turn log's stream of events.
	 * @param key the turn
	 * @return the key
	 */
	public String turnEvents(TurnKey key) {
		return turn(key) + ":events";
	}

	/**
	 * The pub/sub channel on which each append to a turn log is announced.
	 * @param key the turn
	 * @return the channel name
	 */
	public String turnChannel(TurnKey key) {
		return turn(key) + ":appended";
	}

	/**
	 * The key of an idempotency record. Its hash tag is the tenant its scope names (a
	 * scope is {@code <operation>:<tenant>}, see
	 * {@link io.toolgate.store.IdempotencyStore}): the records of one tenant share a hash
	 * slot with each other and with the tenant's audit stream ({@link #audit}), so that
	 * the claims of a turn's step are one script and a call's result is stored with its
	 * audit record in one script.
	 * @param scope the record's scope
	 * @param key the idempotency key
	 * @return the key
	 */
	public String idempotency(String scope, String key) {
		return this.prefix + ":idem:{" + encode(tenantOf(scope)) + "}:" + encode(scope) + ":" + encode(key);
	}

	/**
	 * The tenant a scope names: what follows its first {@code :}, or the whole scope if
	 * it has none.
	 */
	private static String tenantOf(String scope) {
		int colon = scope.indexOf(':');
		return (colon < 0) ? scope : scope.substring(colon + 1);
	}

	/**
	 * The key of a spend account; all of a tenant's accounts share a hash slot, so one
	 * script can reserve on several.
	 * @param tenant the tenant
	 * @param name the account's name
	 * @return the key
	 */
	public String spend(String tenant, String name) {
		return this.prefix + ":spend:{" + encode(tenant) + "}:" + encode(name);
	}

	/**
	 * The key of a tenant's audit stream.
	 * @param tenant the tenant
	 * @return the key
	 */
	public String audit(String tenant) {
		return this.prefix + ":audit:{" + encode(tenant) + "}";
	}

	/**
	 * The key of an approval.
	 * @param tenant the tenant
	 * @param id the approval id
	 * @return the key
	 */
	public String approval(String tenant, String id) {
		return approvalTag(tenant) + ":a:" + encode(id);
	}

	/**
	 * The key of a tenant's pending approvals, scored by expiry.
	 * @param tenant the tenant
	 * @return the key
	 */
	public String pendingApprovals(String tenant) {
		return approvalTag(tenant) + ":pending";
	}

	/**
	 * The key of the set of the approvals of one step of a turn.
	 * @param tenant the tenant
	 * @param conversationId the conversation
	 * @param turnId the turn
	 * @param iteration the step's model call
	 * @return the key
	 */
	public String approvalStep(String tenant, String conversationId, String turnId, int iteration) {
		return approvalTag(tenant) + ":step:" + encode(conversationId) + ":" + encode(turnId) + ":" + iteration;
	}

	/**
	 * The key of the claim on a settled step's continuation.
	 * @param stepKey the step's key ({@link #approvalStep})
	 * @return the key, in the step's slot
	 */
	public String approvalStepClaim(String stepKey) {
		return stepKey + ":claim";
	}

	/**
	 * The key of a tenant's settled steps whose continuation is not marked done.
	 * @param tenant the tenant
	 * @return the key
	 */
	public String settledApprovalSteps(String tenant) {
		return approvalTag(tenant) + ":settled";
	}

	/**
	 * The key of the set of tenants that have held approvals.
	 * @return the key
	 */
	public String approvalTenants() {
		return this.prefix + ":approval-tenants";
	}

	private String approvalTag(String tenant) {
		return this.prefix + ":{appr:" + encode(tenant) + "}";
	}

	/**
	 * The value a held lease is stored under: its fence and turn, so that a fenced write
	 * compares both.
	 * @param lease the lease
	 * @return the value
	 */
	public String leaseValue(TurnLease lease) {
		return lease.fence() + "/" + encode(lease.turnId());
	}

	/**
	 * The turn id part of a stored lease value, for messages.
	 * @param value a value built by {@link #leaseValue}
	 * @return the turn id, or the value itself if it has no turn part
	 */
	String turnOfLeaseValue(String value) {
		int slash = value.indexOf('/');
		return (slash < 0) ? value : URLDecoder.decode(value.substring(slash + 1), StandardCharsets.UTF_8);
	}

	private String turn(TurnKey key) {
		return tag(key.conversation()) + ":turn:" + encode(key.turnId());
	}

	private String tag(ConversationKey key) {
		return this.prefix + ":{" + encode(key.tenant()) + ":" + encode(key.conversationId()) + "}";
	}

	private static String encode(String part) {
		return URLEncoder.encode(part, StandardCharsets.UTF_8);
	}

}
