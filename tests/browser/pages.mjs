// pages.mjs - the compose, links, evidence, operators and audit pages
// of the console, on real daemons (run by tests/t0213-console-pages.sh).
//
// Besides lib.mjs's environment it reads:
//   HOTLINE       the CLI, HOTLINE_PEER_HOME the peer's home (the peer's
//                 side is read and answered with the CLI, as its duty
//                 officer would);
//   HOTLINE_CARD, HOTLINE_PEER_CARD  both parties' cards;
//   HOTLINE_PEER  the link's name (the peer's party name);
//   HOTLINE_WORK  a folder for the downloaded files.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, login, axe, axeText, shot, done, step, check } from './lib.mjs';

const cli = process.env.HOTLINE;
const peerHome = process.env.HOTLINE_PEER_HOME;
const peer = process.env.HOTLINE_PEER;
const work = process.env.HOTLINE_WORK;
const cards = ['--card', process.env.HOTLINE_CARD, '--card', process.env.HOTLINE_PEER_CARD];

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
	return execFileSync(cli, ['--home', peerHome, ...args, '--json'], { encoding: 'utf8' });
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
	await page.goto(new URL('#/compose', process.env.HOTLINE_URL).href);
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
	const line = await until('the peer\'s inbox', async () => peerJson('inbox').split('\n').filter(Boolean)
		.map((l) => JSON.parse(l)).find((x) => x.precedence === 'flash' && x.kind === 'notify'));
	const shown = JSON.parse(peerJson('show', line.id));
	check(shown.content && shown.content.stix && shown.content.stix.objects[0].pattern === BUNDLE.objects[0].pattern,
		'the peer\'s message carries the bundle', JSON.stringify(shown));
	check(shown.content.category === 'malicious-code/c2-server' && shown.content.tlp === 'TLP:AMBER' &&
		shown.content.severity === 'high' && shown.content.text.lang === 'en',
	'the peer\'s message carries the fields', JSON.stringify(shown.content));
});

await step('links board: the link, a check run from it, answered by the peer, in the table and the chart', async () => {
	await page.goto(new URL('#/links', process.env.HOTLINE_URL).href);
	const row = page.locator('table:not(.figures) tbody tr', { hasText: peer });
	await row.waitFor();
	check(/yes/.test(await row.textContent()), 'the link shows as confirmed', await row.textContent());
	await page.locator(`#run-check-${peer}`).click();
	const check1 = await until('the check reaches the peer', async () => peerJson('inbox').split('\n').filter(Boolean)
		.map((l) => JSON.parse(l)).find((x) => x.kind === 'check'));
	execFileSync(cli, ['--home', peerHome, 'ack', check1.id], { encoding: 'utf8' });
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

await step('evidence: the transcript is verified; a proof of the FLASH downloads and verifies offline', async () => {
	await page.goto(new URL(`#/evidence/${sentId}`, process.env.HOTLINE_URL).href);
	await page.getByText('No evidence that the peer equivocated.').waitFor();
	await until('the FLASH is receipted', async () => {
		await page.getByRole('button', { name: 'Verify' }).click();
		return /all receipted by the peer/.test(await page.locator('.verdicts').textContent());
	});
	await page.getByLabel('Disclose what the message said').check();
	await page.getByRole('button', { name: 'Export the proof' }).click();
	const a = page.locator('.done a.download');
	await a.waitFor();
	const [dl] = await Promise.all([page.waitForEvent('download'), a.click()]);
	const file = join(work, dl.suggestedFilename());
	await dl.saveAs(file);
	const r = spawnSync(cli, ['proof', 'verify', ...cards, file], { encoding: 'utf8' });
	check(r.status === 0, 'hotline proof verify accepts the downloaded proof', r.stdout + r.stderr);
	check(/C2 server of a ransomware/.test(r.stdout), 'the disclosed proof carries the text', r.stdout);
	await noSerious(page, 'the evidence page');
});

await step('operators: an admin adds an operator', async () => {
	await page.goto(new URL('#/operators', process.env.HOTLINE_URL).href);
	await page.getByLabel('Name', { exact: true }).waitFor();
	await page.getByLabel('Name', { exact: true }).fill('duty2');
	await page.getByLabel('A duty officer sends up to').first().selectOption('priority');
	await page.getByRole('button', { name: 'Add the operator' }).click();
	await page.locator('table.operators tbody tr', { hasText: 'duty2' }).waitFor();
	await page.locator('#manage-h').waitFor();
	await noSerious(page, 'the operators page');
});

await step('audit: the trail lists the addition, verifies intact, and a proof of an entry checks offline', async () => {
	await page.goto(new URL('#/audit', process.env.HOTLINE_URL).href);
	await page.locator('table.audit').waitFor();
	let found = false;
	for (let i = 0; i < 50 && !found; i++) {
		found = await page.locator('table.audit tbody tr', { hasText: '/v1/operator/add' }).count() > 0;
		if (!found)
			await page.locator('#next').click();
	}
	check(found, 'the trail lists /v1/operator/add');
	await page.getByRole('button', { name: 'Verify the trail' }).click();
	await page.getByText(/^Intact: /).waitFor();
	const first = page.locator('table.audit tbody tr').first();
	const [dl] = await Promise.all([page.waitForEvent('download'), (async () => {
		await first.getByRole('button').click();
		await page.locator('.done a.download').click();
	})()]);
	const file = join(work, dl.suggestedFilename());
	await dl.saveAs(file);
	const r = spawnSync(cli, ['audit', 'check-proof', file, '--card', process.env.HOTLINE_CARD], { encoding: 'utf8' });
	check(r.status === 0, 'hotline audit check-proof accepts the downloaded proof', r.stdout + r.stderr);
	await shot(page, 'console-audit');
	await noSerious(page, 'the audit page');
});

await done(ctx);
