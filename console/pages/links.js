// links.js - #/links: the links board.  Each link's state (confirmed,
// reachable, TLS key pin alarm), its outbox and last receipt, and the
// communication checks sent on it: a chart of how long the peer took to
// receipt and to answer each (Chart.js from Debian, /lib/chart.js, when
// it is there) and a table of the same figures.  A link gone silent says
// so in words.  Supervisors run a check from here.  Each link has its
// State (pages/state.js: a banner while it is suspended, what is held,
// Suspend and Resume), its Terms (pages/terms.js) and its Keys
// (pages/keys.js: each side's eras), all kept across the board's
// redraws.
import { t, fmtNumber, fmtTime, fmtDuration, label } from '/i18n.js';
import {
	el, clear, table, alertBox, showError, announce, button, allPages, hasRole, heading,
} from './kit.js';
import { termsSection } from './terms.js';
import { stateSection } from './state.js';
import { keysSection } from './keys.js';

// A link is silent when it missed its last check, when nothing came
// from the peer for twice the check schedule, or (with no schedule)
// when the daemon says so (a week: report.silent).
export function silentReason(report, now) {
	const checks = report.checks || [];
	const last = checks.length ? checks[checks.length - 1] : null;
	if (last && last.state.startsWith('missed'))
		return t('the last check was missed');
	if (report.silent)
		return report.last_heard ? t('no sign of life for %s', fmtDuration(now - report.last_heard))
			: t('no sign of life yet');
	if (report.every && report.last_heard && now - report.last_heard > 2 * report.every)
		return t('no sign of life for %s', fmtDuration(now - report.last_heard));
	return null;
}

// Codes of the API in words; each a call of t(), so that make pot finds
// the msgids.
const REACH = {
	yes: () => t('yes'),
	no: () => t('no'),
	'pin-mismatch': () => t('TLS key pin mismatch'),
	'not-tried': () => t('not tried yet'),
	'no-endpoint': () => t('no endpoint'),
};

const CHECK_STATE = {
	answered: () => t('answered'),
	'answered-late': () => t('answered late'),
	missed: () => t('missed'),
	'missed-not-receipted': () => t('missed, not receipted'),
	'not-receipted-in-time': () => t('not receipted in time'),
	'awaiting-answer': () => t('awaiting an answer'),
	'not-yet-receipted': () => t('not yet receipted'),
};

const LEVEL = {
	ok: () => t('ok'),
	warning: () => t('warning'),
	critical: () => t('critical'),
	unknown: () => t('unknown'),
};

// The words of code in table, or the code itself (one we do not know).
function say(table, code) {
	return Object.prototype.hasOwnProperty.call(table, code) ? table[code]() : String(code ?? '');
}

function ago(now, when) {
	if (!when)
		return t('never');
	return t('%s (%s ago)', fmtTime(when), fmtDuration(now - when));
}

function after(from, to) {
	return to === null || to === undefined ? null : Math.max(0, to - from);
}

async function load(api) {
	const [status, links] = await Promise.all([api('GET', '/v1/status'), allPages(api, '/v1/links')]);
	const reports = await Promise.all((status.links || []).map((l) =>
		api('GET', `/v1/check/report?link=${encodeURIComponent(l.name)}`).catch(() => null)));
	const byName = Object.fromEntries(links.map((l) => [l.name, l]));
	return (status.links || []).map((s, i) => ({ s, l: byName[s.name] || {}, r: reports[i] }));
}

// The board's overview table: one row per link.
function overview(rows, now) {
	const heads = [t('Link'), t('Peer'), t('Confirmed'), t('Reachable'), t('TLS key pin'),
		t('Outbox'), t('Last receipt'), t('Checks'), t('State')];
	const tb = table(t('Links'), heads, []);
	const body = tb.tBodies[0];
	for (const { s, l, r } of rows) {
		const silent = r ? silentReason(r, now) : null;
		const pin = s.pin_mismatch;
		const alarm = !!pin || (s.evidence || 0) > 0;
		const state = [{ cls: 'state', text: say(LEVEL, s.level || 'unknown') }];
		if (silent)
			state.unshift({ cls: 'silent', text: t('SILENT: %s', silent) });
		if (s.state === 'suspended')
			state.unshift({ cls: 'suspended', text: t('SUSPENDED by %s', (s.suspended || []).map((x) => x.by).join(', ')) });
		if (alarm)
			state.unshift({ cls: 'alarm', text: pin ? t('ALARM: the peer presents another TLS key since %s', fmtTime(pin.since))
				: t('ALARM: %s equivocation records', fmtNumber(s.evidence)) });
		const tr = el('tr', { class: [silent ? 'silent' : '', alarm ? 'alarm' : '', `level-${s.level}`].join(' ').trim() });
		const cells = [
			el('th', { attrs: { scope: 'row' } }, el('a', { href: `#link-${s.name}`, text: s.name })),
			el('td', { text: s.peer || l.peer || '' }),
			el('td', { text: s.confirmed ? (l.confirmed ? t('yes, %s', fmtTime(l.confirmed)) : t('yes')) : t('no, not confirmed') }),
			el('td', { text: say(REACH, s.reachable) }),
			el('td', { text: pin ? t('MISMATCH since %s', fmtTime(pin.since)) : t('as on the card') }),
			el('td', { class: 'num', text: fmtNumber(s.outbox || 0) }),
			el('td', { text: ago(now, s.last_receipt) }),
			el('td', { text: r ? t('sent: %s; missed: %s', fmtNumber(r.count), fmtNumber(r.missed)) : '—' }),
			el('td', { class: 'state' }, ...state.map((x) => el('span', { class: `badge ${x.cls}`, text: x.text }))),
		];
		tr.append(...cells);
		body.append(tr);
	}
	return tb;
}

// The figures of one link's checks, as a table.
function figures(name, report) {
	const rows = (report.checks || []).map((c) => {
		const missed = c.state.startsWith('missed');
		const rec = after(c.sent, c.receipt);
		const ans = after(c.sent, c.answer);
		return [
			{ header: true, text: fmtTime(c.sent) },
			c.id,
			label('precedence', c.precedence),
			rec === null ? t('none') : fmtDuration(rec),
			ans === null ? t('none') : fmtDuration(ans),
			{ text: say(CHECK_STATE, c.state), class: missed ? 'missed' : '' },
		];
	});
	return table(t('Checks sent to %s', name),
		[t('Sent'), t('Message'), t('Precedence'), t('Receipt after'), t('Reply after'), t('State')], rows,
		{ class: 'figures' });
}

// The chart of the same figures, or a line saying why there is none.
function chart(name, report, charts) {
	const checks = report.checks || [];
	if (typeof window.Chart !== 'function')
		return el('p', { class: 'note', text: t('The chart library is missing (/lib/chart.js): the table gives the figures.') });
	if (!checks.length)
		return el('p', { class: 'note', text: t('No check sent yet.') });
	const canvas = el('canvas', {
		attrs: { role: 'img', 'aria-label': t('Chart of how long %s took to receipt and answer each check; the table gives the same figures.', name) },
	});
	const rec = checks.map((c) => after(c.sent, c.receipt));
	const ans = checks.map((c) => after(c.sent, c.answer));
	const top = Math.max(1, ...rec.filter((x) => x !== null), ...ans.filter((x) => x !== null));
	const missed = checks.map((c) => (c.state.startsWith('missed') ? top : null));
	const wrap = el('div', { class: 'chart' }, canvas);
	const style = getComputedStyle(document.documentElement);
	const color = (v, dflt) => (style.getPropertyValue(v) || '').trim() || dflt;
	charts.push(new window.Chart(canvas, {
		type: 'line',
		data: {
			labels: checks.map((c) => fmtTime(c.sent)),
			datasets: [
				{ label: t('Receipt after (seconds)'), data: rec, borderColor: color('--chart-1', '#1f5fa8'),
					backgroundColor: color('--chart-1', '#1f5fa8'), spanGaps: true },
				{ label: t('Reply after (seconds)'), data: ans, borderColor: color('--chart-2', '#8a4b00'),
					backgroundColor: color('--chart-2', '#8a4b00'), borderDash: [6, 4], spanGaps: true },
				{ label: t('Missed check'), data: missed, showLine: false, pointStyle: 'crossRot',
					pointRadius: 9, pointBorderWidth: 3, borderColor: color('--chart-alarm', '#b00020'),
					backgroundColor: color('--chart-alarm', '#b00020') },
			],
		},
		options: {
			animation: false,
			responsive: true,
			maintainAspectRatio: false,
			locale: document.documentElement.lang || 'en',
			scales: {
				x: { reverse: document.documentElement.dir === 'rtl', title: { display: true, text: t('Sent') } },
				y: { beginAtZero: true, position: document.documentElement.dir === 'rtl' ? 'right' : 'left',
					title: { display: true, text: t('seconds') } },
			},
			plugins: { legend: { rtl: document.documentElement.dir === 'rtl' } },
		},
	}));
	return wrap;
}

function section(api, me, row, now, charts, refresh, box, terms, state, keys) {
	const { s, r } = row;
	const sec = el('section', { id: `link-${s.name}`, class: 'link', attrs: { 'aria-labelledby': `link-h-${s.name}` } },
		el('h2', { id: `link-h-${s.name}`, text: t('Link %s', s.name) }), state);
	if (hasRole(me, 'supervisor')) {
		sec.append(el('div', { class: 'actions' }, button(t('Run a check'), async () => {
			const res = await api('POST', '/v1/check/run', { link: s.name });
			announce(t('Check sent as %s.', res.id));
			await refresh();
		}, box, { id: `run-check-${s.name}` })));
	}
	if (!r) {
		sec.append(el('p', { class: 'note', text: t('The checks of this link cannot be read.') }), terms, keys);
		return sec;
	}
	const facts = [
		r.every ? t('A check is due every %s; the next at %s.', fmtDuration(r.every), fmtTime(r.next_due))
			: t('Checks are not scheduled on this link.'),
		t('Last sign of life from the peer: %s.', ago(now, r.last_heard)),
		t('Checks sent: %s; missed or answered late: %s; not receipted in time: %s.',
			fmtNumber(r.count), fmtNumber(r.missed), fmtNumber(r.unreceipted)),
	];
	const silent = silentReason(r, now);
	if (silent)
		sec.append(el('p', { class: 'silent-note', attrs: { role: 'status' }, text: t('This link has gone silent: %s.', silent) }));
	sec.append(el('ul', { class: 'facts' }, ...facts.map((f) => el('li', { text: f }))));
	sec.append(chart(s.name, r, charts));
	sec.append(figures(s.name, r), terms, keys);
	return sec;
}

export async function render(main, ctx) {
	const { api, me } = ctx;
	const box = alertBox();
	const board = el('div', { class: 'board' });
	main.append(heading(t('Links')), box, board);
	let charts = [];
	let timer = null;
	let busy = false;
	// Each link's Terms, made once and moved into each redraw.
	const terms = new Map();
	// Each link's State, the same way.
	const states = new Map();
	const stateOf = (name) => {
		if (!states.has(name)) {
			states.set(name, stateSection(api, me, name));
			states.get(name).refresh();
		}
		return states.get(name).node;
	};
	// Each link's Keys, the same way.
	const keys = new Map();
	const keysOf = (name) => {
		if (!keys.has(name)) {
			keys.set(name, keysSection(api, me, name));
			keys.get(name).refresh();
		}
		return keys.get(name).node;
	};
	const termsOf = (name) => {
		if (!terms.has(name)) {
			terms.set(name, termsSection(api, me, name));
			terms.get(name).refresh();
		}
		return terms.get(name).node;
	};

	const refresh = async () => {
		if (busy)
			return;
		busy = true;
		try {
			const rows = await load(api);
			const now = Math.floor(Date.now() / 1000);
			const focused = document.activeElement && document.activeElement.id;
			for (const c of charts)
				c.destroy();
			charts = [];
			clear(board);
			if (!rows.length)
				board.append(el('p', { text: t('No link yet.') }));
			else
				board.append(overview(rows, now), ...rows.map((row) =>
					section(api, me, row, now, charts, refresh, box, termsOf(row.s.name), stateOf(row.s.name),
						keysOf(row.s.name))));
			if (focused && document.getElementById(focused))
				document.getElementById(focused).focus();
		} catch (err) {
			showError(box, err);
		} finally {
			busy = false;
		}
	};
	await refresh();

	// Changes on a link redraw the board, at most twice a second.
	const soon = () => {
		clearTimeout(timer);
		timer = setTimeout(refresh, 500);
	};
	const types = ['receipt', 'ack', 'sent', 'message', 'deadline'];
	for (const ty of types)
		ctx.stream.on(ty, soon);
	const tick = setInterval(refresh, 60000);
	// A terms message sent or received, or a new version in force,
	// redraws that link's Terms.
	const termsTypes = ['terms', 'message', 'sent'];
	const termsChanged = (data) => {
		if (data && terms.has(data.link) && (!data.kind || String(data.kind).startsWith('terms')))
			terms.get(data.link).refresh();
	};
	for (const ty of termsTypes)
		ctx.stream.on(ty, termsChanged);
	// A link suspended or resumed, a message held, dropped or released:
	// that link's State, and the board's badge.
	const stateChanged = (data) => {
		if (data && states.has(data.link))
			states.get(data.link).refresh();
		soon();
	};
	ctx.stream.on('suspension', stateChanged);
	// A key change (the `key` event, or a card or rekey message of
	// either side) redraws that link's Keys.
	const keyTypes = ['key', 'message', 'sent'];
	const keysChanged = (data) => {
		if (data && keys.has(data.link) && (!data.kind || data.kind === 'card' || data.kind === 'rekey'))
			keys.get(data.link).refresh();
	};
	for (const ty of keyTypes)
		ctx.stream.on(ty, keysChanged);
	return () => {
		clearTimeout(timer);
		clearInterval(tick);
		for (const ty of types)
			ctx.stream.off(ty, soon);
		for (const ty of termsTypes)
			ctx.stream.off(ty, termsChanged);
		ctx.stream.off('suspension', stateChanged);
		for (const ty of keyTypes)
			ctx.stream.off(ty, keysChanged);
		for (const c of charts)
			c.destroy();
	};
}
