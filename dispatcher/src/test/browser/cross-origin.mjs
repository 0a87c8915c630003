// A page served from another origin (a second port) streams a turn with fetch and its API key (a CORS preflight),
// reads the exposed Toolgate-Turn-Id and Toolgate-Stream-Token headers, drops the connection mid-stream and resumes
// with EventSource and ?token= on the gateway's origin; a proxy then cuts the EventSource connection, and the browser
// reconnects across origins with Last-Event-ID. A page from an origin that is not allowed is refused.
import http from 'node:http';
import path from 'node:path';
import { API_KEY, ARTIFACTS, GATEWAY_URL, assert, cuttingProxy, launchBrowser, log } from './lib.mjs';

const ORIGIN_PORT = Number(process.env.ORIGIN_PORT);

// Runs in the page. Returns what it saw; renders it too, for the screenshot.
async function streamAndResume({ gateway, key }) {
	const conversation = 'cors-' + crypto.randomUUID().slice(0, 8);
	const out = { events: [], text: '', turnIdHeader: null, tokenHeader: null, content: null, phases: [] };
	const show = () => {
		document.body.innerHTML = '';
		const pre = document.createElement('pre');
		pre.textContent = JSON.stringify({ origin: location.origin, gateway, ...out, events: out.events.length }, null, 1);
		document.body.append(pre);
	};
	const seen = new Set();
	const apply = (type, id, data) => {
		const n = Number(id);
		if (id && seen.has(n)) {
			out.duplicates = (out.duplicates || 0) + 1;
			return;
		}
		seen.add(n);
		const event = JSON.parse(data);
		out.events.push({ type, id: n });
		if (type === 'token') {
			out.text += event.text;
		}
		if (type === 'turn.started') {
			out.tokenInEvent = event.streamToken;
		}
		if (type === 'turn.completed') {
			out.content = event.content;
		}
	};
	const abort = new AbortController();
	const response = await fetch(`${gateway}/v1/conversations/${conversation}/turns`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ content: 'Tell me about reactive streams' }),
		signal: abort.signal,
	});
	out.turnIdHeader = response.headers.get('Toolgate-Turn-Id');
	out.tokenHeader = response.headers.get('Toolgate-Stream-Token');
	out.phases.push('fetch');
	const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = '';
	let tokens = 0;
	try {
		while (tokens < 3) {
			const { value, done } = await reader.read();
			if (done) {
				break;
			}
			buffer += value;
			let end;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const block = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				const fields = {};
				for (const line of block.split('\n')) {
					const colon = line.indexOf(':');
					if (colon > 0) {
						fields[line.slice(0, colon)] = line.slice(colon + 1);
					}
				}
				if (fields.data) {
					apply(fields.event, fields.id, fields.data);
					tokens += fields.event === 'token' ? 1 : 0;
				}
			}
		}
	}
	finally {
		abort.abort();
	}
	out.phases.push('dropped');
	const last = Math.max(...seen);
	await new Promise((resolve, reject) => {
		const source = new EventSource(`${gateway}/v1/conversations/${conversation}/turns/${out.turnIdHeader}/events`
			+ `?token=${encodeURIComponent(out.tokenHeader)}&last_event_id=${last}`);
		for (const type of ['turn.started', 'token', 'tool.call', 'tool.result', 'turn.completed', 'turn.error']) {
			source.addEventListener(type, (e) => {
				apply(type, e.lastEventId, e.data);
				if (type === 'turn.completed' || type === 'turn.error') {
					source.close();
					resolve();
				}
			});
		}
		let cut = false;
		source.addEventListener('token', () => {
			if (!cut) {
				cut = true;
				window.cutNetwork(); // the browser reconnects by itself, with Last-Event-ID
			}
		});
		source.onopen = () => out.phases.push('eventsource');
		source.onerror = () => {
			if (source.readyState === EventSource.CLOSED) {
				reject(new Error('EventSource failed'));
			}
		};
		setTimeout(() => reject(new Error('EventSource timed out')), 20000);
	});
	show();
	return out;
}

async function refusedFromOtherOrigin({ gateway, key }) {
	try {
		await fetch(`${gateway}/v1/tools`, { headers: { Authorization: `Bearer ${key}` } });
		return 'allowed';
	}
	catch (e) {
		return 'refused: ' + e.message;
	}
}

function serve(port) {
	const server = http.createServer((request, response) => {
		response.writeHead(200, { 'Content-Type': 'text/html' });
		response.end('<!doctype html><title>Another origin</title><body>cross-origin page</body>');
	});
	return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const proxy = await cuttingProxy();
const allowed = await serve(ORIGIN_PORT);
const other = await serve(0);
const browser = await launchBrowser();
try {
	const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
	page.on('console', (m) => log(`page console: ${m.text()}`));
	await page.exposeFunction('cutNetwork', () => log(`cutting the page's connections: ${proxy.cut()} sockets`));
	await page.goto(`http://127.0.0.1:${ORIGIN_PORT}/`);
	const out = await page.evaluate(streamAndResume, { gateway: proxy.url, key: API_KEY });
	log(`cross-origin page saw phases ${out.phases}, ${out.events.length} events, duplicates ${out.duplicates || 0}`);
	assert(out.turnIdHeader && out.turnIdHeader.startsWith('turn_'), 'Toolgate-Turn-Id readable cross-origin');
	assert(out.tokenHeader && out.tokenHeader === out.tokenInEvent, 'Toolgate-Stream-Token readable, same as in turn.started');
	assert(out.phases.join() === 'fetch,dropped,eventsource,eventsource', `phases ${out.phases}`);
	const reconnects = proxy.requests.filter((r) => r.line.startsWith('GET ') && r.line.includes('/events?token='));
	log(`EventSource requests: ${JSON.stringify(reconnects.map((r) => r.lastEventId))}`);
	assert(reconnects.length === 2 && reconnects[1].lastEventId !== null, 'reconnected with Last-Event-ID');
	assert(!out.duplicates, 'no event delivered twice');
	const ids = out.events.map((e) => e.id);
	assert(ids.every((id, i) => i === 0 || id === ids[i - 1] + 1), `consecutive ids, no gap: ${ids}`);
	assert(out.text === out.content, `the streamed text is the answer:\n ${out.text}\n ${out.content}`);
	await page.screenshot({ path: path.join(ARTIFACTS, 'cross-origin.png') });
	log('ok cross-origin page streams and resumes');

	await page.goto(`http://127.0.0.1:${other.address().port}/`);
	const refused = await page.evaluate(refusedFromOtherOrigin, { gateway: GATEWAY_URL, key: API_KEY });
	assert(refused.startsWith('refused'), `a page of another origin is refused, got ${refused}`);
	const preflight = await fetch(`${GATEWAY_URL}/v1/tools`, { method: 'OPTIONS', headers: {
		Origin: `http://127.0.0.1:${other.address().port}`, 'Access-Control-Request-Method': 'GET',
		'Access-Control-Request-Headers': 'authorization' } });
	assert(preflight.status === 403 && !preflight.headers.has('access-control-allow-origin'),
		`refused preflight: ${preflight.status} ${[...preflight.headers.keys()]}`);
	log('ok a page of another origin is refused');
}
finally {
	await browser.close();
	await proxy.close();
	allowed.close();
	other.close();
}
