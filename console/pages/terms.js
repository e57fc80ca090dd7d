// terms.js - the Terms section of a link on the links board
// (docs/design/links.md section 9): the version in force and since
// when (or, before any, the terms this party would propose), each value;
// the peer's open proposals, with Accept and Decline for supervisors; a
// form for supervisors to propose new terms; the history of every terms
// message of both sides.  GET /v1/link/terms, POST
// /v1/link/terms/propose|accept|decline (docs/api.md).  Not a page: the
// links board holds one section per link and keeps it across its
// redraws, so that a form being filled in survives them.
import { t, fmtTime, isoTime, fmtDuration, label } from '/i18n.js';
import {
	el, clear, table, field, select, alertBox, announce, button, hasRole, PRECEDENCES,
	oneAtATime,
} from './kit.js';

// The words of the API's codes; each a call of t(), so that make pot
// finds the msgids.
const TYPE = {
	terms: () => t('proposed terms'),
	'terms-accept': () => t('acceptance of terms'),
	'terms-decline': () => t('terms declined'),
};

const OUTCOME = {
	open: () => t('open'),
	accepted: () => t('accepted'),
	declined: () => t('declined'),
	replaced: () => t('replaced'),
	stale: () => t('stale'),
	counts: () => t('counts'),
};

// The words of a code, or (an outcome that says why a message counted
// for nothing) the daemon's sentence, translated when the catalogues
// have it.
function say(words, code) {
	return Object.prototype.hasOwnProperty.call(words, code) ? words[code]() : t(String(code ?? ''));
}

const ours = (id) => String(id).includes('/out/');

// A message ID as a piece of an element's id: LINK/N -> LINK-N.
const slug = (id) => String(id).replace(/\//g, '-');

// Seconds in hotline.conf's syntax (90s, 15m, 1h, 3d): the largest unit
// that divides them, as hl_duration_format writes it.
export function confDuration(secs) {
	for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60]])
		if (secs % n === 0)
			return `${secs / n}${u}`;
	return `${secs}s`;
}

// hotline.conf's syntax to seconds, or null.
export function parseDuration(text) {
	const m = /^\s*(\d{1,9})\s*([smhd])\s*$/.exec(String(text));
	if (!m || Number(m[1]) === 0)
		return null;
	return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2]];
}

// The values of a terms object: the two ladders as a table (a column
// per precedence), then checks, languages and the suspect window.
function values(terms, caption) {
	const ladder = (name, o) => [{ header: true, text: name },
		...PRECEDENCES.map((p) => fmtDuration(o[p]))];
	const tb = table(caption, ['', ...PRECEDENCES.map((p) => label('precedence', p))], [
		ladder(t('receipt due:'), terms.receipt || {}),
		ladder(t('ack due:'), terms.ack || {}),
	], { class: 'terms' });
	const check = terms.check
		? t('every %s, at %s', fmtDuration(terms.check.every), label('precedence', terms.check.precedence))
		: t('none scheduled');
	const facts = el('dl', { class: 'fields' },
		el('dt', { text: t('checks:') }), el('dd', { text: check }),
		el('dt', { text: t('languages:') }), el('dd', { text: (terms.languages || []).join(', ') }),
		el('dt', { text: t('suspect:') }), el('dd', { text: fmtDuration(terms.suspect) }));
	return [tb, facts];
}

// What a message said (its text) and the operator who made it, by id:
// a message never changes.
const texts = new Map();

async function textOf(api, id) {
	if (!texts.has(id)) {
		const m = await api('GET', '/v1/show', { id }).catch(() => null);
		const c = m && m.content ? m.content : {};
		const x = c.text && typeof c.text.text === 'string' ? c.text : null;
		const op = c.operator && typeof c.operator.name === 'string' ? c.operator : null;
		texts.set(id, { text: x ? x.text : '', lang: x ? x.lang : null, operator: op });
	}
	return texts.get(id);
}

// Who sent a message: its party, and the operator who made it when the
// message names one ("ru-cert (ana, supervisor)").
function who(id, party) {
	const op = texts.has(id) ? texts.get(id).operator : null;
	return op ? t('%s (%s)', party, `${op.name}, ${label('role', op.role)}`) : party;
}

function freeText(x) {
	if (!x || !x.text)
		return '';
	return el('span', { class: 'freetext', text: x.text,
		attrs: { lang: x.lang && x.lang !== 'und' ? x.lang : null, dir: 'auto' } });
}

// termsSection(api, me, name): {node, refresh()}.
export function termsSection(api, me, name) {
	const supervisor = hasRole(me, 'supervisor');
	const box = alertBox();
	const shown = el('div', { class: 'terms-now' });
	const node = el('section', { id: `terms-${name}`, class: 'terms',
		attrs: { 'aria-labelledby': `terms-h-${name}` } },
	el('h3', { id: `terms-h-${name}`, text: t('Terms') }), box, shown);
	const form = supervisor ? proposeForm(api, name, box, () => refresh()) : null;
	if (form)
		node.append(form.node);
	const refresh = oneAtATime(() => draw(), box);

	async function draw() {
		const res = await api('GET', '/v1/link/terms', { name });
		const msgs = res.messages || [];
		await Promise.all(msgs.map((m) => textOf(api, m.id)));
		// A reason being written, and the focus, outlive the redraw.
		const kept = new Map([...shown.querySelectorAll('textarea[id]')].map((x) => [x.id, x.value]));
		const focused = shown.contains(document.activeElement) ? document.activeElement.id : '';
		clear(shown);
		shown.append(...inForce(res, msgs), ...openOnes(api, name, msgs, supervisor, box, () => refresh()),
			history(name, msgs));
		for (const [id, value] of kept)
			if (document.getElementById(id))
				document.getElementById(id).value = value;
		if (focused && document.getElementById(focused))
			document.getElementById(focused).focus();
		if (form)
			form.defaults(res.defaults);
	}

	return { node, refresh };
}

function whoOf(msgs, id) {
	const m = msgs.find((x) => x.id === id);
	return who(id, m ? m.by : '?');
}

function inForce(res, msgs) {
	const v = res.in_force;
	if (!v)
		return [el('p', { class: 'terms-state', text: t('No terms agreed: each side uses its own hotline.conf. This party would propose:') }),
			...values(res.defaults || {}, t('The terms this party would propose'))];
	return [
		el('p', { class: 'terms-state', text: t('Version %s in force since %s.', String(v.version), fmtTime(v.since)) }),
		el('p', { text: t('Proposed in %s by %s, accepted in %s by %s.', v.proposal, whoOf(msgs, v.proposal),
			v.acceptance, whoOf(msgs, v.acceptance)) }),
		...values(v.terms, t('The terms in force (version %s)', String(v.version))),
	];
}

// The open proposals: the peer's with Accept and Decline for
// supervisors, ours awaiting the peer's answer.
function openOnes(api, name, msgs, supervisor, box, refresh) {
	const open = msgs.filter((m) => m.type === 'terms' && m.outcome === 'open');
	return open.map((m) => {
		const v = m.terms ? String(m.terms.version) : '?';
		const div = el('div', { class: 'proposal', id: `proposal-${slug(m.id)}` },
			el('h4', { text: ours(m.id)
				? t('Our proposal %s (version %s), awaiting the peer\'s answer', m.id, v)
				: t('Open proposal %s of %s (version %s)', m.id, who(m.id, m.by), v) }),
			el('p', {}, el('time', { text: fmtTime(m.time), attrs: { datetime: isoTime(m.time) } })));
		const said = texts.get(m.id);
		if (said && said.text)
			div.append(el('p', {}, freeText(said)));
		if (m.terms)
			div.append(...values(m.terms, t('The terms proposed (version %s)', v)));
		if (supervisor && !ours(m.id))
			div.append(answerForm(api, m, box, refresh));
		return div;
	});
}

function answerForm(api, m, box, refresh) {
	const reason = el('textarea', { name: 'reason', id: `reason-${slug(m.id)}`, rows: 2, required: true,
		attrs: { 'aria-required': 'true' } });
	const accept = button(t('Accept'), async () => {
		const res = await api('POST', '/v1/link/terms/accept', { id: m.id });
		announce(t('Accepted %s: version %s.', m.id, String(res.version)));
		await refresh();
	}, box, { class: 'accept', id: `accept-${slug(m.id)}` });
	const decline = button(t('Decline'), async () => {
		const why = reason.value.trim();
		if (!why) {
			reason.setAttribute('aria-invalid', 'true');
			reason.focus();
			throw t('text: say why the terms are declined');
		}
		reason.removeAttribute('aria-invalid');
		await api('POST', '/v1/link/terms/decline', { id: m.id, text: why });
		announce(t('Declined %s.', m.id));
		await refresh();
	}, box, { class: 'decline', id: `decline-${slug(m.id)}` });
	return el('div', { class: 'answer-form' },
		el('div', { class: 'actions' }, accept),
		field(t('Reason for declining'), reason, t('Required to decline: the peer reads it.')),
		el('div', { class: 'actions' }, decline));
}

function history(name, msgs) {
	if (!msgs.length)
		return el('p', { class: 'note', text: t('No terms message yet.') });
	const rows = msgs.slice().reverse().map((m) => [
		{ header: true, text: fmtTime(m.time) },
		el('code', { text: m.id }),
		who(m.id, m.by),
		say(TYPE, m.type) + (m.terms ? ' ' + t('(version %s)', String(m.terms.version)) : ''),
		{ text: say(OUTCOME, m.outcome) + (m.settled_by ? ` (${m.settled_by})` : ''),
			class: `outcome outcome-${OUTCOME[m.outcome] ? m.outcome : 'ignored'}` },
		freeText(texts.get(m.id)),
	]);
	return table(t('History of the terms of %s', name),
		[t('Time'), t('Message'), t('By'), t('What'), t('Outcome'), t('Text')], rows, { class: 'terms-history' });
}

// The form for new terms, prefilled with this party's defaults; it
// sends only what differs from them (the API fills the rest).
function proposeForm(api, name, box, refresh) {
	let base = null;
	const inputs = { ack: {}, receipt: {} };
	const dur = (cls) => el('input', { type: 'text', class: `duration ${cls}`, size: 6, spellcheck: false,
		attrs: { inputmode: 'text', autocomplete: 'off' } });
	const ladder = (key, legend) => {
		const fs = el('fieldset', { class: `ladder ${key}` }, el('legend', { text: legend }));
		for (const p of PRECEDENCES) {
			inputs[key][p] = dur(`${key}-${p}`);
			fs.append(field(label('precedence', p), inputs[key][p]));
		}
		return fs;
	};
	const every = dur('check-every');
	const prec = select(PRECEDENCES.map((p) => ({ value: p, label: label('precedence', p) })), 'immediate',
		{ class: 'check-precedence' });
	const langs = el('input', { type: 'text', class: 'languages', spellcheck: false, attrs: { autocomplete: 'off' } });
	const suspect = dur('suspect');
	const text = el('textarea', { name: 'text', rows: 2 });
	const done = el('div', { class: 'done', attrs: { role: 'status' } });
	const hint = t('A duration: 90s, 15m, 1h, 3d.');
	const node = el('details', { class: 'propose' },
		el('summary', { text: t('Propose new terms') }),
		el('form', { on: { submit: (ev) => ev.preventDefault() } },
			el('p', { class: 'hint', text: t('Prefilled with what this party would propose (hotline.conf); only what you change is sent.') }),
			ladder('receipt', t('receipt due:')),
			ladder('ack', t('ack due:')),
			field(t('Check every'), every, t('A duration: 90s, 15m, 1h, 3d; empty for no scheduled checks.')),
			field(t('Precedence'), prec),
			field(t('languages:'), langs, t('Language tags in order of preference, separated by commas: en, ru.')),
			field(t('suspect:'), suspect, hint),
			field(t('Text (optional)'), text),
			el('div', { class: 'actions' }, button(t('Propose'), async () => {
				done.textContent = '';
				const changes = changed();
				const body = { name };
				if (Object.keys(changes).length)
					body.terms = changes;
				if (text.value.trim())
					body.text = text.value.trim();
				const res = await api('POST', '/v1/link/terms/propose', body);
				done.textContent = t('Proposed terms version %s as %s.', String(res.version),
					typeof res.id === 'string' ? res.id : `${name}/out/${res.seq}`);
				announce(done.textContent);
				text.value = '';
				base = null;
				await refresh();
			}, box, { class: 'propose-send' })),
			done));

	// A duration of the form, or a refusal naming its control.
	const read = (input, what) => {
		const s = parseDuration(input.value);
		if (s === null) {
			input.setAttribute('aria-invalid', 'true');
			input.focus();
			throw t('%s: not a duration (90s, 15m, 1h, 3d)', what);
		}
		input.removeAttribute('aria-invalid');
		return s;
	};

	function changed() {
		const out = {};
		for (const key of ['receipt', 'ack']) {
			const o = {};
			for (const p of PRECEDENCES)
				o[p] = read(inputs[key][p], `${key}.${p}`);
			if (PRECEDENCES.some((p) => o[p] !== base[key][p]))
				out[key] = o;
		}
		const check = every.value.trim() === '' || every.value.trim() === 'none' ? null
			: { every: read(every, 'check.every'), precedence: prec.value };
		const had = base.check || null;
		if (JSON.stringify(check) !== JSON.stringify(had && { every: had.every, precedence: had.precedence }))
			out.check = check;
		const l = langs.value.split(/[\s,]+/).filter(Boolean);
		if (l.join(',') !== (base.languages || []).join(','))
			out.languages = l;
		const s = read(suspect, 'suspect');
		if (s !== base.suspect)
			out.suspect = s;
		return out;
	}

	// Fills the form with defaults d, once (and again after a proposal):
	// what the operator typed stays as it is across refreshes.  What is
	// sent is what differs from the newest defaults, which the API fills
	// in: the terms proposed are the form's.
	function defaults(d) {
		if (!d)
			return;
		const fill = !base;
		base = d;
		node.hidden = false;
		if (!fill)
			return;
		for (const key of ['receipt', 'ack'])
			for (const p of PRECEDENCES)
				inputs[key][p].value = confDuration(d[key][p]);
		every.value = d.check ? confDuration(d.check.every) : '';
		prec.value = d.check ? d.check.precedence : 'immediate';
		langs.value = (d.languages || []).join(', ');
		suspect.value = confDuration(d.suspect);
	}
	// Shown once the defaults are there to compare with.
	node.hidden = true;
	return { node, defaults };
}
