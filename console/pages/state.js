// state.js - the State section of a link on the links board
// (docs/design/links.md sections 3 and 9): a banner for each suspension
// in force (who, since when, the operator who decided it and the
// reason), the new cases and requests held until the resumption with a
// Drop button, and for supervisors Suspend (a reason required) or, when
// this party's suspension is in force, Resume.  GET /v1/link, GET
// /v1/held, POST /v1/link/suspend|resume, POST /v1/held/drop
// (docs/api.md).  Not a page: the links board keeps one section per
// link across its redraws, so that a reason being written survives them.
import { t, fmtTime, isoTime, fmtNumber, label } from '/i18n.js';
import { el, clear, table, field, alertBox, announce, button, hasRole, langSelect,
	oneAtATime } from './kit.js';

// A held message's ID as a piece of an element's id: LINK/held/N ->
// LINK-held-N.
const slug = (id) => String(id).replace(/\//g, '-');

function freeText(x) {
	if (!x || typeof x.text !== 'string')
		return '';
	return el('span', { class: 'freetext', text: x.text,
		attrs: { lang: x.lang && x.lang !== 'und' ? x.lang : null, dir: 'auto' } });
}

// "Suspended by ru-cert since T (by ana, supervisor): reason [en]"
function banner(s) {
	const op = s.operator && typeof s.operator.name === 'string' ? s.operator : null;
	const head = op
		? t('Suspended by %s since %s (by %s, %s):', s.by, fmtTime(s.since), op.name, label('role', op.role))
		: t('Suspended by %s since %s:', s.by, fmtTime(s.since));
	const p = el('p', { class: 'banner suspended' }, head, ' ', freeText(s.reason));
	if (s.reason && s.reason.lang && s.reason.lang !== 'und')
		p.append(` [${s.reason.lang}]`);
	p.append(' ', el('code', { text: s.message }));
	return p;
}

// stateSection(api, me, name): {node, refresh()}.  name is the link's,
// which is the peer's name: a suspension by anyone else is this party's.
export function stateSection(api, me, name) {
	const box = alertBox();
	const shown = el('div', { class: 'state-now' });
	const node = el('section', { id: `state-${name}`, class: 'link-state',
		attrs: { 'aria-labelledby': `state-h-${name}` } },
	el('h3', { id: `state-h-${name}`, text: t('State') }), box, shown);
	// One read at a time; a refresh asked for during one runs after it.
	const refresh = oneAtATime(() => draw(), box);
	const form = hasRole(me, 'supervisor') ? actions(api, name, box, refresh) : null;
	if (form)
		node.append(form.node);

	async function draw() {
		const link = await api('GET', '/v1/link', { name });
		const list = Array.isArray(link.suspended) ? link.suspended : [];
		const held = link.held > 0 ? ((await api('GET', '/v1/held', { link: name })).items || []) : [];
		const focused = shown.contains(document.activeElement) ? document.activeElement.id : '';
		clear(shown);
		node.classList.toggle('suspended', list.length > 0);
		if (!list.length)
			shown.append(el('p', { class: 'state-line', text: t('Active: nothing is suspended.') }));
		shown.append(...list.map(banner));
		const ours = list.some((s) => s.by !== name);
		const peers = list.some((s) => s.by === name);
		if (peers)
			shown.append(el('p', { class: 'note', text: ours
				? t('Resume lifts this party\'s suspension; only %s can lift its own.', name)
				: t('Only %s can resume it.', name) }));
		if (held.length)
			shown.append(heldTable(api, me, name, held, box, refresh));
		if (form)
			form.show(ours);
		if (focused && document.getElementById(focused))
			document.getElementById(focused).focus();
	}
	return { node, refresh };
}

// The held messages: kind, precedence, who, when, the text; Drop for
// those who send (the API says whether this one may).
function heldTable(api, me, name, items, box, refresh) {
	const sender = hasRole(me, 'duty', 'supervisor');
	const rows = items.map((h) => {
		const c = h.content && typeof h.content === 'object' ? h.content : {};
		const op = h.operator || {};
		const drop = sender ? button(t('Drop'), async () => {
			await api('POST', '/v1/held/drop', { id: h.id });
			announce(t('Dropped %s.', h.id));
			await refresh();
		}, box, { class: 'drop', id: `drop-${slug(h.id)}` }) : '';
		return [
			{ header: true, node: el('time', { text: fmtTime(h.queued), attrs: { datetime: isoTime(h.queued) } }) },
			el('code', { text: h.id }),
			label('kind', h.kind),
			label('precedence', h.precedence),
			op.name ? t('%s (%s)', op.name, label('role', op.role)) : '',
			freeText(c.text),
			drop,
		];
	});
	return table(t('%s held until the resumption', fmtNumber(items.length)),
		[t('Time'), t('Message'), t('What'), t('Precedence'), t('By'), t('Text'), ''], rows,
		{ class: 'held' });
}

// Suspend (a reason required) while this party's suspension is not in
// force, Resume while it is; made once, shown as the state says.
function actions(api, name, box, refresh) {
	const reason = el('textarea', { name: 'reason', id: `suspend-reason-${name}`, rows: 2, required: true,
		attrs: { 'aria-required': 'true', dir: 'auto' } });
	const reasonLang = langSelect([reason], { name: 'lang', id: `suspend-lang-${name}` });
	const suspend = button(t('Suspend'), async () => {
		const why = reason.value.trim();
		if (!why) {
			reason.setAttribute('aria-invalid', 'true');
			reason.focus();
			throw t('text: say why the link is suspended');
		}
		reason.removeAttribute('aria-invalid');
		const body = { name, text: why };
		if (reasonLang.value !== 'und')
			body.lang = reasonLang.value;
		const res = await api('POST', '/v1/link/suspend', body);
		announce(t('Suspended %s as %s.', name, res.id));
		reason.value = '';
		await refresh();
	}, box, { class: 'suspend', id: `suspend-${name}` });
	const text = el('textarea', { name: 'text', id: `resume-text-${name}`, rows: 2, attrs: { dir: 'auto' } });
	const textLang = langSelect([text], { name: 'lang', id: `resume-lang-${name}` });
	const resume = button(t('Resume'), async () => {
		const body = { name };
		if (text.value.trim())
			body.text = text.value.trim();
		if (body.text && textLang.value !== 'und')
			body.lang = textLang.value;
		const res = await api('POST', '/v1/link/resume', body);
		announce(t('Resumed %s as %s.', name, res.id));
		text.value = '';
		await refresh();
	}, box, { class: 'resume', id: `resume-${name}` });
	const suspendPart = el('div', { class: 'suspend-form' },
		field(t('Reason for suspending'), reason,
			t('Required: the peer reads it. New cases and requests wait until this party resumes the link.')),
		field(t('Language of the text'), reasonLang),
		el('div', { class: 'actions' }, suspend));
	const resumePart = el('div', { class: 'resume-form' },
		field(t('Text (optional)'), text, t('Both cards are checked first; the held messages follow.')),
		field(t('Language of the text'), textLang),
		el('div', { class: 'actions' }, resume));
	const node = el('div', { class: 'state-actions' }, suspendPart, resumePart);
	// Until the first read, neither.
	suspendPart.hidden = true;
	resumePart.hidden = true;
	return {
		node,
		show(ours) {
			suspendPart.hidden = ours;
			resumePart.hidden = !ours;
		},
	};
}
