// suspend.mjs - t0216: a link's suspension in the console, on two real
// daemons.
//
// ru-cert's supervisor ana and us-cert's supervisor bob have their links
// boards open, both active.  ana's Suspend without a reason is refused
// in place, nothing sent; with one, her board shows the banner and
// Resume.  bob's board shows the same banner without a reload (ana
// named, her reason), says only ru-cert can resume it and offers no
// Resume.  us-cert's duty officer composes a notification to ru-cert:
// the page says the link is suspended, offers no override, and after
// sending says the message is held, not sent.  bob's board lists it
// (live).  A message held by another operator (the CLI's) cannot be
// dropped by the duty officer (the API's sentence shows); bob drops it.
// bob composes with "Send now despite the suspension": the send carries
// override and is sent.  ana resumes: both banners go, nothing is held,
// and ru-cert's CLI shows the held notification arrived.  axe finds
// nothing serious.

import { userInfo } from 'node:os';
import { launch, login, axe, axeText, shot, done, step, check, hl, operator } from './lib.mjs';

const ru = operator('ru-cert', 'ana');
const us = operator('us-cert', 'bob');
const cli = userInfo().username;
const REASON = 'frozen by decision of the council';
const HELD = 'held notification from the duty desk';

async function until(what, fn, seconds = 20) {
	const end = Date.now() + seconds * 1000;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new Error(`timed out: ${what}`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

const json = (party, ...args) => JSON.parse(hl(party, ...args, '--json'));
const lines = (text) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));

const A = await launch();
const B = await launch({ browser: A.browser });
const ana = A.page;
const bob = B.page;
const sends = [];
// ana's side of the link is us-cert, bob's ru-cert.
const anaState = ana.locator('#state-us-cert');
const bobState = bob.locator('#state-ru-cert');
let D = null;
let heldId = '';
let caseId = '';

await step('ana and bob open their links boards: the link is active, Suspend for supervisors', async () => {
	await login(ana, ru.url, 'ana');
	await login(bob, us.url, 'bob');
	for (const [page, sec, base] of [[ana, anaState, ru.url], [bob, bobState, us.url]]) {
		await page.goto(new URL('#/links', base).href);
		await sec.getByText('Active: nothing is suspended.').waitFor();
		await sec.locator('button.suspend').waitFor();
		check(!(await sec.locator('button.resume').isVisible()), 'no Resume while nothing is suspended');
		await page.evaluate(() => {
			window.__noReload = true;
		});
	}
});

await step('ana\'s Suspend needs a reason; with one, her board shows the banner and Resume', async () => {
	await ana.locator('#suspend-us-cert').click();
	await until('the refusal in place', async () =>
		/say why the link is suspended/.test(await anaState.locator('div.error').textContent()));
	check(await ana.locator('#suspend-reason-us-cert').getAttribute('aria-invalid') === 'true', 'the reason is marked invalid');
	check(json('ru-cert', 'link', 'show', 'us-cert').state === 'active', 'nothing was sent');
	await ana.locator('#suspend-reason-us-cert').fill(REASON);
	await ana.locator('#suspend-lang-us-cert').selectOption('en');
	check(await ana.locator('#suspend-reason-us-cert').getAttribute('lang') === 'en', 'the reason\'s box takes its language');
	await ana.locator('#suspend-us-cert').click();
	const banner = anaState.locator('p.banner.suspended');
	await banner.waitFor();
	const said = await banner.textContent();
	check(/^Suspended by ru-cert since .+ \(by ana, supervisor\): /.test(said) && said.includes(`${REASON} [en] us-cert/out/1`),
		'the banner says who, since when, which operator, why and in which language', said);
	await anaState.locator('#resume-us-cert').waitFor();
	check(!(await anaState.locator('#suspend-us-cert').isVisible()), 'no second Suspend');
	check(json('ru-cert', 'link', 'show', 'us-cert').state === 'suspended', 'ru-cert\'s CLI agrees');
	await ana.locator('tr', { hasText: 'SUSPENDED by ru-cert' }).waitFor();
});

await step('bob\'s open board shows the banner without a reload, and no Resume: only ru-cert can resume it', async () => {
	const banner = bobState.locator('p.banner.suspended');
	await banner.waitFor({ timeout: 30000 });
	const said = await banner.textContent();
	check(/^Suspended by ru-cert since .+ \(by ana, supervisor\): /.test(said) && said.includes(REASON),
		'the peer\'s banner names ru-cert, ana and the reason', said);
	await bobState.getByText('Only ru-cert can resume it.').waitFor();
	check(!(await bobState.locator('#resume-ru-cert').isVisible()), 'no Resume of the peer\'s suspension');
	check(await bob.evaluate(() => window.__noReload) === true, 'the page was reloaded');
	const v = await axe(bob);
	check(v.length === 0, 'axe on the links board of a suspended link', axeText(v));
});

await step('bob suspends too: two banners on both boards, bob may resume only his; he does', async () => {
	await bob.locator('#suspend-reason-ru-cert').fill('our own freeze');
	await bob.locator('#suspend-ru-cert').click();
	await bobState.getByText('Resume lifts this party\'s suspension; only ru-cert can lift its own.').waitFor();
	check(await bobState.locator('p.banner.suspended').count() === 2, 'two banners at us-cert');
	check(await bobState.locator('p.banner', { hasText: /^Suspended by us-cert since .+ \(by bob, supervisor\): our own freeze ru-cert\/out\/1$/ }).count() === 1,
		'bob\'s banner', await bobState.locator('p.banner').allTextContents().then((x) => x.join(' | ')));
	await anaState.locator('p.banner', { hasText: 'our own freeze' }).waitFor({ timeout: 30000 });
	check(await anaState.locator('#resume-us-cert').isVisible(), 'ana may still resume hers');
	await bob.locator('#resume-ru-cert').click();
	await bobState.getByText('Only ru-cert can resume it.').waitFor();
	check(await bobState.locator('p.banner').count() === 1 && !(await bobState.locator('#resume-ru-cert').isVisible()),
		'one banner left at us-cert, and no Resume');
	await until('one banner left at ru-cert', async () => (await anaState.locator('p.banner').count()) === 1, 30);
	check(json('us-cert', 'link', 'show', 'ru-cert').suspended.length === 1, 'us-cert\'s CLI agrees');
});

await step('the duty officer\'s new case is held: the compose page says so, with no override', async () => {
	D = await launch({ browser: B.browser });
	D.page.on('request', (r) => {
		if (r.url().endsWith('/v1/send'))
			sends.push(JSON.parse(r.postData()));
	});
	await login(D.page, us.url, 'duty1');
	await D.page.goto(new URL('#/compose', us.url).href);
	await D.page.getByLabel('To', { exact: true }).selectOption('ru-cert');
	await D.page.getByText('ru-cert is suspended: a new case or a request is held until the link is resumed.').waitFor();
	check(!(await D.page.getByLabel('Send now despite the suspension').isVisible()), 'no override for a duty officer');
	await D.page.getByLabel('Language of the text').selectOption('en');
	await D.page.getByLabel('Text', { exact: true }).fill(HELD);
	await D.page.getByRole('button', { name: 'Send' }).click();
	const said = await D.page.locator('.done p.held').textContent();
	const m = /^Held: ru-cert is suspended; (ru-cert\/held\/\d+) is sent when the link is resumed\.$/.exec(said);
	check(m, 'the answer says held, not sent', said);
	heldId = m[1];
	const second = await D.page.locator('.done p').nth(1).textContent();
	const c = /^Case (\S+): held until the link is resumed\.$/.exec(second);
	check(c, 'the case is named as held', second);
	caseId = c[1];
	check(sends.length === 1 && !('override' in sends[0]), 'one send, without override', JSON.stringify(sends));
	const v = await axe(D.page);
	check(v.length === 0, 'axe on the compose page after a held send', axeText(v));
	await shot(D.page, 'console-compose-held');
});

await step('bob\'s board lists the held message; the duty officer may not drop another\'s, bob may', async () => {
	const row = bobState.locator('table.held tr', { hasText: HELD });
	await row.waitFor({ timeout: 20000 });
	const text = await row.textContent();
	check(text.includes(heldId) && text.includes('notification') && text.includes('ROUTINE') &&
		text.includes('duty1 (duty officer)'), 'the held row: id, kind, precedence, who', text);
	const out = hl('us-cert', 'send', '--to', 'ru-cert', 'held by the CLI');
	const other = /(ru-cert\/held\/\d+)/.exec(out)[1];
	const slug = other.replace(/\//g, '-');
	await D.page.goto(new URL('#/links', us.url).href);
	const dState = D.page.locator('#state-ru-cert');
	await dState.locator(`#drop-${slug}`).click();
	await until('the API\'s sentence', async () =>
		(await dState.locator('div.error').textContent()).includes(`held by ${cli}: only they or a supervisor may drop it`));
	check(await D.page.locator('#suspend-ru-cert').count() === 0, 'no Suspend for a duty officer');
	await bobState.locator(`#drop-${slug}`).waitFor();
	await bobState.locator('table.held').scrollIntoViewIfNeeded();
	await shot(bob, 'console-suspended');
	await bobState.locator(`#drop-${slug}`).click();
	await until('the row dropped', async () => (await bobState.locator(`#drop-${slug}`).count()) === 0);
	const held = lines(hl('us-cert', 'held', 'ru-cert', '--json'));
	check(held.length === 1 && held[0].id === heldId, 'only the duty officer\'s is held', JSON.stringify(held));
});

await step('bob sends at once despite the suspension: the send carries override', async () => {
	await bob.goto(new URL('#/compose', us.url).href);
	const sent = [];
	bob.on('request', (r) => {
		if (r.url().endsWith('/v1/send'))
			sent.push(JSON.parse(r.postData()));
	});
	await bob.getByLabel('To', { exact: true }).selectOption('ru-cert');
	await bob.getByLabel('Send now despite the suspension').check();
	await bob.getByLabel('Text', { exact: true }).fill('urgent despite the freeze');
	await bob.getByRole('button', { name: 'Send' }).click();
	const said = await bob.locator('.done p').first().textContent();
	check(/^Sent as ru-cert\/out\/\d+ /.test(said), 'sent, not held', said);
	check(sent.length === 1 && sent[0].override === true, 'the send carries override', JSON.stringify(sent));
	await bob.goto(new URL('#/links', us.url).href);
	await bobState.locator('p.banner.suspended').waitFor();
});

await step('ana resumes: both banners go, nothing is held, the held notification arrives', async () => {
	await ana.locator('#resume-us-cert').click();
	for (const sec of [anaState, bobState])
		await sec.getByText('Active: nothing is suspended.').waitFor({ timeout: 30000 });
	check(await anaState.locator('p.banner').count() === 0, 'no banner left at ru-cert');
	await until('nothing held at us-cert', async () => (await bobState.locator('table.held').count()) === 0, 30);
	check(await bobState.locator('p.banner').count() === 0, 'no banner left at us-cert');
	check(await bobState.locator('#suspend-ru-cert').isVisible(), 'Suspend offered again');
	const got = await until('the held notification at ru-cert', async () =>
		lines(hl('ru-cert', 'inbox', '--json')).find((x) => x.case === caseId && x.kind === 'notify'), 30);
	check(hl('ru-cert', 'show', got.id).includes(HELD), 'ru-cert received the held text');
	check(await ana.evaluate(() => window.__noReload) === true, 'ana\'s page was reloaded');
});

await step('no console error and no CSP violation on bob\'s and the duty officer\'s pages', async () => {
	for (const x of [B, D])
		check(x.errors.length === 0 && x.violations.length === 0, 'errors or CSP violations',
			[...x.errors, ...x.violations.map((v) => JSON.stringify(v))].join('\n'));
});
await D.context.close();
await B.context.close();
await done(A);
