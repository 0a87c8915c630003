package io.toolgate.store.redis;

/**
 * The Lua scripts of the Redis stores, in one place. Each takes the keys it names in
 * {@code KEYS} (built by {@link RedisKeys}, so those of one call share a hash slot) and
 * returns an array whose first element is a status word; {@link RedisScript} runs them by
 * SHA-1.
 */
final class RedisScripts {

	/**
	 * Returns {@code missing} if the turn log whose meta fields {@code n} and
	 * {@code ended} a script read into {@code meta[1]} and {@code meta[2]} does not
	 * exist, {@code ended} if its turn has ended; the part of the turn-log scripts that
	 * write only to a live log.
	 */
	private static final String TURN_LOG_REQUIRE_LIVE = """
			if not meta[1] then
				return {'missing'}
			end
			if meta[2] == '1' then
				return {'ended'}
			end
			""";

	/**
	 * Appends messages to a conversation after checking the lease fence and the expected
	 * version; refreshes the time to live.
	 */
	static final String CONVERSATION_APPEND = """
			-- KEYS: conv, msgs, lease; ARGV: expected version, lease value or '', now, ttl, messages...
			if ARGV[2] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[2] then
				return {'lease'}
			end
			local version = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
			if version ~= tonumber(ARGV[1]) then
				return {'version', version}
			end
			if version == 0 then
				redis.call('DEL', KEYS[2])
				redis.call('HSET', KEYS[1], 'c', ARGV[3])
			end
			for i = 5, #ARGV do
				redis.call('RPUSH', KEYS[2], ARGV[i])
			end
			version = version + 1
			redis.call('HSET', KEYS[1], 'v', version, 'u', ARGV[3])
			redis.call('PEXPIRE', KEYS[1], ARGV[4])
			redis.call('PEXPIRE', KEYS[2], ARGV[4])
			local reply = {'ok', version, redis.call('HGET', KEYS[1], 'c'), ARGV[3]}
			for _, message in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
				reply[#reply + 1] = message
			end
			return reply
			""";

	/**
	 * The Lua that reads a conversation and returns it, on the locals {@code conv} (its
	 * hash) and {@code msgs} (its messages): {@code missing}, or {@code ok}, version,
	 * created and updated millis, then the messages.
	 */
	private static final String CONVERSATION_READ = """
			local fields = redis.call('HMGET', conv, 'v', 'c', 'u')
			if not fields[1] then
				return {'missing'}
			end
			local reply = {'ok', tonumber(fields[1]), fields[2], fields[3]}
			for _, message in ipairs(redis.call('LRANGE', msgs, 0, -1)) do
				reply[#reply + 1] = message
			end
			return reply
			""";

	/** Reads a conversation: version, timestamps and messages. */
	static final String CONVERSATION_FIND = """
			-- KEYS: conv, msgs
			local conv, msgs = KEYS[1], KEYS[2]
			""" + CONVERSATION_READ;

	/**
	 * Deletes a conversation and the turn logs named in ARGV; asks for a retry while
	 * other turn logs remain.
	 */
	static final String CONVERSATION_DELETE = """
			-- KEYS: conv, msgs, lease, turns, then meta and events of each turn in ARGV
			for i = 5, #KEYS do
				redis.call('DEL', KEYS[i])
			end
			for i = 1, #ARGV do
				redis.call('SREM', KEYS[4], ARGV[i])
			end
			if redis.call('SCARD', KEYS[4]) > 0 then
				return {'retry'}
			end
			local existed = redis.call('EXISTS', KEYS[1])
			redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
			return {'ok', existed}
			""";

	/** Extends a turn lease if it still holds the given fence. */
	static final String LEASE_RENEW = """
			-- KEYS: lease; ARGV: value, ttl
			if redis.call('GET', KEYS[1]) == ARGV[1] then
				redis.call('PEXPIRE', KEYS[1], ARGV[2])
				return {'ok', 1}
			end
			return {'ok', 0}
			""";

	/** Drops a turn lease if it still holds the given fence. */
	static final String LEASE_RELEASE = """
			-- KEYS: lease; ARGV: value
			if redis.call('GET', KEYS[1]) == ARGV[1] then
				redis.call('DEL', KEYS[1])
			end
			return {'ok'}
			""";

	/**
	 * The Lua that creates a turn log and registers it with its conversation, unless it
	 * exists; on the locals {@code meta}, {@code events}, {@code turns} (keys),
	 * {@code turnId} and {@code ttl}; sets {@code created}.
	 */
	private static final String CREATE_TURN_LOG = """
			local created = 0
			if redis.call('EXISTS', meta) == 0 then
				redis.call('DEL', events)
				redis.call('HSET', meta, 'n', 0, 'ended', 0, 'ttl', ttl)
				redis.call('PEXPIRE', meta, ttl)
				redis.call('SADD', turns, turnId)
				if redis.call('PTTL', turns) < tonumber(ttl) then
					redis.call('PEXPIRE', turns, ttl)
				end
				created = 1
			end
			""";

	/** Creates a turn log and registers it with its conversation, unless it exists. */
	static final String TURN_LOG_CREATE = """
			-- KEYS: meta, events, turns; ARGV: turn id, ttl
			local meta, events, turns, turnId, ttl = KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2]
			""" + CREATE_TURN_LOG + """
			return {'ok', created}
			""";

	/**
	 * Starts a turn: takes the conversation's lease unless another turn holds it, creates
	 * the turn's log when asked to, and reads the conversation as
	 * {@link #CONVERSATION_FIND} does.
	 */
	static final String TURN_START = """
			-- KEYS: lease, conv, msgs, meta, events, turns; ARGV: lease value, lease ttl, turn id, log ttl or ''
			if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
				return {'conflict', redis.call('GET', KEYS[1]) or ''}
			end
			if ARGV[4] ~= '' then
				local meta, events, turns, turnId, ttl = KEYS[4], KEYS[5], KEYS[6], ARGV[3], ARGV[4]
			""" + CREATE_TURN_LOG + """
			end
			local conv, msgs = KEYS[2], KEYS[3]
			""" + CONVERSATION_READ;

	/**
	 * The Lua that checks a batch of events before a turn-log script writes any of it, so
	 * that a refused batch stores nothing: the log is live, takes this writer's appends,
	 * and has room; at most the last event is terminal. On {@code KEYS[1]} (the log's
	 * meta), {@code ARGV[2]} (max events), {@code ARGV[4]} (writer or '') and the local
	 * {@code e0}, the index in {@code ARGV} of the first event's type (each event takes
	 * type, data, terminal); sets {@code meta}, {@code first} and {@code count}.
	 */
	private static final String TURN_LOG_CHECK_BATCH = """
			local meta = redis.call('HMGET', KEYS[1], 'n', 'ended', 'ttl', 'w')
			""" + TURN_LOG_REQUIRE_LIVE + """
			-- A log claimed by a writer takes fenced appends from that writer only.
			if ARGV[4] ~= '' and meta[4] and meta[4] ~= ARGV[4] then
				return {'fenced'}
			end
			local first = tonumber(meta[1]) + 1
			local max = tonumber(ARGV[2])
			local count = (#ARGV - e0 + 1) / 3
			for i = 0, count - 1 do
				local terminal = ARGV[e0 + i * 3 + 2]
				if terminal == '1' and i < count - 1 then
					return {'ended'}
				end
				if terminal ~= '1' and first + i >= max then
					return {'full'}
				end
			end
			""";

	/**
	 * The Lua that writes a batch {@link #TURN_LOG_CHECK_BATCH} checked, assigning its
	 * ids, on {@code KEYS[1..3]} (meta, events, turns) and {@code ARGV[1]} (turn id);
	 * sets {@code id}, the last one.
	 */
	private static final String TURN_LOG_WRITE_BATCH = """
			local id = first - 1
			local ended = '0'
			for i = 0, count - 1 do
				id = id + 1
				local base = e0 + i * 3
				redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], id .. '-0', 'type', ARGV[base], 'data', ARGV[base + 1],
					't', ARGV[base + 2])
				ended = ARGV[base + 2]
			end
			redis.call('HSET', KEYS[1], 'n', id, 'ended', ended)
			redis.call('PEXPIRE', KEYS[1], meta[3])
			redis.call('PEXPIRE', KEYS[2], meta[3])
			redis.call('SADD', KEYS[3], ARGV[1])
			if redis.call('PTTL', KEYS[3]) < tonumber(meta[3]) then
				redis.call('PEXPIRE', KEYS[3], meta[3])
			end
			""";

	/**
	 * Appends a batch of events to a turn log, all or none, assigns their ids and
	 * announces the last id; with a lease value, then releases the turn's lease if it
	 * still holds that value (the batch of a turn's terminal event).
	 */
	static final String TURN_LOG_APPEND_ALL = """
			-- KEYS: meta, events, turns, lease (when ARGV[5] is not ''); ARGV: turn id, max events, channel,
			-- writer or '', lease value to release or '', then type, data, terminal (0 or 1) per event
			local e0 = 6
			""" + TURN_LOG_CHECK_BATCH + TURN_LOG_WRITE_BATCH + """
			if ARGV[5] ~= '' and redis.call('GET', KEYS[4]) == ARGV[5] then
				redis.call('DEL', KEYS[4])
			end
			redis.call('PUBLISH', ARGV[3], id)
			return {'ok', first}
			""";

	/**
	 * Ends a turn that has an answer to store: appends the answer to the conversation (as
	 * {@link #CONVERSATION_APPEND} does, fenced by the lease, at the expected version)
	 * and the last batch to the turn log (as {@link #TURN_LOG_APPEND_ALL} does), then
	 * releases the lease; all of it or, with any check failing, none.
	 */
	static final String TURN_END = """
			-- KEYS: meta, events, turns, lease, conv, msgs; ARGV: turn id, max events, channel, writer or '',
			-- lease value, expected version, now, conversation ttl, message count, the messages, then type, data,
			-- terminal (0 or 1) per event
			local e0 = 10 + tonumber(ARGV[9])
			""" + TURN_LOG_CHECK_BATCH + """
			if redis.call('GET', KEYS[4]) ~= ARGV[5] then
				return {'lease'}
			end
			local version = tonumber(redis.call('HGET', KEYS[5], 'v') or '0')
			if version ~= tonumber(ARGV[6]) then
				return {'version', version}
			end
			if version == 0 then
				redis.call('DEL', KEYS[6])
				redis.call('HSET', KEYS[5], 'c', ARGV[7])
			end
			for i = 10, e0 - 1 do
				redis.call('RPUSH', KEYS[6], ARGV[i])
			end
			redis.call('HSET', KEYS[5], 'v', version + 1, 'u', ARGV[7])
			redis.call('PEXPIRE', KEYS[5], ARGV[8])
			redis.call('PEXPIRE', KEYS[6], ARGV[8])
			""" + TURN_LOG_WRITE_BATCH + """
			redis.call('DEL', KEYS[4])
			redis.call('PUBLISH', ARGV[3], id)
			return {'ok', first}
			""";

	/**
	 * Makes a writer the only one whose fenced appends a turn log takes, unless the turn
	 * has ended.
	 */
	static final String TURN_LOG_CLAIM = """
			-- KEYS: meta; ARGV: writer
			local meta = redis.call('HMGET', KEYS[1], 'n', 'ended')
			""" + TURN_LOG_REQUIRE_LIVE + """
			redis.call('HSET', KEYS[1], 'w', ARGV[1])
			return {'ok', tonumber(meta[1])}
			""";

	/**
	 * Claims an idempotency key, or reports a fingerprint mismatch, the completed result
	 * or the running claim.
	 */
	static final String IDEMPOTENCY_CLAIM = """
			-- KEYS: record; ARGV: fingerprint, token, ttl
			local record = redis.call('HMGET', KEYS[1], 'fp', 'result')
			if not record[1] then
				redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'token', ARGV[2], 'ttl', ARGV[3])
				redis.call('PEXPIRE', KEYS[1], ARGV[3])
				return {'claimed'}
			end
			if record[1] ~= ARGV[1] then
				return {'mismatch'}
			end
			if record[2] then
				return {'completed', record[2]}
			end
			return {'running'}
			""";

	/**
	 * Claims several idempotency keys of one hash slot in order, as
	 * {@link #IDEMPOTENCY_CLAIM} claims one; a key given twice is claimed by its first
	 * request. Returns a status word and a result (empty unless completed) per key.
	 */
	static final String IDEMPOTENCY_CLAIM_ALL = """
			-- KEYS: records; ARGV: ttl, then fingerprint and token per record
			local reply = {}
			for i = 1, #KEYS do
				local fp = ARGV[2 * i]
				local record = redis.call('HMGET', KEYS[i], 'fp', 'result')
				if not record[1] then
					redis.call('HSET', KEYS[i], 'fp', fp, 'token', ARGV[2 * i + 1], 'ttl', ARGV[1])
					redis.call('PEXPIRE', KEYS[i], ARGV[1])
					reply[#reply + 1] = 'claimed'
					reply[#reply + 1] = ''
				elseif record[1] ~= fp then
					reply[#reply + 1] = 'mismatch'
					reply[#reply + 1] = ''
				elseif record[2] then
					reply[#reply + 1] = 'completed'
					reply[#reply + 1] = record[2]
				else
					reply[#reply + 1] = 'running'
					reply[#reply + 1] = ''
				end
			end
			return reply
			""";

	/**
	 * Stores the result of a claim still held by the given token, as
	 * {@link #IDEMPOTENCY_COMPLETE} does, and appends an audit record to the tenant's
	 * stream whether or not the claim is still held (the record tells what ran). The two
	 * keys share a hash slot ({@link RedisKeys#idempotency}).
	 */
	static final String IDEMPOTENCY_COMPLETE_AUDITED = """
			-- KEYS: record, audit stream; ARGV: token, result, max stream length, then field, value...
			local record = redis.call('HMGET', KEYS[1], 'token', 'result', 'ttl')
			if record[1] == ARGV[1] and not record[2] then
				redis.call('HSET', KEYS[1], 'result', ARGV[2])
				redis.call('PEXPIRE', KEYS[1], record[3])
			end
			local fields = {}
			for i = 4, #ARGV do
				fields[#fields + 1] = ARGV[i]
			end
			local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
			return {'ok', id}
			""";

	/** Stores the result of a claim still held by the given token. */
	static final String IDEMPOTENCY_COMPLETE = """
			-- KEYS: record; ARGV: token, result
			local record = redis.call('HMGET', KEYS[1], 'token', 'result', 'ttl')
			if record[1] == ARGV[1] and not record[2] then
				redis.call('HSET', KEYS[1], 'result', ARGV[2])
				redis.call('PEXPIRE', KEYS[1], record[3])
			end
			return {'ok'}
			""";

	/** Drops a claim still held by the given token and not completed. */
	static final String IDEMPOTENCY_RELEASE = """
			-- KEYS: record; ARGV: token
			local record = redis.call('HMGET', KEYS[1], 'token', 'result')
			if record[1] == ARGV[1] and not record[2] then
				redis.call('DEL', KEYS[1])
			end
			return {'ok'}
			""";

	/**
	 * Reserves an amount on every account of a tenant, or on none when it would take one
	 * past its limit (0 is no limit). Amounts stay below 2^53 (the settings bound them),
	 * so Lua's numbers compare them exactly; the counters themselves are Redis integers.
	 */
	static final String SPEND_RESERVE = """
			-- KEYS: accounts; ARGV: amount, then per account: limit, expire-at (epoch ms)
			local amount = tonumber(ARGV[1])
			for i = 1, #KEYS do
				local limit = tonumber(ARGV[2 * i])
				if limit > 0 then
					local spent = tonumber(redis.call('HGET', KEYS[i], 'spent') or '0')
					if spent + amount > limit then
						return {'refused', i, spent}
					end
				end
			end
			for i = 1, #KEYS do
				redis.call('HINCRBY', KEYS[i], 'spent', ARGV[1])
				redis.call('PEXPIREAT', KEYS[i], ARGV[2 * i + 1])
			end
			return {'reserved'}
			""";

	/**
	 * Settles a reservation on the accounts that still exist: adds the difference between
	 * what was spent and what was reserved, and the call to its model's totals when a
	 * model is given.
	 */
	static final String SPEND_SETTLE = """
			-- KEYS: accounts; ARGV: delta, model ('' to release), micros, prompt, completion
			for i = 1, #KEYS do
				if redis.call('EXISTS', KEYS[i]) == 1 then
					redis.call('HINCRBY', KEYS[i], 'spent', ARGV[1])
					if ARGV[2] ~= '' then
						redis.call('HINCRBY', KEYS[i], 'c:' .. ARGV[2], ARGV[3])
						redis.call('HINCRBY', KEYS[i], 'p:' .. ARGV[2], ARGV[4])
						redis.call('HINCRBY', KEYS[i], 'o:' .. ARGV[2], ARGV[5])
						redis.call('HINCRBY', KEYS[i], 'n:' .. ARGV[2], 1)
					end
				end
			end
			return {'ok'}
			""";

	private RedisScripts() {
	}

	/**
	 * Stores the pending approvals of one step: each approval's hash, its id in the
	 * tenant's pending set, its key in the step's set; every key expires after the
	 * retention past the latest expiry.
	 */
	static final String APPROVAL_HOLD = """
			-- KEYS: pending, step, approval keys...; ARGV: ttl millis, then per approval: id, expiry millis,
			-- field count, fields...
			local a = 2
			for k = 3, #KEYS do
				local id = ARGV[a]
				local expiry = ARGV[a + 1]
				local count = tonumber(ARGV[a + 2])
				local fields = {}
				for f = 1, count do
					fields[f] = ARGV[a + 2 + f]
				end
				redis.call('DEL', KEYS[k])
				redis.call('HSET', KEYS[k], unpack(fields))
				redis.call('PEXPIRE', KEYS[k], ARGV[1])
				redis.call('ZADD', KEYS[1], expiry, id)
				redis.call('SADD', KEYS[2], KEYS[k])
				a = a + 3 + count
			end
			redis.call('PEXPIRE', KEYS[2], ARGV[1])
			if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
				redis.call('PEXPIRE', KEYS[1], ARGV[1])
			end
			return {'ok'}
			""";

	/**
	 * Decides an approval if it is still pending; tells whether this call decided it and
	 * whether it settled its step (no approval of the step pending any more).
	 */
	static final String APPROVAL_DECIDE = """
			-- KEYS: approval, pending, settled; ARGV: id, status, arguments or '', reason or '', decided millis
			local status = redis.call('HGET', KEYS[1], 'status')
			if not status then
				return {'missing'}
			end
			if status ~= 'pending' then
				return {'decided', 0, 0}
			end
			redis.call('HSET', KEYS[1], 'status', ARGV[2], 'vargs', ARGV[3], 'vreason', ARGV[4], 'vat', ARGV[5])
			redis.call('ZREM', KEYS[2], ARGV[1])
			local settled = 1
			local step = redis.call('HGET', KEYS[1], 'step')
			for _, key in ipairs(redis.call('SMEMBERS', step)) do
				if redis.call('HGET', key, 'status') == 'pending' then
					settled = 0
				end
			end
			if settled == 1 then
				redis.call('ZADD', KEYS[3], ARGV[5], step)
				local ttl = redis.call('PTTL', KEYS[1])
				if ttl > 0 and redis.call('PTTL', KEYS[3]) < ttl then
					redis.call('PEXPIRE', KEYS[3], ttl)
				end
			end
			return {'decided', 1, settled}
			""";

	/**
	 * Claims a settled step's continuation: only while the step is listed as settled and
	 * not continued, and no claim lives.
	 */
	static final String APPROVAL_CLAIM = """
			-- KEYS: settled, claim; ARGV: step key, ttl millis
			if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
				return {0}
			end
			if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then
				return {1}
			end
			return {0}
			""";

}
