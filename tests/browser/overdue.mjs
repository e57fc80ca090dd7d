// overdue.mjs - t0214: an overdue message goes on top, in words.
//
// The duty officer logs in with a one-time ticket (#ticket=HEX), which
// leaves the address bar at once; used again, it is refused in place.
// us-cert acknowledges ROUTINE within 3 s (ack.routine) and FLASH within
// the hour. A ROUTINE and then a FLASH arrive: the FLASH is on top while
// both are due; 3 s on, the ROUTINE turns overdue in the open page (no
// reload), says so in words ("OVERDUE by ..."), and moves above the
// FLASH; the status line counts it; axe finds nothing serious. The
// sound and title signals, turned off, stay off for the next FLASH. The
// six languages, each named in its own, each set the page's lang and dir.

import { launch, axe, axeText, done, step, check, hl, env } from './lib.mjs';

const ctx = await launch({ locale: 'en-US' });
const page = ctx.page;
const due = () => page.$$eval('#table-due tr[data-id]', (trs) => trs.map((tr) => tr.dataset.id));

// A one-time ticket in the address logs in at once, and leaves the
// address bar; the same ticket again is refused in the page.
const ticket = JSON.parse(hl('us-cert', 'operator', 'ticket', env.operator, '--json'));

await step(`${env.operator} logs in with a one-time ticket; the address loses it`, async () => {
	check(/^[0-9a-f]{64}$/.test(ticket.ticket), 'a ticket', JSON.stringify(ticket));
	await page.goto(new URL('#ticket=' + ticket.ticket, env.url).href);
	await page.locator('#inbox-status').waitFor();
	check(!page.url().includes(ticket.ticket) && new URL(page.url()).hash === '#/inbox', 'the address', page.url());
	const who = await page.textContent('#whoami');
	check(who.startsWith(env.operator + ' '), 'who', who);
	await page.evaluate(() => {
		window.__noReload = true;
	});
});

await step('the same ticket again is refused, in the login page', async () => {
	const other = await ctx.context.newPage();
	await other.goto(new URL('#ticket=' + ticket.ticket, env.url).href);
	await other.locator('#login-error:not(:empty)').waitFor();
	const why = await other.textContent('#login-error');
	check(!other.url().includes(ticket.ticket), 'the address', other.url());
	check(/ticket/.test(why), 'the refusal', why);
	await other.close();
});

hl('ru-cert', 'send', '--to', 'us-cert', '--precedence', 'routine', '--lang', 'en', 'routine, due in 3 s');
hl('ru-cert', 'send', '--to', 'us-cert', '--precedence', 'flash', '--lang', 'en', 'flash, due in an hour');

await step('while both are due, the FLASH is on top', async () => {
	await page.waitForFunction(() => document.querySelectorAll('#table-due tr[data-id]').length === 2, null,
		{ timeout: 30000 });
	const ids = await due();
	const routine = await page.textContent('#table-due tr[data-id="ru-cert/1"] .countdown');
	// The ROUTINE may be overdue already on a slow machine: then the
	// order is the next step's.
	if (/^due in/.test(routine))
		check(ids.join(' ') === 'ru-cert/2 ru-cert/1', 'order', ids.join(' '));
});

await step('the ROUTINE turns overdue in place, in words, and goes on top', async () => {
	await page.waitForFunction(() => {
		const tr = document.querySelector('#table-due tr[data-id]');
		return tr && tr.dataset.id === 'ru-cert/1';
	}, null, { timeout: 10000 });
	const v = await page.evaluate(() => {
		const tr = document.querySelector('#table-due tr[data-id="ru-cert/1"]');
		return {
			text: tr.querySelector('.countdown').textContent,
			cls: tr.className,
			status: document.getElementById('inbox-status').textContent,
			same: window.__noReload,
		};
	});
	check(/^OVERDUE( by \d+:\d\d:\d\d)?$/.test(v.text), 'overdue in words', v.text);
	check(/\boverdue\b/.test(v.cls), 'the row is marked overdue', v.cls);
	check(/\b1 overdue\b/.test(v.status), 'the status line', v.status);
	check(v.same === true, 'the page was reloaded');
	const ids = await due();
	check(ids.join(' ') === 'ru-cert/1 ru-cert/2', 'order', ids.join(' '));
});

await step('the inbox with an overdue row has no serious axe violation', async () => {
	const v = await axe(page);
	check(v.length === 0, 'axe', axeText(v));
});

await step('the sound and title signals, turned off, stay off (after a reload too)', async () => {
	await page.uncheck('#signal-sound');
	await page.uncheck('#signal-title');
	await page.reload();
	await page.locator('#inbox-status').waitFor();
	check(!(await page.isChecked('#signal-sound')) && !(await page.isChecked('#signal-title')), 'not kept');
	// A click, so that the page may play sound (it must not).
	await page.click('#main');
	const before = await page.evaluate(() => Number(document.body.dataset.beeps || 0));
	hl('ru-cert', 'send', '--to', 'us-cert', '--precedence', 'flash', '--lang', 'en', 'a quiet flash');
	await page.waitForFunction(() => document.querySelector('#table-due tr[data-id="ru-cert/3"]'), null,
		{ timeout: 30000 });
	await page.waitForFunction(() => document.getElementById('announce').textContent.includes('FLASH'), null,
		{ timeout: 2000 });
	const v = await page.evaluate(() => ({ title: document.title, beeps: Number(document.body.dataset.beeps || 0) }));
	check(!/FLASH/.test(v.title), 'title signal', v.title);
	check(v.beeps === before, 'a beep', String(v.beeps));
});

await step('six languages, each named in its own; each sets the page\'s lang and dir', async () => {
	const names = await page.$$eval('#lang option', (os) => os.map((o) => `${o.value}:${o.textContent}:${o.lang}`));
	check(names.join(' ') === 'ar:العربية:ar en:English:en es:Español:es fr:Français:fr ru:Русский:ru zh:中文:zh',
		'the picker', names.join(' '));
	for (const ll of ['ar', 'es', 'fr', 'ru', 'zh', 'en']) {
		await page.selectOption('#lang', ll);
		await page.waitForFunction((l) => document.documentElement.lang === l, ll);
		await page.locator('#table-due .badge').first().waitFor();
		const v = await page.evaluate(() => ({
			dir: document.documentElement.dir,
			who: document.getElementById('whoami').textContent,
		}));
		check(v.dir === (ll === 'ar' ? 'rtl' : 'ltr'), `${ll}: dir`, v.dir);
		// The role's name is a message of the CLI's catalogues: translated in each.
		// (Chinese writes its parentheses full width.)
		check(/^ana ?[(（]/.test(v.who) && (ll === 'en') === v.who.includes('duty officer'), `${ll}: the role`, v.who);
	}
});

await done(ctx);
