// pages.mjs PEER SILENT - the compose, links, evidence, operators and
// audit pages of the console, on real daemons (run by
// tests/t0213-console-pages.sh through browser_run, logged in as an
// operator holding every role).  PEER is a linked party whose hotlined
// runs: its side is read and answered with the CLI, as its duty officer
// would.  SILENT is a linked party whose hotlined never runs.  The
// operator "duty1" (a duty officer who sends up to ROUTINE) logs in too.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, login, axe, axeText, shot, done, step, check, env, hl } from './lib.mjs';

const [peer, silent] = process.argv.slice(2);
const me = env.party;
const card = (party) => join(env.testDir, party, 'card');

const BUNDLE = {
	type: 'bundle',
	id: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
	objects: [{
		type: 'indicator', spec_version: '2.1', id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
		created: '2026-11-22T10:00:00.000Z', modified: '2026-11-22T10:00:00.000Z',
		name: 'ransomware C2', pattern: "[ipv4-addr:value = '203.0.113.7']",
		pattern_type: 'stix', valid_from: '2026-11-22T10:00:00Z',
	}],
};

// The peer's CLI: its JSON answer.
function peerJson(...args) {
	return hl(peer, ...args, '--json');
}

function peerInbox() {
	return peerJson('inbox').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function url(hash) {
	return new URL(hash, env.url).href;
}

async function until(what, fn, seconds = 20) {
	const end = Date.now() + seconds * 1000;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() > end)
			throw new Error(`timed out: ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

async function noSerious(page, name) {
	const v = await axe(page);
	check(v.length === 0, `axe finds serious or critical violations on ${name}`, axeText(v));
}

const ctx = await launch();
const { page } = ctx;
const sends = [];
page.on('request', (r) => {
	if (r.url().endsWith('/v1/send'))
		sends.push(r.postData());
});
let sentId = '';

await step('the operator logs in', async () => {
	await login(page);
});

await step('compose: a bad STIX file is refused in place; nothing is sent', async () => {
	await page.goto(url('#/compose'));
	await page.getByLabel('STIX 2.1 file').waitFor();
	await page.getByRole('radio', { name: 'FLASH' }).check();
	await page.getByLabel('Text', { exact: true }).fill('C2 server of a ransomware in your network');
	await page.getByLabel('STIX 2.1 file').setInputFiles({
		name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"type": "bundle", "objects": ['),
	});
	const problem = page.locator('.problem:not([hidden])');
	await problem.waitFor();
	check(/not JSON/.test(await problem.textContent()), 'the problem says the file is not JSON', await problem.textContent());
	check(await page.getByLabel('STIX 2.1 file').getAttribute('aria-invalid') === 'true', 'the file input is marked invalid');
	await page.getByLabel('STIX 2.1 file').setInputFiles({
		name: 'array.json', mimeType: 'application/json', buffer: Buffer.from('[{"type": "bundle"}]'),
	});
	await until('the second problem', async () => /not a STIX bundle/.test(await problem.textContent()));
	await page.getByRole('button', { name: 'Send' }).click();
	await page.waitForTimeout(300);
	check(sends.length === 0, 'a send was made with a bad STIX file', sends.join('\n'));
	await noSerious(page, 'the compose page');
});

await step('compose: a FLASH notification with a STIX file is sent; its case is linked', async () => {
	await page.getByLabel('STIX 2.1 file').setInputFiles({
		name: 'c2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(BUNDLE)),
	});
	await until('the bundle is read', async () => /a bundle of 1 objects/.test(await page.locator('.hint:not([hidden])').allTextContents().then((a) => a.join(' '))));
	await page.getByLabel('Category (RSIT)').selectOption('malicious-code/c2-server');
	await page.getByLabel('TLP', { exact: true }).selectOption('TLP:AMBER');
	await page.getByLabel('Severity').selectOption('high');
	await page.getByLabel('Language of the text').selectOption('en');
	await page.getByRole('button', { name: 'Send' }).click();
	const link = page.locator('.done a[href^="#/case/"]');
	await link.waitFor();
	const said = await page.locator('.done').textContent();
	const m = /Sent as (\S+) /.exec(said);
	check(m, 'the answer names the message', said);
	sentId = m[1];
	check(sends.length === 1, 'one send was made', sends.join('\n'));
	const body = JSON.parse(sends[0]);
	check(body.precedence === 'flash' && body.stix && body.stix.id === BUNDLE.id && body.to === peer,
		'the send carries the precedence, the bundle and the link', sends[0]);
	await link.click();
	await until('the case page', async () => page.url().includes('#/case/'));
	await shot(page, 'console-compose-sent');
});

await step('the peer receives the FLASH notification with its bundle', async () => {
	const line = await until('the peer\'s inbox', async () => peerInbox().find((x) => x.precedence === 'flash' && x.kind === 'notify'));
	const shown = JSON.parse(peerJson('show', line.id));
	check(shown.content && shown.content.stix && shown.content.stix.objects[0].pattern === BUNDLE.objects[0].pattern,
		'the peer\'s message carries the bundle', JSON.stringify(shown));
	check(shown.content.category === 'malicious-code/c2-server' && shown.content.tlp === 'TLP:AMBER' &&
		shown.content.severity === 'high' && shown.content.text.lang === 'en',
	'the peer\'s message carries the fields', JSON.stringify(shown.content));
});

await step('compose: an update and a request of the case, picked by the case link', async () => {
	const caseId = decodeURIComponent(page.url().split('#/case/')[1]);
	await page.goto(url(`#/compose/${encodeURIComponent(caseId)}`));
	await page.getByLabel('Case', { exact: true }).waitFor();
	check(await page.getByRole('radio', { name: 'update' }).isChecked(), 'the case link makes an update');
	check(await page.getByLabel('To', { exact: true }).isHidden(), 'an update names no link');
	await page.getByLabel('Text', { exact: true }).fill('The C2 server moved to 198.51.100.9');
	await page.getByRole('button', { name: 'Send' }).click();
	await page.locator('.done', { hasText: 'Sent as' }).waitFor();
	await page.getByRole('radio', { name: 'request' }).check();
	check(await page.getByLabel('STIX 2.1 file').isHidden(), 'a request carries no STIX file');
	await page.getByLabel('Text', { exact: true }).fill('Please take it down');
	await page.getByRole('button', { name: 'Send' }).click();
	await page.getByText('A request asks for at least one action.').waitFor();
	await page.getByLabel('take down infrastructure').check();
	await page.getByRole('button', { name: 'Send' }).click();
	await page.locator('.done', { hasText: 'Sent as' }).waitFor();
	const kinds = await until('both reach the peer', async () => {
		const k = peerInbox().filter((x) => x.case === caseId).map((x) => x.kind);
		return k.includes('update') && k.includes('request') ? k : null;
	});
	check(kinds.length === 3, 'the case holds the notification, the update and the request', kinds.join(' '));
	const req = JSON.parse(peerJson('show', peerInbox().find((x) => x.kind === 'request').id));
	check(JSON.stringify(req.content.actions) === '["take-down"]', 'the request asks for the take-down', JSON.stringify(req.content));
});

await step('links board: the link, a check run from it, answered by the peer, in the table and the chart', async () => {
	await page.goto(url('#/links'));
	const row = page.locator('table:not(.figures) tbody tr', { hasText: peer });
	await row.waitFor();
	check(/yes/.test(await row.textContent()), 'the link shows as confirmed', await row.textContent());
	await page.locator(`#run-check-${peer}`).click();
	const check1 = await until('the check reaches the peer', async () => peerInbox().find((x) => x.kind === 'check'));
	hl(peer, 'ack', check1.id);
	const answered = page.locator('table.figures tbody tr', { hasText: 'answered' });
	await answered.waitFor({ timeout: 20000 });
	const cells = await answered.locator('td').allTextContents();
	check(cells[3] !== 'none' && cells[4] !== 'none', 'the row gives the receipt and the reply times', cells.join(' | '));
	const hasChart = await page.evaluate(() => typeof window.Chart === 'function');
	if (hasChart)
		await page.locator('.chart canvas').waitFor();
	else
		await page.getByText('The chart library is missing').waitFor();
	await shot(page, 'console-links');
	await noSerious(page, 'the links board');
});

await step('links board: a link that missed its check stands out, in words', async () => {
	await page.locator(`#run-check-${silent}`).click();
	const row = page.locator('table:not(.figures) tbody tr', { hasText: silent });
	await until('the silent link', async () => {
		await page.waitForTimeout(1000);
		await page.reload();
		await row.waitFor();
		return /SILENT: the last check was missed/.test(await row.textContent());
	});
	check(await row.getAttribute('class').then((c) => c.includes('silent')), 'the row is marked silent');
	check(!/SILENT/.test(await page.locator('table:not(.figures) tbody tr', { hasText: peer }).first().textContent()),
		'the answering link is not silent');
	await page.getByText(`This link has gone silent: the last check was missed.`).waitFor();
	await page.locator(`#link-${silent} td.missed`).first().waitFor();
	await shot(page, 'console-links-silent');
});

await step('evidence: hotlined verifies the transcript intact; a proof of the FLASH downloads and verifies offline', async () => {
	await page.goto(url(`#/evidence/${sentId}`));
	const verdicts = page.locator(`#ev-link-${peer}`);
	await verdicts.getByText('No evidence that the peer equivocated.').waitFor();
	await until('the FLASH is receipted', async () => {
		await page.getByRole('button', { name: 'Verify' }).click();
		return /all receipted by the peer/.test(await verdicts.textContent());
	});
	check(/receipted by the peer up to 0/.test(await page.locator(`#ev-link-${silent}`).textContent()),
		'the silent link\'s check is not receipted', await page.locator(`#ev-link-${silent}`).textContent());
	// hotlined recomputes the transcript (POST /v1/log/verify) and the
	// page says it per link, in words, and announces the outcome.
	const verifyButton = page.getByRole('button', { name: 'Verify the transcript' });
	await verifyButton.focus();
	await page.keyboard.press('Enter');
	await page.locator('#ev-overall').getByText('The transcript is intact.').waitFor();
	await until('the outcome is announced', async () =>
		(await page.locator('#announce').textContent()) === 'The transcript is intact.');
	for (const link of [peer, silent]) {
		const text = await page.locator(`#ev-link-${link}`).textContent();
		check(text.includes('Recomputed: every signature, Merkle tree, checkpoint and receipt holds.'),
			`the transcript of ${link} is recomputed and intact`, text);
	}
	check((await page.locator('#ev-indexes').textContent()).includes('The indexes match the envelopes.'),
		'the indexes are checked', await page.locator('#ev-indexes').textContent());
	check(!(await page.locator('main').textContent()).includes('hotline log verify'),
		'the page no longer sends the operator to the CLI to verify');
	await until('the outcome takes the focus', async () =>
		page.locator('#ev-overall').evaluate((p) => p === document.activeElement));
	await page.getByLabel('Disclose what the message said').check();
	await page.getByRole('button', { name: 'Export the proof' }).click();
	const a = page.locator('.done a.download');
	await a.waitFor();
	const [dl] = await Promise.all([page.waitForEvent('download'), a.click()]);
	const file = join(env.testDir, dl.suggestedFilename());
	await dl.saveAs(file);
	const r = spawnSync(env.bin, ['proof', 'verify', '--card', card(me), '--card', card(peer), file], { encoding: 'utf8' });
	check(r.status === 0, 'hotline proof verify accepts the downloaded proof', r.stdout + r.stderr);
	check(/C2 server of a ransomware/.test(r.stdout), 'the disclosed proof carries the text', r.stdout);
	await noSerious(page, 'the evidence page');
});

await step('operators: an admin adds an operator', async () => {
	await page.goto(url('#/operators'));
	await page.getByLabel('Name', { exact: true }).waitFor();
	await page.getByLabel('Name', { exact: true }).fill('duty2');
	await page.getByLabel('A duty officer sends up to').first().selectOption('priority');
	await page.getByRole('button', { name: 'Add the operator' }).click();
	await page.locator('table.operators tbody tr', { hasText: 'duty2' }).waitFor();
	await page.locator('#manage-h').waitFor();
	const shown = JSON.parse(hl(me, 'operator', 'show', 'duty2', '--json'));
	check(shown.roles.join() === 'duty' && shown.max_precedence === 'priority' && !shown.disabled,
		'the daemon holds the new duty officer', JSON.stringify(shown));
	await noSerious(page, 'the operators page');
	await page.getByRole('button', { name: 'Disable duty2' }).click();
	await page.locator('table.operators tbody tr', { hasText: 'duty2' }).filter({ hasText: 'disabled' }).waitFor();
	check(JSON.parse(hl(me, 'operator', 'show', 'duty2', '--json')).disabled, 'the daemon holds duty2 disabled');
	await page.getByRole('button', { name: 'Enable duty2' }).click();
	await page.getByRole('button', { name: 'Disable duty2' }).waitFor();
	const panel = page.locator('#manage');
	await panel.getByRole('checkbox', { name: 'auditor' }).check();
	await panel.getByRole('button', { name: 'Save roles' }).click();
	await panel.getByText('The roles of duty2 are saved.').waitFor();
	await page.locator('#manage').getByLabel('New password').fill('short');
	await page.locator('#manage').getByRole('button', { name: 'Set the password' }).click();
	await page.getByText('A password has at least 12 characters.').waitFor();
	await page.locator('#manage').getByLabel('New password').fill('a long enough passphrase');
	await page.locator('#manage').getByRole('button', { name: 'Set the password' }).click();
	await page.locator('#manage').getByText('The password of duty2 is set.').waitFor();
	await page.locator('#manage').getByRole('button', { name: 'Make a new TOTP secret' }).click();
	const secret = await page.locator('#manage .secret code').first().textContent();
	check(/^[A-Z2-7]{32}$/.test(secret), 'the new TOTP secret is shown', secret);
	const now = JSON.parse(hl(me, 'operator', 'show', 'duty2', '--json'));
	check(now.roles.join() === 'duty,auditor' && now.password && now.totp && !now.disabled,
		'the daemon holds the roles, the password and the TOTP secret', JSON.stringify(now));
});

await step('audit: the trail lists the addition, verifies intact, and a proof of an entry checks offline', async () => {
	await page.goto(url('#/audit'));
	await page.locator('table.audit').waitFor();
	const firstSeq = async () => page.locator('table.audit tbody tr th').first().textContent();
	check(await firstSeq() === '1' && await page.locator('table.audit tbody tr').count() === 50, 'the first page holds entries 1 to 50');
	check(await page.locator('#prev').count() === 0, 'the first page has no previous page');
	let found = false;
	for (let i = 0; i < 10 && !found; i++) {
		found = await page.locator('table.audit tbody tr', { hasText: '/v1/operator/add' })
			.filter({ hasText: '"duty2"' }).count() > 0;
		if (!found) {
			const before = await firstSeq();
			await page.locator('#next').click();
			await until('the next page', async () => await firstSeq() !== before);
		}
	}
	check(found, 'the trail lists the addition of duty2');
	check(await firstSeq() !== '1', 'the addition is past the first page');
	await page.locator('#prev').focus();
	await page.keyboard.press('Enter');
	await until('the first page again', async () => await firstSeq() === '1');
	await page.getByLabel('From entry').fill('7');
	await page.getByLabel('From entry').press('Enter');
	await until('the page from entry 7', async () => await firstSeq() === '7');
	await page.locator('#prev').click();
	await until('the first page from entry 7', async () => await firstSeq() === '1');
	await page.getByLabel('From entry').press('Enter');
	await until('the page from entry 7 again', async () => await firstSeq() === '7');
	await page.getByRole('button', { name: 'Verify the trail' }).click();
	await page.getByText(/^Intact: /).waitFor();
	const first = page.locator('table.audit tbody tr').first();
	const [dl] = await Promise.all([page.waitForEvent('download'), (async () => {
		await first.getByRole('button').click();
		await page.locator('.done a.download').click();
	})()]);
	const file = join(env.testDir, dl.suggestedFilename());
	await dl.saveAs(file);
	const r = spawnSync(env.bin, ['audit', 'check-proof', file, '--card', card(me)], { encoding: 'utf8' });
	check(r.status === 0, 'hotline audit check-proof accepts the downloaded proof', r.stdout + r.stderr);
	await shot(page, 'console-audit');
	await noSerious(page, 'the audit page');
});

await step('a duty officer: precedences above the cap disabled, the reason shown; the form by keyboard alone; no check button; no chart without Chart.js', async () => {
	const duty = await launch();
	try {
		await login(duty.page, env.url, 'duty1');
		await duty.page.goto(url('#/compose'));
		await duty.page.getByRole('radio', { name: 'ROUTINE' }).waitFor();
		for (const p of ['FLASH', 'IMMEDIATE', 'PRIORITY'])
			check(await duty.page.getByRole('radio', { name: p }).isDisabled(), `${p} is disabled`);
		check(await duty.page.getByRole('radio', { name: 'ROUTINE' }).isEnabled(), 'ROUTINE is enabled');
		await duty.page.getByText('You may send up to ROUTINE; above it a message needs the supervisor role.').waitFor();
		const v = await axe(duty.page);
		check(v.length === 0, 'axe on the duty officer\'s compose page', axeText(v));
		// Keyboard only: Tab goes through the form in reading order, and
		// a notification is written and sent without the mouse.
		const order = [];
		await duty.page.locator('#main').focus();
		for (let i = 0; i < 40 && !order.includes('Send'); i++) {
			await duty.page.keyboard.press('Tab');
			order.push(await duty.page.evaluate(() => {
				const a = document.activeElement;
				return (a.labels && a.labels[0] ? a.labels[0].textContent : a.textContent).trim();
			}));
		}
		const want = ['notification', 'To', 'ROUTINE', 'Category (RSIT)', 'TLP', 'Severity',
			'Language of the text', 'Text', 'Summary (optional)', 'STIX 2.1 file', 'Send'];
		check(JSON.stringify(order.filter((x) => want.includes(x))) === JSON.stringify(want),
			'Tab reaches every control in reading order', order.join(' | '));
		await duty.page.locator('#main').focus();
		for (let i = 0; i < 40 && await duty.page.evaluate(() => document.activeElement.tagName) !== 'TEXTAREA'; i++)
			await duty.page.keyboard.press('Tab');
		await duty.page.keyboard.type('Routine note typed at the keyboard');
		for (let i = 0; i < 10 && (await duty.page.evaluate(() => document.activeElement.textContent)) !== 'Send'; i++)
			await duty.page.keyboard.press('Tab');
		await duty.page.keyboard.press('Enter');
		await duty.page.locator('.done', { hasText: 'Sent as' }).waitFor();
		const got = await until('the keyboard\'s notification at the peer', async () => peerInbox()
			.find((x) => x.kind === 'notify' && x.precedence === 'routine'));
		const op = JSON.parse(peerJson('show', got.id)).content.operator;
		check(op && op.name === 'duty1' && op.role === 'duty', 'the peer sees who sent it', JSON.stringify(op));
		// Without Chart.js the board says so, and the table has the figures.
		await duty.page.route('**/lib/chart.js', (r) => r.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
		await duty.page.reload();
		await duty.page.goto(url('#/links'));
		await duty.page.locator('table tbody tr').first().waitFor();
		check(await duty.page.locator(`#run-check-${peer}`).count() === 0, 'a duty officer gets no check button');
		await duty.page.locator(`#link-${peer}`).getByText('The chart library is missing').waitFor();
		check(await duty.page.locator('canvas').count() === 0, 'no chart without Chart.js');
		await duty.page.locator(`#link-${peer} table.figures tbody tr`, { hasText: 'answered' }).waitFor();
		check(duty.errors.length === 0 && duty.violations.length === 0, 'no error and no CSP violation',
			[...duty.errors, ...duty.violations.map((x) => JSON.stringify(x))].join('\n'));
	} finally {
		await duty.browser.close();
	}
});

await done(ctx);
