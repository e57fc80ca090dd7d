// terms.mjs - t0215: a link's Terms in the console, on two real daemons.
//
// ru-cert's supervisor ana and us-cert's supervisor bob each have their
// links board open.  Before any agreement both say so and show the
// defaults, as durations.  ana's propose form is prefilled with them; a
// value that is not a duration is refused in place and one the daemon
// refuses says the daemon's sentence, nothing sent either time; she
// changes the FLASH acknowledgment and the languages and proposes, and
// only those two go to the API.  bob's open page shows the proposal
// without a reload; a decline without a reason is refused in place; he
// accepts, and both pages show version 1 in force (ana's by the event
// stream).  ana proposes version 2 with the CLI: us-cert's duty officer
// sees it but has no Accept, Decline or Propose; bob declines it with a
// reason, which both histories show.  axe finds nothing serious.

import { launch, login, axe, axeText, shot, done, step, check, hl, operator } from './lib.mjs';

const ru = operator('ru-cert', 'ana');
const us = operator('us-cert', 'bob');
const url = (base) => new URL('#/links', base).href;

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

const A = await launch();
const B = await launch();
const ana = A.page;
const bob = B.page;
const proposals = [];
ana.on('request', (r) => {
	if (r.url().endsWith('/v1/link/terms/propose'))
		proposals.push(JSON.parse(r.postData()));
});
// ana's side of the link is us-cert, bob's ru-cert.
const anaTerms = ana.locator('#terms-us-cert');
const bobTerms = bob.locator('#terms-ru-cert');

await step('ana and bob log in and open their links boards: no terms agreed, the defaults as durations', async () => {
	await login(ana, ru.url, 'ana');
	await login(bob, us.url, 'bob');
	for (const [page, sec] of [[ana, anaTerms], [bob, bobTerms]]) {
		await page.goto(url(page === ana ? ru.url : us.url));
		await sec.getByText('No terms agreed: each side uses its own hotline.conf.', { exact: false }).waitFor();
		const row = await sec.locator('table.terms tr', { hasText: 'ack due:' }).textContent();
		check(row.includes('0:15:00') && row.includes('3 d 0:00:00'), 'the acknowledgment deadlines as durations', row);
		check((await sec.locator('dl.fields').textContent()).includes('7 d 0:00:00'), 'the suspect window');
		await page.evaluate(() => {
			window.__noReload = true;
		});
	}
});

await step('ana\'s form is prefilled; a bad duration and terms that make no sense are refused in place, nothing stored', async () => {
	await anaTerms.locator('details.propose > summary').click();
	check(await anaTerms.locator('input.ack-flash').inputValue() === '15m', 'ack FLASH prefilled',
		await anaTerms.locator('input.ack-flash').inputValue());
	check(await anaTerms.locator('input.receipt-routine').inputValue() === '1d', 'receipt ROUTINE prefilled');
	check(await anaTerms.locator('input.languages').inputValue() === 'en', 'languages prefilled');
	await anaTerms.locator('input.ack-flash').fill('soon');
	await anaTerms.locator('button.propose-send').click();
	const box = anaTerms.locator('div.error');
	await until('the refusal in place', async () => /ack\.flash: not a duration/.test(await box.textContent()));
	check(await anaTerms.locator('input.ack-flash').getAttribute('aria-invalid') === 'true', 'the control is marked invalid');
	check(proposals.length === 0, 'nothing was sent', JSON.stringify(proposals));
	await anaTerms.locator('input.ack-flash').fill('2h');
	await anaTerms.locator('button.propose-send').click();
	await until('the daemon\'s sentence', async () =>
		/ack\.flash \(7200 s\) is later than ack\.immediate \(3600 s\)/.test(await box.textContent()));
	check(proposals.length === 1, 'one refused proposal', JSON.stringify(proposals));
	const j = JSON.parse(hl('ru-cert', 'link', 'terms', 'us-cert', '--json'));
	check(j.messages.length === 0, 'nothing stored', JSON.stringify(j.messages));
});

await step('ana proposes: only what she changed is sent; her board shows her proposal awaiting the peer', async () => {
	await anaTerms.locator('input.ack-flash').fill('10m');
	await anaTerms.locator('input.languages').fill('en, ru');
	await anaTerms.getByLabel('Text (optional)').fill('terms for the new year');
	await anaTerms.locator('button.propose-send').click();
	await anaTerms.locator('.done', { hasText: 'Proposed terms version 1 as us-cert/out/1.' }).waitFor();
	const sent = proposals[1];
	check(JSON.stringify(Object.keys(sent.terms).sort()) === '["ack","languages"]' &&
		sent.terms.ack.flash === 600 && sent.terms.ack.routine === 259200 &&
		sent.terms.languages.join(',') === 'en,ru' && sent.text === 'terms for the new year',
		'the proposal carries what changed', JSON.stringify(sent));
	await anaTerms.locator('#proposal-us-cert-out-1', { hasText: 'awaiting the peer\'s answer' }).waitFor();
	check(await anaTerms.locator('#accept-us-cert-out-1').count() === 0, 'no Accept for one\'s own proposal');
});

await step('bob\'s open board shows the open proposal without a reload; a decline needs a reason', async () => {
	const p = bobTerms.locator('#proposal-ru-cert-1');
	await p.waitFor({ timeout: 30000 });
	check((await p.textContent()).includes('terms for the new year'), 'the proposal\'s text', await p.textContent());
	const row = await p.locator('table.terms tr', { hasText: 'ack due:' }).textContent();
	check(row.includes('0:10:00'), 'the proposed FLASH acknowledgment', row);
	check(await bob.evaluate(() => window.__noReload) === true, 'the page was reloaded');
	await bobTerms.locator('#decline-ru-cert-1').click();
	await until('the refusal', async () => /say why the terms are declined/.test(await bobTerms.locator('div.error').textContent()));
	check(await bobTerms.locator('#reason-ru-cert-1').getAttribute('aria-invalid') === 'true', 'the reason is marked invalid');
	const v = await axe(bob);
	check(v.length === 0, 'axe on the links board with an open proposal', axeText(v));
	await bobTerms.locator('#proposal-ru-cert-1').scrollIntoViewIfNeeded();
	await shot(bob, 'console-terms-proposal');
});

await step('bob accepts: both boards show version 1 in force, ana\'s by the event stream', async () => {
	await bobTerms.locator('#accept-ru-cert-1').click();
	for (const [page, sec] of [[bob, bobTerms], [ana, anaTerms]]) {
		await sec.locator('.terms-state', { hasText: /^Version 1 in force since / }).waitFor({ timeout: 30000 });
		const row = await sec.locator('.terms-now > table.terms tr', { hasText: 'ack due:' }).textContent();
		check(row.includes('0:10:00'), 'the agreed FLASH acknowledgment', row);
		check((await sec.locator('.terms-now > dl.fields').textContent()).includes('en, ru'), 'the languages');
		check(await sec.locator('.proposal').count() === 0, 'no open proposal left');
		check(await page.evaluate(() => window.__noReload) === true, 'the page was reloaded');
	}
	await anaTerms.getByText('Proposed in us-cert/out/1 by ru-cert (ana, supervisor), accepted in us-cert/1 by us-cert (bob, supervisor).').waitFor();
	await bobTerms.getByText('Proposed in ru-cert/1 by ru-cert (ana, supervisor), accepted in ru-cert/out/1 by us-cert (bob, supervisor).').waitFor();
	const hist = await anaTerms.locator('table.terms-history').textContent();
	check(/accepted \(us-cert\/1\)/.test(hist), 'the history says who accepted', hist);
	for (const p of ['ru-cert', 'us-cert']) {
		const j = JSON.parse(hl(p, 'link', 'terms', p === 'ru-cert' ? 'us-cert' : 'ru-cert', '--json'));
		check(j.in_force && j.in_force.version === 1 && j.in_force.terms.ack.flash === 600, `${p}'s CLI agrees`,
			JSON.stringify(j.in_force));
	}
	await anaTerms.locator('h3').scrollIntoViewIfNeeded();
	await ana.evaluate(() => document.querySelector('#terms-us-cert h3').scrollIntoView());
	await shot(ana, 'console-terms');
});

// Envelopes are dated to the second, and a proposal names nothing, so
// the terms fold places one made in the second of the accept it follows
// before that accept (a tie goes by party name) and calls it a skipped
// version: a known limit of the protocol (a proposal should name the
// accept it follows).  ana proposes in the next second, as an operator
// does.
await new Promise((r) => setTimeout(r, 1100));
hl('ru-cert', 'link', 'terms', 'propose', 'us-cert', '--check-every', 'none', 'no scheduled checks');

await step('a duty officer sees the open proposal but no Accept, Decline or Propose', async () => {
	const D = await launch({ browser: B.browser });
	try {
		await login(D.page, us.url, 'duty1');
		await D.page.goto(url(us.url));
		const sec = D.page.locator('#terms-ru-cert');
		await sec.locator('#proposal-ru-cert-2').waitFor({ timeout: 30000 });
		await sec.locator('.terms-state', { hasText: /^Version 1 in force/ }).waitFor();
		check(await sec.locator('button').count() === 0, 'no button in the Terms',
			await sec.locator('button').allTextContents().then((x) => x.join(' | ')));
		check(await sec.locator('details.propose').count() === 0, 'no Propose form');
		check(D.errors.length === 0 && D.violations.length === 0, 'no error and no CSP violation',
			[...D.errors, ...D.violations.map((x) => JSON.stringify(x))].join('\n'));
	} finally {
		await D.context.close();
	}
});

await step('bob declines version 2 with a reason; both histories show it', async () => {
	await bobTerms.locator('#proposal-ru-cert-2').waitFor({ timeout: 30000 });
	await bobTerms.locator('#reason-ru-cert-2').fill('checks are part of the arrangement');
	await bobTerms.locator('#decline-ru-cert-2').click();
	for (const sec of [bobTerms, anaTerms]) {
		await until('the decline in the history', async () => {
			const h = await sec.locator('table.terms-history').textContent();
			return /declined/.test(h) && h.includes('checks are part of the arrangement');
		}, 30);
		check(await sec.locator('.proposal').count() === 0, 'no open proposal left');
		await sec.locator('.terms-state', { hasText: /^Version 1 in force/ }).waitFor();
	}
});

await step('ana\'s page: no console error, no CSP violation', async () => {
	check(A.errors.length === 0 && A.violations.length === 0, 'errors or CSP violations',
		[...A.errors, ...A.violations.map((x) => JSON.stringify(x))].join('\n'));
});
await A.browser.close();
await done(B);
