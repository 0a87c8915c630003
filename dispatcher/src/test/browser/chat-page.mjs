// The demo chat page in Chromium: tokens painted incrementally, parallel tool cards resolving, a network cut
// mid-stream resumed with no duplicated text, and held calls approved and rejected from their cards.
import path from 'node:path';
import { API_KEY, ARTIFACTS, assert, cuttingProxy, lastAnswer, launchBrowser, log } from './lib.mjs';

const PARALLEL_PROMPT = 'What is the weather in Paris and multiply 12 by 7 and what time is it in Tokyo?';

// Samples, on every animation frame, the length of the last answer's text and whether it has ended, and every
// status the page shows.
function recordPaints() {
	window.__paints = [];
	window.__statuses = [];
	const sample = () => {
		const answers = document.querySelectorAll('.message.assistant');
		const last = answers[answers.length - 1];
		if (last) {
			window.__paints.push({ answers: answers.length, length: last.querySelector('.text').textContent.length,
				ended: last.dataset.ended === 'true' });
		}
		requestAnimationFrame(sample);
	};
	requestAnimationFrame(sample);
	new MutationObserver(() => {
		const status = document.getElementById('status');
		if (status && window.__statuses[window.__statuses.length - 1] !== status.textContent) {
			window.__statuses.push(status.textContent);
		}
	}).observe(document, { subtree: true, childList: true, characterData: true });
}

async function ask(page, prompt) {
	await page.click('#new-conversation');
	await page.fill('#prompt', prompt);
	await page.click('#send');
}

async function lastAnswerText(page) {
	return page.locator('.message.assistant').last().locator('.text').textContent();
}

async function conversationId(page) {
	return page.locator('#conversations li.active').getAttribute('data-id');
}

async function tokensArriveIncrementally(page) {
	await ask(page, 'Tell me about reactive streams');
	await page.locator('.message.assistant[data-ended="true"]').last().waitFor({ timeout: 30000 });
	const paints = await page.evaluate(() => window.__paints.filter((p) => p.answers === 1));
	const before = new Set(paints.filter((p) => !p.ended && p.length > 0).map((p) => p.length));
	log(`distinct text lengths painted before the end: ${before.size}`);
	assert(before.size > 1, `more than one paint before completion, saw ${before.size}`);
	const text = await lastAnswerText(page);
	assert(text === await lastAnswer(await conversationId(page)), 'the page shows the stored answer');
	assert(await page.locator('.message.assistant .end-reason').last().textContent()
		.then((t) => t.startsWith('ended: stop')), 'end reason shown');
	await page.screenshot({ path: path.join(ARTIFACTS, 'chat-tokens.png') });
	log('ok tokens arrive incrementally');
}

async function parallelToolCardsResolve(page) {
	await ask(page, PARALLEL_PROMPT);
	const cards = page.locator('.message.assistant').last().locator('.tool-card');
	await page.waitForFunction(() => {
		const answers = document.querySelectorAll('.message.assistant');
		return answers[answers.length - 1].querySelectorAll('.tool-card').length === 3;
	}, null, { timeout: 30000 });
	await page.locator('.message.assistant[data-ended="true"]').nth(0).waitFor({ timeout: 30000 });
	const statuses = await cards.evaluateAll((nodes) => nodes.map((n) => n.dataset.status));
	const names = await cards.locator('.tool-name').allTextContents();
	assert(JSON.stringify(statuses) === '["ok","ok","ok"]', `three resolved cards, saw ${statuses}`);
	assert(names.sort().join() === 'calculator,clock,weather', `cards of the three tools, saw ${names}`);
	const args = await cards.locator('.tool-args').allTextContents();
	assert(args.some((a) => a.includes('"city":"Paris"')), 'arguments shown');
	const results = await cards.locator('.tool-result').allTextContents();
	assert(results.some((r) => r.includes('"result":84')), 'results shown');
	await page.screenshot({ path: path.join(ARTIFACTS, 'chat-page.png') });
	log('ok parallel tool cards resolve');
}

async function resumesAfterNetworkCut(page, proxy) {
	await ask(page, 'Tell me about reactive streams');
	const answer = page.locator('.message.assistant').last().locator('.text');
	await page.waitForFunction(() => {
		const answers = document.querySelectorAll('.message.assistant .text');
		return answers[answers.length - 1].textContent.length > 8;
	}, null, { timeout: 30000 });
	const atFirstCut = (await answer.textContent()).length;
	log(`cut 1 (fetch stream) after ${atFirstCut} chars: ${proxy.cut()} sockets`);
	// The page resumes with EventSource; cut that connection too once it has delivered more text, so that the
	// browser's own reconnect (with Last-Event-ID) is exercised.
	await page.waitForFunction((n) => {
		const answers = document.querySelectorAll('.message.assistant .text');
		return answers[answers.length - 1].textContent.length > n;
	}, atFirstCut, { timeout: 30000 });
	const ended = await page.locator('.message.assistant').last().getAttribute('data-ended');
	if (ended !== 'true') {
		log(`cut 2 (EventSource) after ${(await answer.textContent()).length} chars: ${proxy.cut()} sockets`);
	}
	await page.locator('.message.assistant').last().locator('.end-reason').waitFor({ timeout: 30000 });
	const text = await answer.textContent();
	const stored = await lastAnswer(await conversationId(page));
	assert(text === stored, `no duplicated or missing text after the cut:\n page: ${text}\n store: ${stored}`);
	const statuses = await page.evaluate(() => window.__statuses);
	assert(statuses.includes('reconnecting'), `the page showed it was reconnecting: ${statuses}`);
	const resumes = proxy.requests.filter((r) => r.line.includes('/events?token='));
	log(`resume requests: ${JSON.stringify(resumes)}`);
	assert(resumes.length >= 1, 'resumed through EventSource with a stream token');
	if (ended !== 'true') {
		assert(resumes.some((r) => r.lastEventId !== null), 'EventSource reconnected with Last-Event-ID');
	}
	await page.screenshot({ path: path.join(ARTIFACTS, 'chat-resumed.png') });
	log('ok resumes after a network cut with no duplicated text');
}

async function resumesWithTheKeyWhenTheTokenIsRefused(page, proxy) {
	// As if the stream token had expired: every EventSource request is refused with 401.
	await page.route('**/events?token=**', (route) => route.fulfill({ status: 401, contentType: 'application/json',
		body: '{"error":{"type":"authentication_error","message":"Invalid or expired stream token","code":"invalid_api_key"}}' }));
	await ask(page, 'Tell me about reactive streams');
	await page.waitForFunction(() => {
		const answers = document.querySelectorAll('.message.assistant .text');
		return answers[answers.length - 1].textContent.length > 8;
	}, null, { timeout: 30000 });
	log(`cut (fetch stream), EventSource refused: ${proxy.cut()} sockets`);
	await page.locator('.message.assistant').last().locator('.end-reason').waitFor({ timeout: 30000 });
	const text = await lastAnswerText(page);
	const stored = await lastAnswer(await conversationId(page));
	assert(text === stored, `no duplicated or missing text after resuming with the key:\n page: ${text}\n store: ${stored}`);
	assert(await page.locator('.message.assistant .end-reason').last().textContent()
		.then((t) => t.startsWith('ended: stop')), 'the turn ended normally');
	await page.unroute('**/events?token=**');
	log('ok resumes with the API key when the stream token is refused');
}

async function heldCallsShowApproveAndRejectButtons(page) {
	await ask(page, 'Send an email to bob@example.com saying hello, and multiply 12 by 7');
	const answer = page.locator('.message.assistant').last();
	const held = answer.locator('.tool-card[data-status="awaiting"]');
	await held.waitFor({ timeout: 30000 });
	assert(await held.locator('.tool-name').textContent() === 'send_email', 'the held card is send_email');
	assert(await held.locator('button.approve').isVisible() && await held.locator('button.reject').isVisible(),
		'approve and reject buttons shown');
	assert(await page.locator('#status').textContent() === 'awaiting approval', 'the status says it waits');
	await page.screenshot({ path: path.join(ARTIFACTS, 'chat-approval.png') });
	await held.locator('button.approve').click();
	await answer.locator('.end-reason').waitFor({ timeout: 30000 }).catch(async (e) => {
		log(`statuses: ${JSON.stringify(await page.evaluate(() => window.__statuses))}`);
		log(`answer: ${await answer.innerHTML()}`);
		throw e;
	});
	const statuses = await answer.locator('.tool-card').evaluateAll((nodes) => nodes.map((n) => n.dataset.status));
	assert(JSON.stringify(statuses) === '["ok","ok"]', `both calls ran once approved, saw ${statuses}`);
	assert(await answer.locator('.approval-actions').count() === 0, 'the buttons are gone once decided');
	assert((await lastAnswerText(page)).includes('recorded'), 'the answer quotes the approved call');
	log('ok a held call is approved from its card');

	await ask(page, 'Send an email to the team');
	const next = page.locator('.message.assistant').last();
	await next.locator('.tool-card[data-status="awaiting"] button.reject').click({ timeout: 30000 });
	await next.locator('.end-reason').waitFor({ timeout: 30000 });
	assert(await next.locator('.tool-card').getAttribute('data-status') === 'error', 'the rejected call is an error');
	assert((await next.locator('.tool-result').textContent()).includes('rejected by a reviewer'),
		'the card shows why it did not run');
	log('ok a held call is rejected from its card');
}

const proxy = await cuttingProxy();
const browser = await launchBrowser();
try {
	const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
	page.on('console', (m) => log(`page console: ${m.text()}`));
	await page.addInitScript(recordPaints);
	await page.goto(proxy.url + '/');
	await page.fill('#api-key', API_KEY);
	await page.locator('#api-key').dispatchEvent('change');
	const started = Date.now();
	await tokensArriveIncrementally(page);
	await page.reload();
	await parallelToolCardsResolve(page);
	await page.reload();
	await resumesAfterNetworkCut(page, proxy);
	await page.reload();
	await resumesWithTheKeyWhenTheTokenIsRefused(page, proxy);
	await page.reload();
	await heldCallsShowApproveAndRejectButtons(page);
	log(`chat page scenarios took ${Date.now() - started} ms`);
}
finally {
	await browser.close();
	await proxy.close();
}
