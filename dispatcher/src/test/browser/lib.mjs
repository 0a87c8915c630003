// Shared helpers of the browser tests: configuration from the environment, Chromium, a proxy that can cut every
// connection mid-stream, a tiny SSE reader and assertions.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const GATEWAY_URL = required('GATEWAY_URL');
export const API_KEY = required('API_KEY');
export const ARTIFACTS = process.env.ARTIFACTS || path.resolve('target/browser-artifacts');
fs.mkdirSync(ARTIFACTS, { recursive: true });

// The flags CI runs Chromium with: headless, no sandbox (root in a container), no background traffic.
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
	'--disable-component-update', '--no-first-run', '--disable-sync'];

function required(name) {
	const value = process.env[name];
	if (!value) {
		throw new Error(`${name} is not set`);
	}
	return value;
}

export async function launchBrowser() {
	return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

export function assert(condition, message) {
	if (!condition) {
		throw new Error('assertion failed: ' + message);
	}
}

export function log(message) {
	console.log(`[${new Date().toISOString()}] ${message}`);
}

/**
 * A TCP proxy to the gateway. cut() destroys every open connection, as a dropped network would; requests lists the
 * first request line and Last-Event-ID header of each connection.
 */
export async function cuttingProxy(target = GATEWAY_URL) {
	const { hostname, port } = new URL(target);
	const sockets = new Set();
	const requests = [];
	const server = net.createServer((client) => {
		const upstream = net.connect(Number(port), hostname);
		sockets.add(client);
		sockets.add(upstream);
		let first = true;
		client.on('data', (chunk) => {
			if (first) {
				first = false;
				const head = chunk.toString('latin1');
				const line = head.split('\r\n')[0];
				const lastEventId = /\r\nlast-event-id:\s*([^\r]*)/i.exec(head);
				requests.push({ line, lastEventId: lastEventId ? lastEventId[1] : null });
			}
			upstream.write(chunk);
		});
		upstream.on('data', (chunk) => client.write(chunk));
		const close = () => {
			client.destroy();
			upstream.destroy();
			sockets.delete(client);
			sockets.delete(upstream);
		};
		client.on('close', close);
		upstream.on('close', close);
		client.on('error', close);
		upstream.on('error', close);
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		requests,
		cut() {
			const n = sockets.size;
			for (const socket of sockets) {
				socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy();
			}
			sockets.clear();
			return n;
		},
		close: () => new Promise((resolve) => {
			for (const socket of sockets) {
				socket.destroy();
			}
			server.close(resolve);
		}),
	};
}

/** Reads SSE from a fetch body until stop(event) is true or the body ends; returns the events. */
export async function readSse(body, stop = () => false) {
	const reader = body.pipeThrough(new TextDecoderStream()).getReader();
	const events = [];
	let buffer = '';
	let current = { type: 'message', id: null, data: [] };
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
				if (current.data.length > 0) {
					const event = { type: current.type, id: current.id, data: JSON.parse(current.data.join('\n')) };
					events.push(event);
					if (stop(event)) {
						await reader.cancel();
						return events;
					}
				}
				current = { type: 'message', id: null, data: [] };
			}
			else if (!line.startsWith(':')) {
				const colon = line.indexOf(':');
				const field = line.slice(0, colon);
				const value2 = line.slice(colon + 1).replace(/^ /, '');
				if (field === 'event') {
					current.type = value2;
				}
				else if (field === 'data') {
					current.data.push(value2);
				}
				else if (field === 'id') {
					current.id = value2;
				}
			}
		}
	}
}

/** The stored conversation, read with the API key. */
export async function conversation(id) {
	const response = await fetch(`${GATEWAY_URL}/v1/conversations/${id}`, {
		headers: { Authorization: `Bearer ${API_KEY}` },
	});
	assert(response.ok, `GET conversation ${id}: ${response.status}`);
	return response.json();
}

/** The content of the last assistant message of a conversation. */
export async function lastAnswer(id) {
	const messages = (await conversation(id)).messages.filter((m) => m.role === 'assistant' && m.content);
	return messages[messages.length - 1].content;
}

export async function withTimeout(promise, ms, what) {
	let timer;
	const timeout = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	}
	finally {
		clearTimeout(timer);
	}
}
