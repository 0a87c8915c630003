// Toolgate's demo chat page: a framework-free reference client of the public API.
// A turn starts with fetch (POST, Authorization header) and is read as SSE from the response body. If that
// connection drops before the turn's terminal event, the page resumes with the browser's EventSource on
// GET .../turns/{turnId}/events?token=<streamToken>&last_event_id=<last id seen>; EventSource then reconnects by
// itself, sending Last-Event-ID. Events are applied once, by id, so resumed text is never duplicated.

const $ = (id) => document.getElementById(id);
const KEY_STORE = 'toolgate.apiKey';
const CONVERSATIONS_STORE = 'toolgate.conversations';
const TERMINAL = new Set(['turn.completed', 'turn.error']);
const EVENT_TYPES = ['turn.started', 'token', 'tool.call', 'tool.result', 'approval.required', 'approval.resolved',
	'usage', 'turn.completed', 'turn.error', 'stream.end'];

const state = { conversationId: null, busy: false };

function apiKey() {
	return $('api-key').value.trim();
}

function setStatus(text, kind = text) {
	$('status').textContent = text;
	$('status').dataset.state = kind;
}

function conversations() {
	try {
		return JSON.parse(localStorage.getItem(CONVERSATIONS_STORE) || '[]');
	}
	catch {
		return [];
	}
}

function remember(id, title) {
	const list = conversations().filter((c) => c.id !== id);
	list.unshift({ id, title });
	localStorage.setItem(CONVERSATIONS_STORE, JSON.stringify(list.slice(0, 50)));
	renderConversations();
}

function renderConversations() {
	const ul = $('conversations');
	ul.replaceChildren();
	for (const c of conversations()) {
		const li = document.createElement('li');
		li.textContent = c.title || c.id;
		li.title = c.id;
		li.dataset.id = c.id;
		li.classList.toggle('active', c.id === state.conversationId);
		li.addEventListener('click', () => openConversation(c.id, c.title));
		ul.append(li);
	}
}

function newConversationId() {
	return 'web-' + crypto.randomUUID().slice(0, 8);
}

function element(tag, className, text) {
	const node = document.createElement(tag);
	if (className) {
		node.className = className;
	}
	if (text !== undefined) {
		node.textContent = text;
	}
	return node;
}

function compact(json) {
	try {
		return JSON.stringify(typeof json === 'string' ? JSON.parse(json) : json);
	}
	catch {
		return String(json);
	}
}

/** The view of one assistant answer: tool cards, the streamed text and the end reason. */
class AnswerView {
	constructor() {
		this.root = element('div', 'message assistant');
		this.tools = element('div', 'tools');
		this.text = element('div', 'text');
		this.root.append(this.tools, this.text);
		this.cards = new Map();
		$('messages').append(this.root);
	}

	appendText(text) {
		this.text.textContent += text;
		this.scroll();
	}

	toolCall(callId, name, args) {
		const card = element('div', 'tool-card');
		card.dataset.callId = callId;
		card.dataset.status = 'running';
		const head = element('div', 'tool-head');
		head.append(element('span', 'tool-name', name), element('span', 'tool-status', 'running…'));
		card.append(head, element('pre', 'tool-args', compact(args)), element('pre', 'tool-result', ''));
		this.cards.set(callId, card);
		this.tools.append(card);
		this.scroll();
	}

	toolResult(callId, name, status, output, error, durationMs) {
		if (!this.cards.has(callId)) {
			this.toolCall(callId, name, '');
		}
		const card = this.cards.get(callId);
		card.dataset.status = status;
		const timing = durationMs === undefined ? '' : ` · ${durationMs} ms`;
		card.querySelector('.tool-status').textContent = status + timing;
		card.querySelector('.tool-result').textContent = compact(status === 'ok' ? output : error);
	}

	// A call held for a reviewer: the card waits, with approve and reject buttons that post the decision.
	approvalRequired(event) {
		if (!this.cards.has(event.callId)) {
			this.toolCall(event.callId, event.name, event.arguments);
		}
		const card = this.cards.get(event.callId);
		card.dataset.status = 'awaiting';
		card.dataset.approvalId = event.approvalId;
		card.querySelector('.tool-status').textContent = 'awaiting approval';
		const actions = element('div', 'approval-actions');
		const note = element('span', 'approval-note', event.reason);
		const approve = element('button', 'approve', 'Approve');
		const reject = element('button', 'reject', 'Reject');
		approve.type = 'button';
		reject.type = 'button';
		approve.addEventListener('click', () => this.decide(card, event.approvalId, 'approve'));
		reject.addEventListener('click', () => this.decide(card, event.approvalId, 'reject'));
		actions.append(note, approve, reject);
		card.append(actions);
		setStatus('awaiting approval', 'awaiting');
		this.scroll();
	}

	async decide(card, approvalId, decision) {
		const buttons = card.querySelectorAll('.approval-actions button');
		buttons.forEach((b) => { b.disabled = true; });
		const body = decision === 'reject' ? { decision, reason: 'rejected on the demo page' } : { decision };
		const response = await fetch(`/v1/approvals/${encodeURIComponent(approvalId)}`, {
			method: 'POST',
			headers: { 'Authorization': `Bearer ${apiKey()}`, 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		}).catch(() => null);
		if (!response || !response.ok) {
			const error = response ? await response.json().catch(() => ({})) : {};
			card.querySelector('.approval-note').textContent = error.error ? error.error.message : 'the decision failed';
			buttons.forEach((b) => { b.disabled = false; });
		}
	}

	approvalResolved(event) {
		const card = this.cards.get(event.callId);
		if (!card) {
			return;
		}
		const actions = card.querySelector('.approval-actions');
		if (actions) {
			actions.remove();
		}
		card.dataset.status = 'running';
		card.querySelector('.tool-status').textContent = event.decision;
		setStatus('streaming');
	}

	end(text, isError) {
		const end = element('div', 'end-reason' + (isError ? ' error' : ''), text);
		this.root.append(end);
		this.root.dataset.ended = 'true';
		this.scroll();
	}

	scroll() {
		$('messages').scrollTop = $('messages').scrollHeight;
	}
}

/** One turn: applies each event once, in id order, whichever connection delivers it. */
class Turn {
	constructor(conversationId, view) {
		this.conversationId = conversationId;
		this.view = view;
		this.lastEventId = 0;
		this.turnId = null;
		this.streamToken = null;
		this.ended = false;
		this.source = null;
		this.cost = null;
	}

	apply(type, id, data) {
		if (id !== null && id !== '') {
			const n = Number(id);
			if (n <= this.lastEventId) {
				return; // already shown: a resumed stream replays nothing twice
			}
			this.lastEventId = n;
		}
		const event = data ? JSON.parse(data) : {};
		switch (type) {
			case 'turn.started':
				this.turnId = event.turnId;
				this.streamToken = event.streamToken || this.streamToken;
				break;
			case 'token':
				this.view.appendText(event.text);
				break;
			case 'tool.call':
				this.view.toolCall(event.callId, event.name, event.arguments);
				break;
			case 'tool.result':
				this.view.toolResult(event.callId, event.name, event.status, event.output, event.error, event.durationMs);
				break;
			case 'approval.required':
				this.view.approvalRequired(event);
				break;
			case 'approval.resolved':
				this.view.approvalResolved(event);
				break;
			case 'usage':
				this.cost = event.cost;
				break;
			case 'turn.completed': {
				const tokens = event.usage ? ` · ${event.usage.total_tokens} tokens` : '';
				const cost = this.cost !== null ? ` · cost ${this.cost}` : '';
				const budget = event.budget ? ` · ${event.budget.message}` : '';
				this.view.end(`ended: ${event.reason} · ${event.iterations} model call(s)${tokens}${cost}${budget}`, false);
				this.finish('done');
				break;
			}
			case 'turn.error':
				this.view.end(`failed: ${event.message} (${event.code})`, true);
				this.finish('failed');
				break;
			case 'stream.end':
				this.finish('done');
				break;
			default:
				break;
		}
	}

	finish(status) {
		this.ended = true;
		if (this.source) {
			this.source.close();
		}
		setStatus(status);
		state.busy = false;
		$('send').disabled = false;
	}

	async start(content) {
		setStatus('streaming');
		let response;
		try {
			response = await fetch(`/v1/conversations/${encodeURIComponent(this.conversationId)}/turns`, {
				method: 'POST',
				headers: { 'Authorization': `Bearer ${apiKey()}`, 'Content-Type': 'application/json' },
				body: JSON.stringify({ content }),
			});
		}
		catch (e) {
			this.view.end(`could not reach the gateway: ${e.message}`, true);
			this.finish('failed');
			return;
		}
		if (!response.ok) {
			const body = await response.json().catch(() => ({}));
			this.view.end(`HTTP ${response.status}: ${body.error ? body.error.message : response.statusText}`, true);
			this.finish('failed');
			return;
		}
		this.turnId = response.headers.get('Toolgate-Turn-Id');
		this.streamToken = response.headers.get('Toolgate-Stream-Token');
		try {
			await readSse(response.body, (type, id, data) => this.apply(type, id, data));
		}
		catch {
			// The connection dropped: resume below.
		}
		if (!this.ended) {
			this.resume();
		}
	}

	resume() {
		if (!this.turnId || !this.streamToken) {
			this.view.end('the connection dropped before the turn started', true);
			this.finish('failed');
			return;
		}
		setStatus('reconnecting');
		const url = `/v1/conversations/${encodeURIComponent(this.conversationId)}/turns/${encodeURIComponent(this.turnId)}`
			+ `/events?token=${encodeURIComponent(this.streamToken)}&last_event_id=${this.lastEventId}`;
		const source = new EventSource(url);
		this.source = source;
		source.onopen = () => setStatus('streaming');
		for (const type of EVENT_TYPES) {
			source.addEventListener(type, (e) => this.apply(type, e.lastEventId, e.data));
		}
		source.onerror = () => {
			if (this.ended) {
				return;
			}
			// EventSource reconnects by itself (sending Last-Event-ID) unless the server refused it for good, e.g.
			// because the stream token expired: then the API key resumes the turn.
			if (source.readyState === EventSource.CLOSED) {
				this.source = null;
				this.resumeWithKey(3);
			}
			else {
				setStatus('reconnecting');
			}
		};
	}
}

Turn.prototype.resumeWithKey = async function resumeWithKey(attempts) {
	const url = `/v1/conversations/${encodeURIComponent(this.conversationId)}/turns/${encodeURIComponent(this.turnId)}/events`;
	for (let attempt = 0; attempt < attempts && !this.ended; attempt++) {
		setStatus('reconnecting');
		try {
			const response = await fetch(url, {
				headers: { 'Authorization': `Bearer ${apiKey()}`, 'Last-Event-ID': String(this.lastEventId) },
			});
			if (!response.ok) {
				break;
			}
			setStatus('streaming');
			await readSse(response.body, (type, id, data) => this.apply(type, id, data));
		}
		catch {
			await new Promise((resolve) => setTimeout(resolve, 2000));
		}
	}
	if (!this.ended) {
		this.view.end('could not resume the stream', true);
		this.finish('failed');
	}
};

/** Reads an SSE body, calling onEvent(type, id, data) for each event; comments and retry: are skipped. */
async function readSse(body, onEvent) {
	const reader = body.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = '';
	let type = 'message';
	let id = null;
	let data = [];
	for (;;) {
		const { value, done } = await reader.read();
		if (done) {
			return;
		}
		buffer += value;
		let newline;
		while ((newline = buffer.indexOf('\n')) >= 0) {
			const line = buffer.slice(0, newline).replace(/\r$/, '');
			buffer = buffer.slice(newline + 1);
			if (line === '') {
				if (data.length > 0) {
					onEvent(type, id, data.join('\n'));
				}
				type = 'message';
				id = null;
				data = [];
			}
			else if (!line.startsWith(':')) {
				const colon = line.indexOf(':');
				const field = colon < 0 ? line : line.slice(0, colon);
				const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
				if (field === 'event') {
					type = val;
				}
				else if (field === 'data') {
					data.push(val);
				}
				else if (field === 'id') {
					id = val;
				}
			}
		}
	}
}

function renderHistory(messages) {
	let view = null;
	for (const m of messages) {
		if (m.role === 'user') {
			$('messages').append(element('div', 'message user', m.content));
			view = null;
		}
		else if (m.role === 'assistant') {
			view = view || new AnswerView();
			for (const call of m.tool_calls || []) {
				view.toolCall(call.id, call.function.name, call.function.arguments);
			}
			if (m.content) {
				view.appendText(m.content);
			}
		}
		else if (m.role === 'tool' && view) {
			let result = m.content;
			try {
				result = JSON.parse(m.content);
			}
			catch {
				// plain text result
			}
			const failed = result && typeof result === 'object' && 'error' in result;
			view.toolResult(m.tool_call_id, m.name || '', failed ? 'error' : 'ok', result, failed ? result.error : null);
		}
	}
}

async function openConversation(id, title) {
	state.conversationId = id;
	$('conversation-title').textContent = title || id;
	$('messages').replaceChildren();
	renderConversations();
	if (!apiKey()) {
		return;
	}
	const response = await fetch(`/v1/conversations/${encodeURIComponent(id)}`, {
		headers: { 'Authorization': `Bearer ${apiKey()}` },
	});
	if (response.ok) {
		renderHistory((await response.json()).messages || []);
	}
}

function send(event) {
	event.preventDefault();
	const content = $('prompt').value.trim();
	if (!content || state.busy) {
		return;
	}
	if (!state.conversationId) {
		state.conversationId = newConversationId();
		$('conversation-title').textContent = content.slice(0, 40);
		remember(state.conversationId, content.slice(0, 40));
	}
	state.busy = true;
	$('send').disabled = true;
	$('prompt').value = '';
	$('messages').append(element('div', 'message user', content));
	new Turn(state.conversationId, new AnswerView()).start(content);
}

function init() {
	$('api-key').value = localStorage.getItem(KEY_STORE) || '';
	$('api-key').addEventListener('change', () => localStorage.setItem(KEY_STORE, apiKey()));
	$('new-conversation').addEventListener('click', () => {
		state.conversationId = null;
		$('conversation-title').textContent = 'New conversation';
		$('messages').replaceChildren();
		setStatus('idle');
		renderConversations();
	});
	$('composer').addEventListener('submit', send);
	$('prompt').addEventListener('keydown', (e) => {
		if (e.key === 'Enter' && !e.shiftKey) {
			send(e);
		}
	});
	renderConversations();
}

init();
