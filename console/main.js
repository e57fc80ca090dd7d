// main.js - the console's shell: who is logged in (else the login
// page), the router of hash routes, the nav (only what the operator's
// roles may use), the language, the event stream and the FLASH signal.
//
// Each page is a module of pages/, loaded on navigation with import(),
// exporting render(main, ctx) -> optional cleanup function.

import { api as rawApi, ApiError, csrf, setCsrf, stream as openStream } from '/api.js';
import { t, tError, setLang, preferredLang, keepLang, LANGS, currentLang, label } from '/i18n.js';

const PAGES = ['login', 'inbox', 'case', 'compose', 'links', 'groups', 'evidence', 'operators', 'audit'];

// Routes served by another page's module (and marked as it in the nav):
// one group and one group message's board are pages/groups.js's.
const ALIASES = { group: 'groups', 'group-message': 'groups' };
const moduleOf = (page) => ALIASES[page] || page;

// The rights of docs/api.md ("Rights") and the roles that hold them.
const RIGHTS = {
	none: ['duty', 'supervisor', 'auditor', 'admin'],
	read: ['duty', 'supervisor', 'auditor'],
	ack: ['duty', 'supervisor'],
	send: ['duty', 'supervisor'],
	close: ['supervisor'],
	link: ['supervisor'],
	admin: ['admin'],
	audit: ['auditor', 'admin'],
};

const NAV = [
	{ page: 'inbox', right: 'read', label: () => t('Inbox') },
	{ page: 'case', right: 'read', label: () => t('Cases') },
	{ page: 'compose', right: 'send', label: () => t('Compose') },
	{ page: 'links', right: 'read', label: () => t('Links') },
	{ page: 'groups', right: 'none', label: () => t('Groups') },
	{ page: 'evidence', right: 'read', label: () => t('Evidence') },
	{ page: 'operators', right: 'audit', label: () => t('Operators') },
	{ page: 'audit', right: 'audit', label: () => t('Audit') },
];

const SIGNAL_KEYS = { sound: 'hotline.signal.sound', title: 'hotline.signal.title' };

let me = null;
let cleanup = null;
let events = null;
let renderSeq = 0;
let loginNotice = '';
let pageListeners = [];
const listeners = new Map();

const $ = (id) => document.getElementById(id);

export function can(right, who = me) {
	if (!who || !Array.isArray(who.roles))
		return false;
	const roles = RIGHTS[right] || [];
	return who.roles.some((r) => roles.includes(r));
}

// el(tag, props, ...kids): an element; props are attributes, but
// 'text' is its textContent, 'class' its class and functions or
// booleans are properties (onclick, hidden). Never HTML.
export function el(tag, props = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(props)) {
		if (v === undefined || v === null || v === false)
			continue;
		if (k === 'text')
			e.textContent = v;
		else if (k === 'class')
			e.className = v;
		else if (k in e && typeof v !== 'string')
			e[k] = v;
		else
			e.setAttribute(k, v === true ? '' : v);
	}
	for (const kid of kids)
		if (kid !== null && kid !== undefined && kid !== false)
			e.append(kid);
	return e;
}

// announce(text): said by screen readers through the live region.
export function announce(text) {
	const region = $('announce');
	if (!region)
		return;
	region.textContent = '';
	setTimeout(() => {
		region.textContent = text;
	}, 50);
}

/* --- the FLASH signal: title bar and sound, each one the operator may
 * turn off (kept in localStorage) --- */

function signalOn(which) {
	try {
		return localStorage.getItem(SIGNAL_KEYS[which]) !== '0';
	} catch {
		return true;
	}
}

function setSignal(which, on) {
	try {
		localStorage.setItem(SIGNAL_KEYS[which], on ? '1' : '0');
	} catch {
		/* no storage: for this page only */
	}
}

let audio = null;
let titleBase = 'Hotline';
let titleTimer = null;
let titleAlerts = 0;

function unlockAudio() {
	try {
		if (!audio) {
			const Ctx = window.AudioContext || window.webkitAudioContext;
			if (Ctx)
				audio = new Ctx();
		} else if (audio.state === 'suspended') {
			audio.resume();
		}
	} catch {
		audio = null;
	}
}

function beep() {
	if (!audio)
		return false;
	if (audio.state === 'suspended')
		audio.resume();
	const t0 = audio.currentTime + 0.01;
	for (let i = 0; i < 3; i++) {
		const start = t0 + i * 0.25;
		const osc = audio.createOscillator();
		const gain = audio.createGain();
		osc.type = 'square';
		osc.frequency.value = 880;
		gain.gain.setValueAtTime(0.0001, start);
		gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
		gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
		osc.connect(gain).connect(audio.destination);
		osc.start(start);
		osc.stop(start + 0.2);
	}
	return true;
}

function setTitle(base) {
	titleBase = base;
	if (!titleAlerts)
		document.title = base;
}

function titleSignal() {
	titleAlerts++;
	const word = t('FLASH');
	let on = true;
	const paint = () => {
		document.title = (on ? '● ' : '○ ') + `(${titleAlerts}) ${word} · ${titleBase}`;
		on = !on;
	};
	paint();
	clearInterval(titleTimer);
	titleTimer = setInterval(paint, 1000);
}

function clearTitleSignal() {
	if (!titleAlerts)
		return;
	titleAlerts = 0;
	clearInterval(titleTimer);
	titleTimer = null;
	document.title = titleBase;
}

function flashArrived(data) {
	announce(t('FLASH from %s: %s', data.link || '', data.message || ''));
	const body = document.body;
	if (signalOn('title'))
		titleSignal();
	if (signalOn('sound') && beep())
		body.dataset.beeps = String(Number(body.dataset.beeps || 0) + 1);
}

/* --- the event stream: one for the console, pages subscribe --- */

function dispatch(type, data, id) {
	// A FLASH that asks something of this desk; not the peer's
	// acknowledgment of ours, which travels at our message's precedence.
	if (type === 'message' && data.side === 'received' && data.precedence === 'flash' &&
	    data.kind !== 'ack' && data.kind !== 'check-reply')
		flashArrived(data);
	for (const fn of listeners.get(type) || [])
		try {
			fn(data, id);
		} catch (e) {
			console.warn(e);
		}
}

function on(type, fn) {
	if (!listeners.has(type))
		listeners.set(type, new Set());
	listeners.get(type).add(fn);
	pageListeners.push([type, fn]);
	return () => off(type, fn);
}

function off(type, fn) {
	const set = listeners.get(type);
	if (set)
		set.delete(fn);
}

function startStream() {
	stopStream();
	if (!can('read'))
		return;
	events = openStream(dispatch, (state) => {
		const live = $('live');
		if (live)
			live.textContent = state === 'open' ? t('live') : t('reconnecting…');
		// Refused: most often the session ended. whoami says so (a 401
		// ends it here and shows the login); else the stream tries again.
		if (state === 'closed' && me)
			api('GET', '/v1/whoami').catch(() => {});
	});
}

function stopStream() {
	if (events)
		events.close();
	events = null;
}

/* --- the API, as pages get it: a 401 ends the session --- */

async function api(method, path, body) {
	try {
		return await rawApi(method, path, body);
	} catch (e) {
		if (e instanceof ApiError && e.status === 401 && me && path !== '/v1/login') {
			loginNotice = tError(e);
			endSession();
			go('#/login');
		}
		throw e;
	}
}

function go(hash, replace = false) {
	if (location.hash === hash) {
		route();
		return;
	}
	if (replace) {
		history.replaceState(null, '', hash);
		route();
	} else {
		location.hash = hash;
	}
}

function home() {
	if (can('read'))
		return '#/inbox';
	if (can('audit'))
		return '#/operators';
	return '#/login';
}

/* --- the header --- */

function buildHeader() {
	const nav = $('nav');
	const tools = $('tools');
	nav.replaceChildren();
	tools.replaceChildren();
	$('brand').textContent = t('Hotline');
	$('skip').textContent = t('Skip to content');
	nav.setAttribute('aria-label', t('Pages'));
	const langSel = el('select', { id: 'lang' });
	for (const l of LANGS) {
		const o = el('option', { value: l.code, lang: l.code, text: l.name });
		if (l.code === currentLang())
			o.selected = true;
		langSel.append(o);
	}
	langSel.addEventListener('change', async () => {
		keepLang(me ? me.name : '', langSel.value);
		await setLang(langSel.value);
		buildHeader();
		route();
		const again = $('lang');
		if (again)
			again.focus();
	});
	tools.append(el('label', { for: 'lang', text: t('Language') }), langSel);
	if (!me)
		return;
	const ul = el('ul');
	const cur = moduleOf(parse().page);
	for (const item of NAV) {
		if (!can(item.right))
			continue;
		const a = el('a', { href: '#/' + item.page, text: item.label(), 'data-page': item.page });
		if (item.page === cur)
			a.setAttribute('aria-current', 'page');
		ul.append(el('li', {}, a));
	}
	nav.append(ul);
	for (const which of ['sound', 'title']) {
		const id = 'signal-' + which;
		const box = el('input', { type: 'checkbox', id });
		box.checked = signalOn(which);
		box.addEventListener('change', () => setSignal(which, box.checked));
		tools.append(el('label', { for: id },
			box, ' ', which === 'sound' ? t('Sound for FLASH') : t('Title signal for FLASH')));
	}
	const roles = me.roles.map((r) => label('role', r)).join(', ');
	tools.append(
		el('span', { id: 'live', class: 'status-line', 'aria-live': 'off' }),
		el('span', { class: 'who', id: 'whoami', text: t('%s (%s)', me.name, roles) }),
		el('button', { type: 'button', id: 'logout', class: 'secondary', text: t('Log out') }));
	$('logout').addEventListener('click', logout);
}

function markNav() {
	const cur = moduleOf(parse().page);
	for (const a of document.querySelectorAll('#nav a'))
		if (a.dataset.page === cur)
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
}

/* --- sessions --- */

function endSession() {
	me = null;
	setCsrf(null);
	stopStream();
	clearTitleSignal();
	buildHeader();
}

async function loggedIn(answer) {
	if (answer && answer.csrf)
		setCsrf(answer.csrf);
	me = { name: answer.name, roles: answer.roles || [], max_precedence: answer.max_precedence };
	loginNotice = '';
	await setLang(preferredLang(me.name));
	buildHeader();
	startStream();
	go(home(), true);
}

async function logout() {
	try {
		await rawApi('POST', '/v1/logout', {});
	} catch {
		/* the session is gone either way */
	}
	loginNotice = t('You are logged out.');
	endSession();
	go('#/login');
}

/* --- the router --- */

function parse() {
	const h = location.hash || '';
	if (/^#ticket=/.test(h))
		return { page: 'login', arg: '' };
	const m = /^#\/([a-z]+(?:-[a-z]+)*)(?:\/(.*))?$/.exec(h);
	if (!m)
		return { page: '', arg: '' };
	let arg = '';
	try {
		arg = m[2] ? decodeURIComponent(m[2]) : '';
	} catch {
		arg = '';
	}
	return { page: m[1], arg };
}

async function route(focus = false) {
	const seq = ++renderSeq;
	let { page, arg } = parse();
	if (!me && page !== 'login') {
		history.replaceState(null, '', '#/login');
		page = 'login';
	} else if (me && (page === 'login' || page === '')) {
		history.replaceState(null, '', home());
		({ page, arg } = parse());
	}
	if (cleanup) {
		try {
			cleanup();
		} catch (e) {
			console.warn(e);
		}
		cleanup = null;
	}
	for (const [type, fn] of pageListeners)
		off(type, fn);
	pageListeners = [];
	markNav();
	const main = $('main');
	main.replaceChildren();
	const item = NAV.find((n) => n.page === moduleOf(page));
	setTitle(item ? `${item.label()} · ${t('Hotline')}` : t('Hotline'));
	if (!PAGES.includes(moduleOf(page))) {
		main.append(el('h1', { text: t('No such page') }),
			el('p', {}, el('a', { href: home(), text: t('Go to the start page') })));
		return;
	}
	let mod;
	try {
		mod = await import(`/pages/${moduleOf(page)}.js`);
	} catch (e) {
		if (seq !== renderSeq)
			return;
		main.append(el('h1', { text: t('This page could not be loaded') }),
			el('p', { class: 'error', text: String(e && e.message ? e.message : e) }));
		return;
	}
	if (seq !== renderSeq)
		return;
	const ctx = {
		api, t, me, page, arg, go, can, announce, el,
		stream: { on, off },
		loggedIn,
		notice: loginNotice,
		setTitle: (s) => setTitle(`${s} · ${t('Hotline')}`),
	};
	try {
		const c = await mod.render(main, ctx);
		if (seq !== renderSeq) {
			if (typeof c === 'function')
				c();
			return;
		}
		cleanup = typeof c === 'function' ? c : null;
	} catch (e) {
		if (seq !== renderSeq)
			return;
		main.append(el('p', { class: 'error', role: 'alert', text: tError(e) }));
	}
	if (focus) {
		window.scrollTo(0, 0);
		main.focus({ preventScroll: true });
	}
}

async function boot() {
	$('skip').addEventListener('click', (ev) => {
		ev.preventDefault();
		$('main').focus();
	});
	for (const type of ['pointerdown', 'keydown']) {
		document.addEventListener(type, () => {
			unlockAudio();
			clearTitleSignal();
		}, { capture: true });
	}
	await setLang(preferredLang(''));
	buildHeader();
	const ticket = /^#ticket=/.test(location.hash);
	if (!ticket && csrf()) {
		try {
			const who = await rawApi('GET', '/v1/whoami');
			me = { name: who.name, roles: who.roles || [], max_precedence: who.max_precedence };
		} catch (e) {
			if (e instanceof ApiError && e.status === 401)
				setCsrf(null);
			else
				loginNotice = tError(e);
		}
	}
	if (me) {
		await setLang(preferredLang(me.name));
		buildHeader();
		startStream();
	}
	window.addEventListener('hashchange', () => route(true));
	await route();
}

boot();
