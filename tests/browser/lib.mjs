// lib.mjs - what the console's browser tests (tests/browser/*.mjs) share.
//
// Each test is a plain node script run by a tests/tNNNN-*.sh through
// browser_run (tests/lib-browser.sh), which gives it its environment:
//   HOTLINE_URL       the console's address (https://127.0.0.1:PORT/)
//   HOTLINE_PARTY     the party it is the console of
//   HOTLINE_OPERATOR  an operator of that party, HOTLINE_PASSWORD its
//                     password, HOTLINE_TOTP its TOTP secret (base32)
//   HOTLINE_OPERATORS every operator the test made ("party operator
//                     secret url" a line): operator(party, name)
//   HOTLINE_TEST_DIR  the test's folder (the parties' homes are there)
//   HOTLINE_BIN       the hotline CLI: hl(party, args...)
//   HOTLINE_ARTIFACTS where screenshots go (default tests/artifacts)
//   CHROMIUM          the browser (default /usr/bin/chromium, Debian's)
// The script's own arguments come after its name (process.argv).
//
// A script prints TAP ("ok N - ..." / "not ok N - ...", then "1..N")
// and exits non-zero when a step failed, so that the shell test runs it
// as one step:
//
//   import { launch, login, axe, shot, done, step, check } from './lib.mjs';
//   const ctx = await launch({ locale: 'ar' });
//   await step('the operator logs in', () => login(ctx.page));
//   await step('no serious axe violation', async () => { ... });
//   await done(ctx);

import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const env = {
	url: process.env.HOTLINE_URL || '',
	party: process.env.HOTLINE_PARTY || '',
	operator: process.env.HOTLINE_OPERATOR || '',
	password: process.env.HOTLINE_PASSWORD || '',
	secret: process.env.HOTLINE_TOTP || '',
	operators: process.env.HOTLINE_OPERATORS || '',
	testDir: process.env.HOTLINE_TEST_DIR || process.cwd(),
	bin: process.env.HOTLINE_BIN || 'hotline',
	artifacts: process.env.HOTLINE_ARTIFACTS || resolve(here, '..', 'artifacts'),
	chromium: process.env.CHROMIUM || '/usr/bin/chromium',
};

// operator(party, name) -> {party, operator, password, secret, url}:
// one of the operators lib-browser.sh made (console_up,
// browser_operator); every one has the same password.
export function operator(party = env.party, name = env.operator) {
	const lines = env.operators && existsSync(env.operators)
		? readFileSync(env.operators, 'utf8').split('\n') : [];
	for (const line of lines) {
		const [p, o, secret, url] = line.split(' ');
		if (p === party && o === name)
			return { party, operator: name, password: env.password, secret, url };
	}
	throw new Error(`no operator ${name} of ${party} (browser_operator makes one)`);
}

// hl(party, args...): runs the hotline CLI as PARTY (its home in the
// test's folder); returns its standard output, throws when it fails.
export function hl(party, ...args) {
	return execFileSync(env.bin, ['--home', join(env.testDir, party), ...args],
		{ encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// --- TAP -------------------------------------------------------------

let count = 0;
let failed = 0;

function comment(text) {
	for (const line of String(text).split('\n'))
		console.log('#   ' + line);
}

// ok(cond, what, detail): one TAP line; detail (a string, or a function
// giving one, called only on failure) is shown as comments.
export function ok(cond, what, detail) {
	count += 1;
	if (cond) {
		console.log(`ok ${count} - ${what}`);
		return true;
	}
	failed += 1;
	console.log(`not ok ${count} - ${what}`);
	if (detail !== undefined)
		comment(typeof detail === 'function' ? detail() : detail);
	return false;
}

// step(what, fn): one TAP line: ok when fn (async) returns without
// throwing; its error is shown otherwise.  Returns whether it passed.
// A comment after it says how long it took.
export async function step(what, fn) {
	const t0 = Date.now();
	let passed;
	try {
		await fn();
		passed = ok(true, what);
	} catch (e) {
		passed = ok(false, what, e && e.stack ? e.stack : String(e));
		await failShots();
	}
	console.log(`# ${Date.now() - t0} ms`);
	return passed;
}

// After a failed step: a screenshot of each page still open, kept as
// SCRIPT-fail-N-I.png under HOTLINE_ARTIFACTS and named in a comment,
// so that a failure on a machine we cannot see shows what the page said.
async function failShots() {
	const script = basename(process.argv[1] || 'browser', '.mjs');
	let i = 0;
	for (const ctx of launched) {
		for (const page of ctx.context.pages()) {
			i += 1;
			try {
				comment(`screenshot: ${await shot(page, `${script}-fail-${count}-${i}`)} (${page.url()})`);
			} catch (e) {
				comment(`no screenshot of ${page.url()}: ${e && e.message ? e.message : e}`);
			}
		}
	}
}

// check(cond, message): throws message (with detail) unless cond; for
// use inside a step.
export function check(cond, message, detail) {
	if (!cond)
		throw new Error(detail === undefined ? message : `${message}\n${detail}`);
}

// --- The browser -------------------------------------------------------

// The window is one size at one scale, so that the screenshots of two
// runs are alike; the clock's zone is UTC for the same reason.
export const VIEWPORT = { width: 1280, height: 800 };

const ARGS = [
	// Chromium's sandbox needs user namespaces it cannot make as root
	// (CI and the developers' machines run the tests as root): without
	// this it refuses to start.  The pages it opens are ours alone.
	'--no-sandbox',
	'--disable-gpu',
	// The machine reaches no network but loopback: no call home, no
	// updates, no sync, no QUIC probes (each would fail, slowly, and
	// log errors).
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-quic',
	'--no-first-run',
	'--no-default-browser-check',
	// Text drawn the same way whatever the machine: stable screenshots.
	'--font-render-hinting=none',
	'--hide-scrollbars',
];

// The contexts launch() opened and not yet closed.
const launched = [];

// launch({locale, timezone}) -> {browser, context, page, errors,
// violations, api}.  errors collects the page's console errors and
// uncaught exceptions, violations the CSP violations it reports (a
// securitypolicyviolation event), api the operator API's 4xx answers:
// a refusal the page is there to show (a wrong password, a 401 before
// the login) is no error of the page, so a failed load under /v1/ with
// a 4xx status is kept in api, not in errors; a 5xx, or any failed load
// of a console file, is an error.  With opts.browser (a ctx.browser of
// an earlier launch), a context of its own (its own cookies and storage:
// another operator's session) in that browser, sparing a start of
// chromium; close it with ctx.context.close().
export async function launch(opts = {}) {
	const t0 = Date.now();
	const locale = opts.locale || 'en-US';
	const browser = opts.browser || await chromium.launch({
		executablePath: env.chromium,
		headless: true,
		args: ARGS,
		timeout: 30000,
	});
	const context = await browser.newContext({
		ignoreHTTPSErrors: true,
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		locale,
		timezoneId: opts.timezone || 'UTC',
		colorScheme: 'light',
		reducedMotion: 'reduce',
	});
	context.setDefaultTimeout(opts.timeout || 10000);
	const ctx = { browser, context, page: null, errors: [], violations: [], api: [] };
	launched.push(ctx);
	context.on('close', () => {
		const i = launched.indexOf(ctx);
		if (i >= 0)
			launched.splice(i, 1);
	});

	await context.exposeBinding('__hotlineCsp', (_source, v) => {
		ctx.violations.push(v);
	});
	await context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			window.__hotlineCsp({
				directive: e.effectiveDirective || e.violatedDirective,
				blocked: e.blockedURI,
				source: e.sourceFile,
				line: e.lineNumber,
				sample: e.sample,
			});
		}, true);
	});
	context.on('page', (p) => watch(ctx, p));
	ctx.page = await context.newPage();
	console.log(`# ${opts.browser ? 'context opened' : 'chromium started'} in ${Date.now() - t0} ms`);
	return ctx;
}

function watch(ctx, page) {
	page.on('console', (msg) => {
		if (msg.type() !== 'error')
			return;
		const where = msg.location() && msg.location().url ? msg.location().url : '';
		if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text()) &&
		    apiPath(where))
			return;
		ctx.errors.push(`console: ${msg.text()}${where ? ` (${where})` : ''}`);
	});
	page.on('pageerror', (err) => {
		ctx.errors.push(`exception: ${err && err.stack ? err.stack : err}`);
	});
	page.on('response', (res) => {
		if (res.status() >= 400 && apiPath(res.url()))
			ctx.api.push({ method: res.request().method(), url: res.url(), status: res.status() });
	});
}

function apiPath(url) {
	try {
		return new URL(url).pathname.startsWith('/v1/');
	} catch {
		return false;
	}
}

// --- The console -------------------------------------------------------

// totp(secret, offset): the TOTP code (RFC 6238: SHA-1, 6 digits, 30 s)
// of a base32 secret, now or offset seconds later.
export function totp(secret = env.secret, offset = 0) {
	return totpAt(secret, Math.floor((Date.now() / 1000 + offset) / 30));
}

function totpAt(secret, step) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0;
	let value = 0;
	const key = [];
	for (const c of secret.toUpperCase().replace(/[=\s]/g, '')) {
		const v = alphabet.indexOf(c);
		if (v < 0)
			throw new Error('the TOTP secret is not base32');
		value = ((value << 5) | v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			key.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(step));
	const h = createHmac('sha1', Buffer.from(key)).update(counter).digest();
	const at = h[h.length - 1] & 0x0f;
	const n = (h.readUInt32BE(at) & 0x7fffffff) % 1000000;
	return String(n).padStart(6, '0');
}

// freshCode(secret): a code hotlined has not taken yet.  It takes each
// 30 s step's code once, and the next step's early (a clock a step
// ahead): a login uses the step after the last one used, now's or the
// next, and waits when both are used.  The steps used are kept in the
// test's folder, for every script of the test.
export async function freshCode(secret = env.secret) {
	const tag = createHmac('sha256', 'hotline-test').update(secret).digest('hex').slice(0, 16);
	const file = join(env.testDir, `.totp-step-${tag}`);
	const last = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
	const step = () => Math.floor(Date.now() / 1000 / 30);
	if (last > step())
		await new Promise((r) => setTimeout(r, last * 30000 - Date.now() + 100));
	const use = Math.max(step(), last + 1);
	writeFileSync(file, String(use));
	return totpAt(secret, use);
}

// login(page, url, name, password, code): through the console's login
// page (pages/login.js: #login-name, #login-password, #login-totp,
// #login-submit, refusals in #login-error); resolves once the form is
// gone, throws with the page's words when the login is refused.
// Without a code, a fresh one of the operator's (env, else operator()).
export async function login(page, url = env.url, name = env.operator,
	password = env.password, code) {
	if (code === undefined)
		code = await freshCode(name === env.operator && url === env.url
			? env.secret : operator(partyOf(url), name).secret);
	const target = new URL('#/login', url).href;
	if (page.url() !== target)
		await page.goto(target);
	await page.locator('#login-form').waitFor();
	await page.fill('#login-name', name);
	await page.fill('#login-password', password);
	await page.fill('#login-totp', code);
	await page.click('#login-submit');
	const gone = page.locator('#login-form').waitFor({ state: 'detached' }).then(() => null);
	const refused = page.locator('#login-error:not(:empty)').waitFor().then(
		async () => page.textContent('#login-error'));
	const why = await Promise.race([gone, refused]);
	if (why !== null)
		throw new Error(`login refused: ${why}`);
}

function partyOf(url) {
	const lines = env.operators && existsSync(env.operators)
		? readFileSync(env.operators, 'utf8').split('\n') : [];
	const hit = lines.map((l) => l.split(' ')).find((f) => f[3] === url);
	return hit ? hit[0] : env.party;
}

// axe(page, context): axe-core's serious and critical violations on the
// page as it is now (or in the part CONTEXT, a selector), as
// [{id, impact, help, nodes: [selector...]}].  axe is evaluated from
// devtools, as the page's CSP does not let a script in.
let axeSource = null;
export async function axe(page, context) {
	if (axeSource === null) {
		const require = createRequire(import.meta.url);
		axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	}
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(axeSource);
	const found = await page.evaluate(async (within) => {
		const r = await window.axe.run(within || document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.map((n) => n.target.join(' ')),
		}));
	}, context || null);
	return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// axeText(violations): one line each, for a failure's comments.
export function axeText(violations) {
	return violations.map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.join(', ')}`).join('\n');
}

// shot(page, name): a PNG of the window, kept as NAME.png under
// HOTLINE_ARTIFACTS; returns its path.
export async function shot(page, name) {
	mkdirSync(env.artifacts, { recursive: true });
	const path = join(env.artifacts, `${name}.png`);
	await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
	return path;
}

// done(ctx): the last two TAP lines (no console error, no CSP
// violation), the plan; closes the browser and sets the exit status.
export async function done(ctx) {
	if (ctx) {
		const t0 = Date.now();
		ok(ctx.errors.length === 0, 'no console error, no uncaught exception',
			() => ctx.errors.join('\n'));
		ok(ctx.violations.length === 0, 'no CSP violation reported',
			() => ctx.violations.map((v) => JSON.stringify(v)).join('\n'));
		await ctx.browser.close().catch(() => {});
		console.log(`# chromium closed in ${Date.now() - t0} ms`);
	}
	console.log(`1..${count}`);
	clearTimeout(watchdog);
	process.exitCode = failed ? 1 : 0;
}

// A test that hangs fails, after HOTLINE_BROWSER_TIMEOUT seconds (120);
// the browser goes with the process.
const limit = Number(process.env.HOTLINE_BROWSER_TIMEOUT) || 120;
const watchdog = setTimeout(() => {
	ok(false, `the test ended within ${limit} s`);
	console.log(`1..${count}`);
	process.exit(1);
}, limit * 1000);
watchdog.unref();
