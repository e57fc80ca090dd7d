// login.mjs - the console's login page, in a real browser: it comes with
// its CSP; axe-core finds nothing serious on it; a wrong password,
// typed with the keyboard alone, shows hotlined's refusal without a
// reload; the right password and a TOTP code log the operator in.
import { launch, login, axe, axeText, shot, done, step, check, env } from './lib.mjs';

// The console's policy (docs: console.md's contract), directive by
// directive.
const CSP = {
	'default-src': "'none'", 'script-src': "'self'", 'style-src': "'self'",
	'img-src': "'self' data:", 'connect-src': "'self'", 'font-src': "'self'",
	'media-src': "'self'", 'base-uri': "'none'", 'form-action': "'self'",
	'frame-ancestors': "'none'",
};

function policy(header) {
	const got = {};
	for (const part of String(header || '').split(';')) {
		const [name, ...values] = part.trim().split(/\s+/);
		if (name)
			got[name] = values.join(' ');
	}
	return got;
}

const ctx = await launch({ locale: 'en-US' });
const { page } = ctx;
let loads = 0;
let refusedAt = 0;
page.on('load', () => { loads += 1; });

await step('the console answers with its Content-Security-Policy and secure headers', async () => {
	const res = await page.goto(env.url);
	check(res.status() === 200, `status ${res.status()}`);
	const h = res.headers();
	const got = policy(h['content-security-policy']);
	check(JSON.stringify(got) === JSON.stringify(CSP),
		'not the console\'s CSP', `got: ${h['content-security-policy']}`);
	check(h['x-content-type-options'] === 'nosniff', 'no nosniff');
	check(/^deny$/i.test(h['x-frame-options'] || ''), 'no X-Frame-Options: DENY');
	check(/max-age=\d+/.test(h['strict-transport-security'] || ''), 'no HSTS');
	check(h['referrer-policy'] === 'no-referrer', 'no Referrer-Policy: no-referrer');
});

await step('without a session the console shows the login form, the name field focused', async () => {
	await page.locator('#login-form').waitFor();
	await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'login-name');
	check(new URL(page.url()).hash === '#/login', `at ${page.url()}`);
});

await step('axe-core finds no serious or critical violation on the login page', async () => {
	const v = await axe(page);
	check(v.length === 0, 'axe-core violations', axeText(v));
	await shot(page, 'login');
});

await step('a wrong password, typed with the keyboard alone, shows the refusal without a reload', async () => {
	const before = loads;
	await page.evaluate(() => { window.__hotlineSamePage = true; });
	await page.keyboard.type(env.operator);
	await page.keyboard.press('Tab');
	await page.keyboard.type('not the password');
	await page.keyboard.press('Tab');
	await page.keyboard.type('000000');
	await page.keyboard.press('Enter');
	await page.locator('#login-error:not(:empty)').waitFor();
	refusedAt = Date.now();
	const said = (await page.textContent('#login-error')).trim();
	check(/wrong operator name, password or code/i.test(said), `the page said: ${said}`);
	check(ctx.api.some((a) => a.status === 401 && new URL(a.url).pathname === '/v1/login'),
		'hotlined was not asked', JSON.stringify(ctx.api));
	check(await page.evaluate(() => window.__hotlineSamePage === true) && loads === before,
		'the page was loaded again');
	check(new URL(page.url()).hash === '#/login', `at ${page.url()}`);
	check(await page.inputValue('#login-password') === '', 'the wrong password is still in its field');
	const v = await axe(page);
	check(v.length === 0, 'axe-core violations with the refusal shown', axeText(v));
});

await step('the right password and a TOTP code log the operator in', async () => {
	// One failure makes the operator wait a second (hotlined's whole
	// seconds) before the next try.
	await new Promise((r) => setTimeout(r, Math.max(0, refusedAt + 1100 - Date.now())));
	await login(page);
	await page.waitForFunction(() => location.hash !== '#/login');
	const me = await page.evaluate(async () => {
		const r = await fetch('/v1/whoami');
		return r.ok ? (await r.json()).name : `HTTP ${r.status}`;
	});
	check(me === env.operator, `whoami: ${me}`);
	check(await page.evaluate(() => window.__hotlineSamePage === true), 'the page was loaded again');
});

await done(ctx);
