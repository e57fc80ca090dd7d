// suspect.mjs - t0218: the SUSPECT badge (protocol.md 9.14) in the console.
//
// ru-cert sent two messages of case ru-cert#1, then revoked its signing
// key (card rotate --sign --revoke sign), then sent an update with the
// new key.  us-cert's duty officer sees a SUSPECT badge on the two in
// the inbox, saying the key and the revocation, and none on the card
// envelope or the later update; the case page marks the same two
// events.  axe finds nothing serious.

import { launch, login, axe, axeText, shot, done, step, check, hl, env } from './lib.mjs';

const B = await launch();
const page = B.page;
const inbox = JSON.parse('[' + hl('us-cert', 'inbox', '--json').trim().split('\n').join(',') + ']');
const want = inbox.filter((m) => m.suspect).map((m) => m.id);
const key = inbox.find((m) => m.suspect).suspect.key;

await step('the inbox badges the two messages the revoked key signed, and no other', async () => {
	check(want.join(' ') === 'ru-cert/1 ru-cert/2', 'the CLI marks ru-cert/1 and /2', want.join(' '));
	await login(page, env.url, env.operator);
	await page.goto(new URL('#/inbox', env.url).href);
	await page.locator('tr[data-id="ru-cert/4"]').first().waitFor();
	const badged = await page.$$eval('[data-suspect]', (els) => els.map((e) => e.getAttribute('data-suspect')));
	check([...new Set(badged)].sort().join(' ') === want.join(' '), 'badges', badged.join(' '));
	const title = await page.locator('[data-suspect="ru-cert/1"]').first().getAttribute('title');
	check(title.includes('SUSPECT') && title.includes(key), 'the badge says the key', title);
	const found = await axe(page, 'main');
	check(found.length === 0, 'axe: nothing serious in the inbox', axeText(found));
	await shot(page, 'console-suspect-inbox');
});

await step('the case page marks the same two events', async () => {
	await page.goto(new URL('#/case/' + encodeURIComponent('ru-cert#1'), env.url).href);
	await page.locator('[id="ev-ru-cert/4"]').waitFor();
	const marked = await page.$$eval('li.suspect', (lis) => lis.map((li) => li.id));
	check(marked.join(' ') === 'ev-ru-cert/1 ev-ru-cert/2', 'marked events', marked.join(' '));
	const why = await page.locator('[id="ev-ru-cert/1"] .suspect-why').textContent();
	check(why.includes("ru-cert's key " + key), 'the sentence', why);
	check(await page.locator('[id="ev-ru-cert/4"] [data-mark="suspect"]').count() === 0, 'not the later update');
	const found = await axe(page, 'main');
	check(found.length === 0, 'axe: nothing serious on the case page', axeText(found));
});

await done(B);
