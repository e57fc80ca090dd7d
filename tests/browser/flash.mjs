// flash.mjs - t0212: a FLASH reaches the duty officer's console.
//
// us-cert's console (HOTLINE_URL), its duty officer (HOTLINE_OPERATOR)
// and its auditor (otto); ru-cert, linked, sends with the CLI. The
// inbox shows a FLASH without a reload within a second of its event,
// first, with a live countdown, the sound and the title signal; it is
// acknowledged in one click, then another keyboard-only; ru-cert's case
// shows both acknowledgments by the duty officer's name. The Arabic case
// view is right to left, with its STIX as a table and a graph. The auditor sees no action and the API refuses
// them. Screenshots: inbox.png, case-ar.png.

import { launch, login, axe, axeText, shot, done, step, check, hl, env } from './lib.mjs';
import { join } from 'node:path';

const PEER = 'ru-cert';
const url = env.url;
const me = env.operator;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The sender's view of a case (the CLI's JSON): who did what.
function peerCase(id) {
	return JSON.parse(hl(PEER, 'case', 'show', id, '--json'));
}

async function until(what, fn, ms = 30000) {
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new Error(`timed out: ${what}`);
		await sleep(200);
	}
}

const ackedBy = (caseId, name) => (peerCase(caseId).messages || [])
	.filter((m) => m.type === 'ack' && m.by && m.by.name === name).length;

const due = (page) => page.$$eval('#table-due tr[data-id]', (trs) => trs.map((tr) => tr.dataset.id));

const ctx = await launch({ locale: 'en-US' });
const page = ctx.page;

await step('the console comes with its Content-Security-Policy', async () => {
	const res = await page.goto(url);
	const csp = res.headers()['content-security-policy'] || '';
	check(/script-src 'self'/.test(csp) && /style-src 'self'/.test(csp) && !/unsafe/.test(csp),
		'no strict CSP header', csp);
});

await step(`${me} logs in with password and TOTP; the inbox shows`, async () => {
	await login(page);
	await page.locator('#inbox-status').waitFor();
	check(new URL(page.url()).hash === '#/inbox', 'not the inbox', page.url());
	const nav = await page.$$eval('#nav a', (as) => as.map((a) => a.dataset.page));
	check(nav.includes('inbox') && nav.includes('compose') && !nav.includes('operators') && !nav.includes('audit'),
		'a duty officer\'s nav', nav.join(' '));
});

// Two messages before: a ROUTINE notification in Arabic, a PRIORITY
// request in its case.
hl(PEER, 'send', '--to', 'us-cert', '--precedence', 'routine', '--lang', 'ar',
	'--summary', 'Weekly phishing report', '--summary-lang', 'en',
	'تقرير أسبوعي عن حملات التصيد التي رصدناها');
hl(PEER, 'send', '--case', 'ru-cert#1', '--action', 'investigate,block', '--precedence', 'priority',
	'--tlp', 'TLP:AMBER', '--lang', 'en', 'Please block the sender domain and tell us what you find.');

await step('the two messages show without a reload, PRIORITY above ROUTINE', async () => {
	await page.evaluate(() => {
		window.__noReload = true;
	});
	await page.waitForFunction(() => document.querySelectorAll('#table-due tr[data-id]').length === 2, null,
		{ timeout: 30000 });
	const ids = await due(page);
	check(ids.join(' ') === 'ru-cert/2 ru-cert/1', 'order', ids.join(' '));
});

// The page's own clock: when the FLASH's event reached the browser (a
// stream of the test's own), when its row was on screen.
await page.evaluate(() => {
	window.__event = {};
	window.__row = {};
	const es = new EventSource('/v1/events');
	window.__stream = es;
	es.addEventListener('message', (e) => {
		const d = JSON.parse(e.data);
		if (!window.__event[d.message])
			window.__event[d.message] = Date.now();
	});
	es.onopen = () => {
		window.__open = true;
	};
	new MutationObserver(() => {
		for (const tr of document.querySelectorAll('#table-due tr[data-id]'))
			if (!window.__row[tr.dataset.id])
				window.__row[tr.dataset.id] = Date.now();
	}).observe(document.getElementById('main'), { subtree: true, childList: true });
});
await page.waitForFunction(() => window.__open === true);

const sentAt = Date.now();
hl(PEER, 'send', '--to', 'us-cert', '--precedence', 'flash', '--lang', 'ar',
	'--category', 'malicious-code/c2-server', '--tlp', 'TLP:AMBER+STRICT', '--severity', 'high',
	'--summary', 'Ransomware C2 on a water utility', '--summary-lang', 'en',
	'--stix', join(env.testDir, 'bundle.json'),
	'رصدنا خادم تحكم لبرنامج فدية في شبكة مرفق للمياه لديكم');
const stored = Date.now();
const FLASH = 'ru-cert/3';

await step('the FLASH shows within 1 s of its event, without a reload, on top', async () => {
	await page.waitForFunction((id) => window.__row[id] && window.__event[id], FLASH, { timeout: 30000 });
	const t = await page.evaluate((id) => ({ event: window.__event[id], row: window.__row[id], same: window.__noReload }), FLASH);
	console.log(`# FLASH on screen ${t.row - t.event} ms after its event reached the browser, ` +
		`${t.row - stored} ms after the CLI's send returned (${stored - sentAt} ms)`);
	check(t.same === true, 'the page was reloaded');
	check(t.row - t.event <= 1000, `${t.row - t.event} ms after its event`);
	const ids = await due(page);
	check(ids[0] === FLASH, 'not on top', ids.join(' '));
	const badge = await page.textContent(`#table-due tr[data-id="${FLASH}"] .badge`);
	check(badge.trim() === 'FLASH', 'badge', badge);
});

await step('its countdown runs, every second', async () => {
	const sel = `#table-due tr[data-id="${FLASH}"] .countdown`;
	const a = await page.textContent(sel);
	check(/^due in 0:1[45]:\d\d$/.test(a), 'countdown', a);
	const moved = await page.waitForFunction(([s, was]) => document.querySelector(s).textContent !== was,
		[sel, a], { timeout: 2500 }).then(() => true, () => false);
	check(moved, 'the countdown stood still', `${a} then ${await page.textContent(sel)}`);
});

await step('the title bar, the live region and the sound signal it', async () => {
	const s = await page.evaluate(() => ({
		title: document.title,
		said: document.getElementById('announce').textContent,
		beeps: Number(document.body.dataset.beeps || 0),
	}));
	check(/FLASH/.test(s.title), 'title', s.title);
	check(/FLASH/.test(s.said) && s.said.includes('ru-cert'), 'live region', s.said);
	check(s.beeps >= 1, 'no beep');
});

await step('the inbox has no serious axe violation (screenshot inbox.png)', async () => {
	await page.waitForFunction(() => [...document.querySelectorAll('[data-subject]')]
		.every((e) => e.textContent !== e.dataset.subject), null, { timeout: 10000 });
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await shot(page, 'inbox');
	const v = await axe(page);
	check(v.length === 0, 'axe', axeText(v));
});

await step('one click acknowledges it; focus goes to the next message', async () => {
	await page.fill(`[data-focus="note:${FLASH}"]`, 'read; calling the utility');
	await page.click(`button[data-ack="${FLASH}"]`);
	await page.waitForFunction((id) => !document.querySelector(`#table-due tr[data-id="${id}"]`), FLASH);
	const f = await page.evaluate(() => document.activeElement && document.activeElement.dataset.ack);
	check(f === 'ru-cert/2', 'focus', String(f));
	const said = await page.waitForFunction((id) => document.getElementById('announce').textContent.includes(id),
		FLASH, { timeout: 2000 }).then(() => true, () => false);
	check(said, 'announced', await page.textContent('#announce'));
});

await step(`ru-cert's case view shows the acknowledgment by ${me}`, async () => {
	await until('the ack at ru-cert', () => ackedBy('ru-cert#2', me) === 1);
});

await step('a request is answered from the inbox (accepted)', async () => {
	await page.click('button[data-answer="ru-cert/2"]');
	await page.locator('form.answer-form button[type=submit]').click();
	await until('the answer at ru-cert', () => (peerCase('ru-cert#1').messages || [])
		.some((m) => m.type === 'answer' && m.by && m.by.name === me));
});

hl(PEER, 'send', '--case', 'ru-cert#2', '--precedence', 'flash', '--lang', 'en',
	'--severity', 'critical', 'The C2 now also serves a second loader; see the same address.');
const FLASH2 = 'ru-cert/4';

await step('a second FLASH is acknowledged with the keyboard alone (Tab, Enter)', async () => {
	await page.waitForFunction((id) => document.querySelector(`#table-due tr[data-id="${id}"]`), FLASH2,
		{ timeout: 30000 });
	await page.focus('#main');
	let found = false;
	for (let i = 0; i < 80 && !found; i++) {
		await page.keyboard.press('Tab');
		found = await page.evaluate((id) => document.activeElement && document.activeElement.dataset.ack === id, FLASH2);
	}
	check(found, 'Tab never reached its Acknowledge button');
	const before = await due(page);
	const next = before[before.indexOf(FLASH2) + 1];
	await page.keyboard.press('Enter');
	await page.waitForFunction((id) => !document.querySelector(`#table-due tr[data-id="${id}"]`), FLASH2);
	const f = await page.evaluate(() => document.activeElement && (document.activeElement.dataset.ack || document.activeElement.id));
	check(f === next, 'focus after the ack', `${f}, not ${next}`);
	await until('the second ack at ru-cert', () => ackedBy('ru-cert#2', me) === 2);
});

// ru-cert corrects its update: the case view marks it.
hl(PEER, 'correct', 'us-cert/out/4', '--lang', 'en', 'The C2 also serves a second loader, from 203.0.113.8.');

await step('in Arabic the case view is right to left, with both sides, names and STIX (case-ar.png)', async () => {
	await page.selectOption('#lang', 'ar');
	await page.waitForFunction(() => document.documentElement.dir === 'rtl');
	await page.goto(new URL('#/case/' + encodeURIComponent('ru-cert#2'), url).href);
	await page.waitForFunction(() => document.querySelectorAll('#timeline > li').length >= 5, null, { timeout: 30000 });
	const v = await page.evaluate(() => ({
		dir: document.documentElement.dir,
		lang: document.documentElement.lang,
		acks: [...document.querySelectorAll('#timeline li[data-type="ack"] .operator')].map((e) => e.textContent),
		ours: document.querySelectorAll('#timeline li.ours').length,
		stix: [...document.querySelectorAll('.stix-table td')].map((e) => e.textContent).join(' '),
		corrected: document.querySelectorAll('[data-mark="corrected"]').length,
		compose: document.getElementById('case-compose') && document.getElementById('case-compose').getAttribute('href'),
		graph: [...document.querySelectorAll('figure.stix-graph svg')].map((g) =>
			`${g.querySelectorAll('g.node').length} ${g.querySelectorAll('g.edge').length} ${g.textContent.includes('indicates')}`),
		textLang: [...document.querySelectorAll('#timeline .freetext')].map((p) => p.getAttribute('lang')),
		textDir: [...document.querySelectorAll('#timeline .freetext[lang]')]
			.map((p) => `${p.getAttribute('lang')}:${getComputedStyle(p).direction}`),
		direction: getComputedStyle(document.body).direction,
	}));
	check(v.dir === 'rtl' && v.lang === 'ar' && v.direction === 'rtl', 'not rtl', JSON.stringify(v));
	check(v.acks.length === 2 && v.acks.every((a) => a.startsWith(me + ' ')), 'acks by name', v.acks.join(' | '));
	check(v.ours === 2, 'our side in the timeline', String(v.ours));
	check(v.stix.includes("[ipv4-addr:value = '203.0.113.7']"), 'STIX table', v.stix);
	check(v.corrected === 1, 'the correction is marked', String(v.corrected));
	check(v.graph.join() === '2 1 true', 'the STIX graph (nodes, edges)', v.graph.join());
	check(v.compose === '#/compose/ru-cert%232', 'a way to write in the case', v.compose);
	check(v.textLang.includes('ar') && v.textLang.includes('en'), 'free text in its language', v.textLang.join(' '));
	check(v.textDir.every((d) => d === 'ar:rtl' || d === 'en:ltr'), 'each text in its own direction', v.textDir.join(' '));
	await page.evaluate(() => document.activeElement && document.activeElement.blur());
	await shot(page, 'case-ar');
});

await step('the case view has no serious axe violation', async () => {
	const v = await axe(page);
	check(v.length === 0, 'axe', axeText(v));
});

await step(`the language is ${me}'s: kept after a reload`, async () => {
	await page.reload();
	await page.locator('#timeline > li').first().waitFor();
	check(await page.evaluate(() => document.documentElement.dir === 'rtl' && document.documentElement.lang === 'ar'),
		'the language went back');
});

// The auditor, in a browser of their own.
const aud = await launch({ locale: 'en-US' });
await step('the auditor sees no Acknowledge or Answer, in the inbox or a case', async () => {
	await login(aud.page, url, 'otto');
	await aud.page.locator('#inbox-status').waitFor();
	await aud.page.waitForFunction(() => document.querySelectorAll('#table-due tr[data-id]').length >= 1);
	const nav = await aud.page.$$eval('#nav a', (as) => as.map((a) => a.dataset.page));
	check(nav.includes('audit') && !nav.includes('compose'), 'an auditor\'s nav', nav.join(' '));
	check(await aud.page.locator('button[data-ack], button[data-answer], .acts').count() === 0, 'inbox actions');
	await aud.page.goto(new URL('#/case/' + encodeURIComponent('ru-cert#1'), url).href);
	await aud.page.locator('#timeline > li').first().waitFor();
	check(await aud.page.locator('main button, main form, main input, #case-compose').count() === 0, 'case actions');
});

await step('POST /v1/ack from the auditor\'s page is refused, 403, needs duty', async () => {
	const r = await aud.page.evaluate(async () => {
		const res = await fetch('/v1/ack', {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('hotline.csrf') },
			body: JSON.stringify({ id: 'ru-cert/1' }),
		});
		return { status: res.status, body: await res.json() };
	});
	check(r.status === 403 && r.body.needs === 'duty', 'not refused', JSON.stringify(r));
});
await step('the list of cases has no serious axe violation', async () => {
	await aud.page.click('#nav a[data-page="case"]');
	await aud.page.locator('.case-list tbody tr').first().waitFor();
	check(await aud.page.locator('.case-list tbody tr').count() === 2, 'two cases');
	const v = await axe(aud.page);
	check(v.length === 0, 'axe', axeText(v));
});
ctx.errors.push(...aud.errors.map((e) => 'otto: ' + e));
ctx.violations.push(...aud.violations);
await aud.browser.close();

await step('nothing was acknowledged by the auditor', async () => {
	check(ackedBy('ru-cert#1', 'otto') === 0, 'otto acked');
});

await done(ctx);
