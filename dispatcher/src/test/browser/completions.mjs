// OpenAI-compatible streams: the official openai SDK and the Vercel AI SDK read Toolgate's chat-completion streams,
// resumable (with id: lines) and not, with tool progress (chunks with no choices and a toolgate field) and without,
// as valid streams; a WHATWG EventSource client (the npm eventsource package)
// resumes a completion whose fetch was dropped, with ?token= and last_event_id, then by itself with Last-Event-ID
// when the proxy cuts its connection, with no gap and no duplicate, to data: [DONE].
import OpenAI from 'openai';
import { streamText } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { EventSource } from 'eventsource';
import { API_KEY, GATEWAY_URL, assert, cuttingProxy, log, withTimeout } from './lib.mjs';

const PROMPT = 'Tell me about reactive streams';

/** A prompt the simulated model answers with a server-side tool call (the demo registry's clock). */
const TOOL_PROMPT = 'What time is it in Tokyo?';

/** Stream modes: Toolgate's stream_options extensions, and the prompt that shows each. */
const MODES = [
	{ options: { resumable: true }, prompt: PROMPT },
	{ options: { resumable: false }, prompt: PROMPT },
	{ options: { resumable: true, tool_progress: true }, prompt: TOOL_PROMPT },
	{ options: { resumable: false, tool_progress: true }, prompt: TOOL_PROMPT },
];

/** A fetch that adds Toolgate's stream_options extensions to the request body. */
function fetchWith(options) {
	return (url, init) => {
		const body = JSON.parse(init.body);
		body.stream_options = { ...body.stream_options, ...options };
		return fetch(url, { ...init, body: JSON.stringify(body) });
	};
}

/** Reads raw SSE data events ({id, data}) until stop(event) or the end. */
async function readEvents(body, stop = () => false) {
	const reader = body.pipeThrough(new TextDecoderStream()).getReader();
	const events = [];
	let buffer = '';
	let current = { id: null, data: null };
	for (;;) {
		const { value, done } = await reader.read();
		if (done) {
			return events;
		}
		buffer += value;
		let newline;
		while ((newline = buffer.indexOf('\n')) >= 0) {
			const line = buffer.slice(0, newline);
			buffer = buffer.slice(newline + 1);
			if (line === '') {
				if (current.data !== null) {
					events.push(current);
					if (stop(current)) {
						await reader.cancel();
						return events;
					}
				}
				current = { id: null, data: null };
			}
			else if (line.startsWith('id:')) {
				current.id = line.slice(3).trim();
			}
			else if (line.startsWith('data:')) {
				current.data = line.slice(5).replace(/^ /, '');
			}
		}
	}
}

function delta(data) {
	if (data === '[DONE]') {
		return '';
	}
	const choice = JSON.parse(data).choices?.[0];
	return choice?.delta?.content ?? '';
}

const rawProgress = await fetch(`${GATEWAY_URL}/v1/chat/completions`, {
	method: 'POST',
	headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
	body: JSON.stringify({ model: 'toolgate-sim', stream: true, stream_options: { tool_progress: true },
		messages: [{ role: 'user', content: TOOL_PROMPT }] }),
});
const progress = (await readEvents(rawProgress.body)).filter((e) => e.data !== '[DONE]')
	.map((e) => JSON.parse(e.data)).filter((chunk) => chunk.toolgate);
assert(progress.some((c) => c.toolgate.event === 'tool.call') && progress.some((c) => c.toolgate.event === 'tool.result'),
	`tool progress chunks: ${JSON.stringify(progress)}`);
assert(progress.every((c) => Array.isArray(c.choices) && c.choices.length === 0), 'progress chunks have no choices');
log(`tool progress: ${progress.map((c) => `${c.toolgate.event} ${c.toolgate.data.name}`).join(', ')}`);

for (const { options, prompt } of MODES) {
	const mode = JSON.stringify(options);
	const client = new OpenAI({ apiKey: API_KEY, baseURL: `${GATEWAY_URL}/v1`, fetch: fetchWith(options) });
	const stream = await client.chat.completions.create({
		model: 'toolgate-sim',
		stream: true,
		stream_options: { include_usage: true },
		messages: [{ role: 'user', content: prompt }],
	});
	let text = '';
	let finish = null;
	let usage = null;
	let chunks = 0;
	for await (const chunk of stream) {
		chunks++;
		text += chunk.choices[0]?.delta?.content ?? '';
		finish = chunk.choices[0]?.finish_reason ?? finish;
		usage = chunk.usage ?? usage;
	}
	assert(text.length > 0, `openai SDK got text (${mode})`);
	assert(finish === 'stop', `openai SDK got finish_reason stop (${mode}): ${finish}`);
	assert(usage && usage.total_tokens > 0, `openai SDK got usage (${mode})`);
	log(`openai SDK, ${mode}: ${chunks} chunks, ${text.length} characters, finish ${finish}`);
}
log('ok openai SDK reads every stream mode');

for (const { options, prompt } of MODES) {
	const mode = JSON.stringify(options);
	const provider = createOpenAICompatible({ name: 'toolgate', baseURL: `${GATEWAY_URL}/v1`, apiKey: API_KEY,
		includeUsage: true, fetch: fetchWith(options) });
	const result = streamText({ model: provider('toolgate-sim'), prompt });
	let text = '';
	for await (const part of result.textStream) {
		text += part;
	}
	const finish = await result.finishReason;
	assert(text.length > 0, `AI SDK got text (${mode})`);
	assert(finish === 'stop', `AI SDK finished with stop (${mode}): ${finish}`);
	log(`Vercel AI SDK, ${mode}: ${text.length} characters, finish ${finish}`);
}
log('ok Vercel AI SDK reads every stream mode');

const proxy = await cuttingProxy();
try {
	const response = await fetch(`${GATEWAY_URL}/v1/chat/completions`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ model: 'toolgate-sim', stream: true, messages: [{ role: 'user', content: PROMPT }] }),
	});
	assert(response.status === 200, `completion started: ${response.status}`);
	const token = response.headers.get('Toolgate-Stream-Token');
	assert(token, 'the response carries a stream token');
	const head = await readEvents(response.body, (e) => delta(e.data) !== '');
	const id = JSON.parse(head[0].data).id;
	const ids = head.map((e) => Number(e.id));
	let text = head.map((e) => delta(e.data)).join('');
	let cut = false;
	await withTimeout(new Promise((resolve, reject) => {
		const source = new EventSource(`${proxy.url}/v1/chat/completions/${id}/events`
			+ `?token=${encodeURIComponent(token)}&last_event_id=${ids.at(-1)}`);
		source.onmessage = (e) => {
			ids.push(Number(e.lastEventId));
			if (e.data === '[DONE]') {
				source.close();
				resolve();
				return;
			}
			text += delta(e.data);
			if (!cut && delta(e.data) !== '') {
				cut = true;
				log(`cutting the EventSource connection after event ${e.lastEventId}: ${proxy.cut()} sockets`);
			}
		};
		source.onerror = (e) => {
			if (source.readyState === EventSource.CLOSED) {
				reject(new Error(`EventSource closed: ${e.message || e.code}`));
			}
		};
	}), 30000, 'EventSource to data: [DONE]');
	log(`event ids ${ids}; requests ${JSON.stringify(proxy.requests.map((r) => r.lastEventId))}`);
	assert(ids.every((n, i) => n === i + 1), `ids from 1 with no gap and no duplicate: ${ids}`);
	assert(proxy.requests.length >= 2 && proxy.requests.at(-1).lastEventId !== null,
		'the reconnect carried Last-Event-ID');
	const replay = await fetch(`${GATEWAY_URL}/v1/chat/completions/${id}/events`, {
		headers: { Authorization: `Bearer ${API_KEY}` },
	});
	const whole = (await readEvents(replay.body)).map((e) => delta(e.data)).join('');
	assert(text === whole, `the resumed text is the whole completion:\n ${text}\n ${whole}`);
	log('ok EventSource resumes a chat completion with Last-Event-ID');
}
finally {
	proxy.close();
}
