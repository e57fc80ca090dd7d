// keys.mjs - t0217: a link's Keys in the console, on two real daemons.
//
// us-cert's supervisor bob has his links board open.  The Keys section
// of ru-cert shows one era on each side, founding, with each card's
// fingerprint.  ru-cert then sends a rotation (hl-forge rotate: a new
// sign key endorsed by the old one) and a message that pushes it; once
// us-cert's witness accepts it, the peer's table shows era 1, rotated,
// from the seq after the card envelope, with the fingerprint `hotline
// link keys` gives, without a reload.  axe finds nothing serious.

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, login, axe, axeText, shot, done, step, check, hl, env } from './lib.mjs';

const B = await launch();
const bob = B.page;
const sec = bob.locator('#keys-ru-cert');
const rows = (side) => sec.locator(`#keys-${side}-ru-cert tbody tr`);
const keysJson = () => JSON.parse(hl('us-cert', 'link', 'keys', 'ru-cert', '--json'));

await step('bob opens his links board: one founding era on each side, with its fingerprint', async () => {
	await login(bob, env.url, 'bob');
	await bob.goto(new URL('#/links', env.url).href);
	await rows('theirs').first().waitFor();
	await bob.evaluate(() => {
		window.__noReload = true;
	});
	const k = keysJson();
	for (const side of ['ours', 'theirs']) {
		check(await rows(side).count() === 1, `one era of ${side}`, await rows(side).count());
		const text = await rows(side).first().textContent();
		check(text.includes('founding') && text.includes(k[side][0].fingerprint)
			&& text.includes(k[side][0].keyid), `era 0 of ${side} as link keys says`, text);
	}
	check(await sec.locator('button, input, textarea').count() === 0, 'read only: no control');
	const found = await axe(bob, '#keys-ru-cert');
	check(found.length === 0, 'axe: nothing serious in the Keys', axeText(found));
});

await step('ru-cert rotates its sign key: era 1 shows without a reload', async () => {
	const out = execFileSync(process.env.HOTLINE_FORGE, ['rotate', '--home',
		join(env.testDir, 'ru-cert'), 'us-cert', 'sign'], { encoding: 'utf8' }).trim();
	const seq = Number(out.split('/').pop());
	hl('ru-cert', 'send', '--to', 'us-cert', 'signed with the old key');
	await rows('theirs').nth(1).waitFor({ timeout: 30000 });
	const k = keysJson();
	check(k.theirs.length === 2 && k.theirs[1].from_seq === seq + 1, 'link keys: era 1 from the seq after the card',
		JSON.stringify(k.theirs));
	const cells = await rows('theirs').nth(1).locator('th, td').allTextContents();
	check(cells[0] === '1' && cells[1] === 'rotated' && cells[2] === k.theirs[1].fingerprint
		&& cells[3] === k.theirs[1].keyid && cells[4] === String(seq + 1), 'era 1 in the table', cells.join(' | '));
	check(await rows('ours').count() === 1, 'ours unchanged');
	check(await bob.evaluate(() => window.__noReload === true), 'no reload');
	await sec.scrollIntoViewIfNeeded();
	await shot(bob, 'console-keys');
});

await done(B);
