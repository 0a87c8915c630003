// A WHATWG EventSource client (the npm eventsource package) resumes the native stream: after a dropped fetch with
// ?token= and last_event_id, then by itself with Last-Event-ID when the proxy cuts its connection; reconnecting
// after the terminal event gets stream.end; a stream token opens nothing but its own turn's events.
import { EventSource } from 'eventsource';
import { API_KEY, GATEWAY_URL, assert, cuttingProxy, log, readSse, withTimeout } from './lib.mjs';

const TYPES = ['turn.started', 'token', 'tool.call', 'tool.result', 'turn.completed', 'turn.error', 'stream.end'];

async function startTurn(conversation) {
	const response = await fetch(`${GATEWAY_URL}/v1/conversations/${conversation}/turns`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ content: 'Tell me about reactive streams' }),
	});
	assert(response.status === 200, `turn started: ${response.status}`);
	return response;
}

function follow(url, { onEvent, until }) {
	return new Promise((resolve, reject) => {
		const source = new EventSource(url);
		for (const type of TYPES) {
			source.addEventListener(type, (e) => {
				onEvent(type, e);
				if (until(type)) {
					source.close();
					resolve();
				}
			});
		}
		source.onerror = (e) => {
			if (source.readyState === EventSource.CLOSED) {
				reject(new Error(`EventSource closed: ${e.message || e.code}`));
			}
		};
	});
}

const proxy = await cuttingProxy();
try {
	const conversation = 'es-' + Date.now();
	const response = await startTurn(conversation);
	const turnId = response.headers.get('Toolgate-Turn-Id');
	const token = response.headers.get('Toolgate-Stream-Token');
	let tokens = 0;
	const first = await readSse(response.body, (e) => e.type === 'token' && ++tokens === 2);
	let text = first.filter((e) => e.type === 'token').map((e) => e.data.text).join('');
	const ids = first.map((e) => Number(e.id));
	const path = `/v1/conversations/${conversation}/turns/${turnId}/events`;
	let content = null;
	let cut = false;
	await withTimeout(follow(`${proxy.url}${path}?token=${encodeURIComponent(token)}&last_event_id=${ids.at(-1)}`, {
		onEvent(type, e) {
			ids.push(Number(e.lastEventId));
			if (type === 'token') {
				text += JSON.parse(e.data).text;
				if (!cut) {
					cut = true;
					log(`cutting the EventSource connection after event ${e.lastEventId}: ${proxy.cut()} sockets`);
				}
			}
			if (type === 'turn.completed') {
				content = JSON.parse(e.data).content;
			}
		},
		until: (type) => type === 'turn.completed' || type === 'turn.error',
	}), 30000, 'EventSource to the terminal event');
	log(`event ids ${ids}; requests ${JSON.stringify(proxy.requests.map((r) => r.lastEventId))}`);
	assert(ids.every((id, i) => i === 0 || id === ids[i - 1] + 1), `no gap and no duplicate: ${ids}`);
	assert(text === content, `the streamed text is the answer:\n ${text}\n ${content}`);
	assert(proxy.requests.length >= 2 && proxy.requests.at(-1).lastEventId !== null,
		'the reconnect carried Last-Event-ID');
	log('ok EventSource resumes with Last-Event-ID');

	let ended = null;
	await withTimeout(follow(`${GATEWAY_URL}${path}?token=${encodeURIComponent(token)}&last_event_id=${ids.at(-1)}`, {
		onEvent(type, e) {
			ended = { type, id: e.lastEventId, data: e.data };
		},
		until: () => true,
	}), 10000, 'stream.end');
	assert(ended.type === 'stream.end' && ended.data === '{"reason":"turn_ended"}', `got ${JSON.stringify(ended)}`);
	log('ok stream.end after the terminal event');

	const other = await startTurn(conversation + '-b');
	const otherTurn = other.headers.get('Toolgate-Turn-Id');
	await other.body.cancel();
	const status = async (url, init) => (await fetch(GATEWAY_URL + url, init)).status;
	const tokenQuery = `?token=${encodeURIComponent(token)}`;
	assert(await status(`${path}${tokenQuery}&last_event_id=${ids.at(-1)}`) === 200, 'its own turn: 200');
	assert(await status(`/v1/conversations/${conversation}-b/turns/${otherTurn}/events${tokenQuery}`) === 401,
		'another turn: 401');
	assert(await status(`/v1/conversations/${conversation}${tokenQuery}`) === 401, 'the conversation: 401');
	assert(await status(`/v1/conversations/${conversation}/turns${tokenQuery}`, { method: 'POST',
		headers: { 'Content-Type': 'application/json' }, body: '{"content":"hi"}' }) === 401, 'a write: 401');
	assert(await status(`${path}?token=${encodeURIComponent(token.slice(0, -2) + 'AA')}`) === 401, 'a forged token: 401');
	log('ok stream tokens are scoped to their turn');
}
finally {
	await proxy.close();
}
