// groups.mjs - t0219: groups and the board of a group message.
//
// The hub's console (HOTLINE_URL), its supervisor (HOTLINE_OPERATOR);
// the hub's CLI made the group poc of ae-cert and ru-cert. The Groups
// page lists poc; its page lists both members; Compose offers it as a
// group of 2 and sends a FLASH notification to it: one line per member,
// a link to the board; the board lists both members and the totals
// line; ae-cert acknowledges with its CLI and the open board says so
// (state, time, by whom, totals) without a reload. axe on each page;
// the board in Arabic is right to left. Screenshots: group-board.png,
// group-board-ar.png.

import { launch, login, axe, axeText, shot, done, step, check, hl, env } from './lib.mjs';

const ctx = await launch({ locale: 'en-US' });
const page = ctx.page;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let boardUrl = '';

async function axeClean(what) {
	const v = await axe(page);
	check(v.length === 0, `axe on ${what}`, axeText(v));
}

const rows = (sel) => page.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) =>
	[...tr.children].map((c) => c.textContent.trim())));

await step(`${env.operator} logs in; the nav has Groups`, async () => {
	await login(page);
	const nav = await page.$$eval('#nav a', (as) => as.map((a) => a.dataset.page));
	check(nav.includes('groups'), 'the nav', nav.join(' '));
});

await step('Groups lists poc: 2 members, confidential; no serious axe violation', async () => {
	await page.click('#nav a[data-page="groups"]');
	await page.locator('#groups-table').waitFor();
	const r = await rows('#groups-table');
	check(r.length === 1 && r[0][0] === 'poc' && r[0][1] === '2' && r[0][2] === 'confidential',
		'the groups', JSON.stringify(r));
	check(await page.getAttribute('#nav a[data-page="groups"]', 'aria-current') === 'page', 'the nav mark');
	await axeClean('Groups');
});

await step('the group page lists its members now, and nothing sent yet', async () => {
	await page.click('#groups-table a');
	await page.locator('#group-members').waitFor();
	check(new URL(page.url()).hash === '#/group/poc', 'the address', page.url());
	const r = await rows('#group-members');
	check(r.map((x) => x[0]).join(' ') === 'ae-cert ru-cert', 'the members', JSON.stringify(r));
	await axeClean('the group');
});

await step('Compose offers poc as a group of 2 and sends a FLASH to it: a line per member', async () => {
	await page.goto(new URL('#/compose', env.url).href);
	await page.locator('form.compose').waitFor();
	const label = await page.textContent('select[name="to"] option[value="group:poc"]');
	check(label === 'group poc (2 members)', 'the option', label);
	await page.selectOption('select[name="to"]', 'group:poc');
	await page.check('input[name="precedence"][value="flash"]');
	await page.fill('textarea[name="text"]', 'FLASH to the group: ransomware C2 at 203.0.113.7');
	await axeClean('Compose');
	await page.click('form.compose button[type="submit"]');
	await page.locator('#open-board').waitFor();
	const lines = await page.$$eval('ul.group-sent li', (lis) => lis.map((li) => li.textContent));
	check(lines.length === 2 && /^ae-cert: sent as ae-cert\/out\/\d+$/.test(lines[0]) &&
		/^ru-cert: sent as ru-cert\/out\/\d+$/.test(lines[1]), 'the lines', lines.join('\n'));
	const said = await page.textContent('.done p');
	check(/^Group poc: 2 sent, 0 held, 0 not sent, of 2 members\.$/.test(said), 'the counts', said);
});

await step('the board lists the 2 members and the totals line', async () => {
	await page.click('#open-board');
	await page.locator('#board-members').waitFor();
	boardUrl = page.url();
	check(/^#\/group-message\/[0-9a-f]{32}$/.test(new URL(boardUrl).hash), 'the address', boardUrl);
	const r = await rows('#board-members');
	check(r.length === 2 && r[0][0] === 'ae-cert' && r[1][0] === 'ru-cert', 'the members', JSON.stringify(r));
	const totals = await page.textContent('#board-totals');
	check(/^0 of 2 acknowledged, \d receipted/.test(totals), 'the totals', totals);
	await page.evaluate(() => {
		window.__noReload = true;
	});
	await axeClean('the board');
});

await step('ae-cert acknowledges with its CLI: the open board says so, without a reload', async () => {
	// The FLASH reaches ae-cert as hub/1 (the first message on its link).
	const end = Date.now() + 20000;
	for (;;) {
		try {
			hl('ae-cert', 'ack', 'hub/1');
			break;
		} catch (e) {
			if (Date.now() > end)
				throw e;
			await sleep(300);
		}
	}
	await page.waitForFunction(() => {
		const tr = document.querySelector('#board-members tr[data-link="ae-cert"]');
		return tr && tr.dataset.state === 'acknowledged';
	}, null, { timeout: 15000 });
	const v = await page.evaluate(() => {
		const tr = document.querySelector('#board-members tr[data-link="ae-cert"]');
		return {
			cells: [...tr.children].map((c) => c.textContent.trim()),
			totals: document.getElementById('board-totals').textContent,
			same: window.__noReload,
		};
	});
	check(v.same === true, 'the page was reloaded');
	check(v.cells[2] === 'acknowledged' && v.cells[4] !== '—' && /\(duty officer\)$/.test(v.cells[5]),
		'the row', JSON.stringify(v.cells));
	check(/^1 of 2 acknowledged, \d receipted/.test(v.totals), 'the totals', v.totals);
	await axeClean('the board, acknowledged');
	await shot(page, 'group-board');
});

await step('the group page lists the message, newest first, with its totals', async () => {
	await page.click('.facts a[href="#/group/poc"]');
	await page.locator('#group-messages').waitFor();
	const r = await rows('#group-messages');
	check(r.length === 1 && r[0][1] === 'notification' && r[0][2] === 'FLASH' && /^hub#\d+$/.test(r[0][3]) &&
		r[0][4] === env.operator && /^1 of 2 acknowledged, \d receipted/.test(r[0][5]), 'the messages', JSON.stringify(r));
	await axeClean('the group with a message');
	await page.click('#group-messages tbody a[href^="#/group-message/"]');
	await page.locator('#board-members').waitFor();
	check(page.url() === boardUrl, 'back to the board', page.url());
});

await step('the board in Arabic is right to left, its state translated or not, still a table', async () => {
	await page.selectOption('#lang', 'ar');
	await page.waitForFunction(() => document.documentElement.dir === 'rtl');
	await page.locator('#board-members tr[data-link="ae-cert"]').waitFor();
	const n = await page.$$eval('#board-members tbody tr', (trs) => trs.length);
	check(n === 2, 'the rows', String(n));
	await axeClean('the board in Arabic');
	await shot(page, 'group-board-ar');
	await page.selectOption('#lang', 'en');
	await page.waitForFunction(() => document.documentElement.dir === 'ltr');
});

await done(ctx);
