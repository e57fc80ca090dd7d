// compose.js - #/compose: a notification (opens a case), an update of an
// open case, or a request (actions asked of the peer) in an open case;
// POST /v1/send.  A STIX bundle from a file is read and checked here
// before anything is sent.  To a suspended link a notification or a
// request is held until the resumption (the answer says so); a
// supervisor may send it at once ("override").  A notification goes to
// a link or to a group (one envelope per member, docs/api.md "To a
// group"); the answer to a group, or about a group case, has a line per
// member and a link to the message's board (pages/groups.js).
import { t, fmtNumber, label } from '/i18n.js';
import {
	el, field, select, choices, alertBox, showError, announce, describe, uid,
	caseHref, allPages, hasRole, heading, vocabOptions, PRECEDENCES, langSelect,
} from './kit.js';
import { boardHref } from './groups.js';

// The "To" list's value of a group: no link name holds a colon.
const GROUP = 'group:';

// A message's content is at most HL_PLAIN_MAX (src/core/envelope.h):
// the bundle rides in it beside the text.
export const CONTENT_MAX = 8 * 1024 * 1024;

const RANK = { flash: 0, immediate: 1, priority: 2, routine: 3 };

function fmtBytes(n) {
	if (n >= 1024 * 1024)
		return t('%s MiB', fmtNumber(Math.round(n / 1024 / 102.4) / 10));
	if (n >= 1024)
		return t('%s KiB', fmtNumber(Math.round(n / 102.4) / 10));
	return t('%s bytes', fmtNumber(n));
}

// What is wrong with the text of a STIX file, or null: it must be JSON,
// a STIX 2.1 bundle, and fit in a message.  The daemon checks the
// objects themselves (422 with the first bad one).
export function stixProblem(text, size) {
	if (size > CONTENT_MAX)
		return t('The file is %s: a message carries at most %s.', fmtBytes(size), fmtBytes(CONTENT_MAX));
	let j;
	try {
		j = JSON.parse(text);
	} catch (err) {
		return t('The file is not JSON: %s', err.message);
	}
	if (!j || typeof j !== 'object' || Array.isArray(j) || j.type !== 'bundle')
		return t('The file is not a STIX bundle: its "type" is not "bundle".');
	if (typeof j.id !== 'string' || !j.id.startsWith('bundle--'))
		return t('The file is not a STIX bundle: its "id" does not start with "bundle--".');
	if (j.objects !== undefined && !Array.isArray(j.objects))
		return t('The file is not a STIX bundle: its "objects" is not a list.');
	for (const o of j.objects || [])
		if (!o || typeof o !== 'object' || typeof o.type !== 'string' || typeof o.id !== 'string')
			return t('The file is not a STIX bundle: an object has no "type" or "id".');
	return null;
}

function readText(file) {
	return new Promise((resolve, reject) => {
		const r = new FileReader();
		r.onload = () => resolve(r.result);
		r.onerror = () => reject(r.error);
		r.readAsText(file);
	});
}

// A case's link, or the group a group case went to.
const where = (c) => c.link || (c.group && c.group.name) || '';

export async function render(main, ctx) {
	const { api, me } = ctx;
	main.append(heading(t('Compose')));
	if (!hasRole(me, 'duty', 'supervisor')) {
		main.append(el('p', { text: t('Only a duty officer or a supervisor sends messages.') }));
		return undefined;
	}
	const [links, cases, groups] = await Promise.all([
		allPages(api, '/v1/links'),
		allPages(api, '/v1/case/list?open=1'),
		api('GET', '/v1/groups').then((r) => (r && r.groups) || []),
	]);
	const form = el('form', { class: 'compose', noValidate: true });
	const top = alertBox();
	const done = el('div', { class: 'done', attrs: { role: 'status' } });
	main.append(top, form, done);

	// The kind.
	const kind = choices(t('Type'), 'radio', 'kind',
		[{ value: 'notify', label: t('notification') }, { value: 'update', label: t('update') },
			{ value: 'request', label: t('request') }], ['notify']);
	form.append(kind.fieldset);

	// Where: a link for a notification, an open case otherwise.
	const to = recipients(links, groups);
	const toField = field(t('To'), to, links.length || groups.length ? null : t('No link yet: a supervisor adds one first.'));
	const caseSel = select(cases.map((c) => ({
		value: JSON.stringify([c.case.id, c.link]),
		label: c.title ? t('%s on %s: %s', c.case.id, where(c), c.title) : t('%s on %s', c.case.id, where(c)),
	})), undefined, { name: 'case' });
	const caseField = field(t('Case'), caseSel, cases.length ? null : t('No open case.'));
	const wanted = ctx.arg;
	if (wanted) {
		const c = cases.find((x) => x.case.id === wanted);
		if (c)
			caseSel.value = JSON.stringify([c.case.id, c.link]);
	}
	form.append(el('fieldset', {}, el('legend', { text: t('Recipient') }), toField, caseField));

	// Precedence: a duty officer's cap disables what is above it.
	const supervisor = hasRole(me, 'supervisor');
	const cap = supervisor ? 'flash' : (me.max_precedence || 'routine');
	const prec = choices(t('Precedence'), 'radio', 'precedence', vocabOptions('precedence'), ['routine']);
	const capNote = el('p', { class: 'hint', id: uid('h') });
	for (const code of PRECEDENCES) {
		if (RANK[code] < RANK[cap]) {
			prec.inputs[code].disabled = true;
			describe(prec.inputs[code], capNote.id);
		}
	}
	if (!supervisor && cap !== 'flash') {
		capNote.textContent = t('You may send up to %s; above it a message needs the supervisor role.', label('precedence', cap));
		prec.fieldset.append(capNote);
	}
	form.append(prec.fieldset);

	// The structured fields.
	const none = { value: '', label: t('(none)') };
	const category = select([none, ...vocabOptions('category')], '', { name: 'category' });
	const tlp = select([none, ...vocabOptions('tlp')], '', { name: 'tlp' });
	const severity = select([none, ...vocabOptions('severity')], '', { name: 'severity' });
	const catField = field(t('Category (RSIT)'), category);
	const sevField = field(t('Severity'), severity);
	form.append(el('fieldset', {}, el('legend', { text: t('Fields') }), catField, field(t('TLP'), tlp), sevField));

	const actions = choices(t('Actions asked'), 'checkbox', 'actions', vocabOptions('action'));
	form.append(actions.fieldset);

	// The words.
	const text = el('textarea', { name: 'text', rows: 8, required: true, attrs: { dir: 'auto' } });
	const summary = el('input', { type: 'text', name: 'summary', attrs: { dir: 'auto' } });
	const lang = langSelect([text, summary], { name: 'lang' });
	const textBad = el('p', { class: 'problem', id: uid('p'), hidden: true });
	describe(text, textBad.id);
	form.append(el('fieldset', {}, el('legend', { text: t('Text') }),
		field(t('Language of the text'), lang),
		field(t('Text'), text), textBad,
		field(t('Summary (optional)'), summary)));

	// The STIX bundle, read and checked when chosen.
	const stix = { bundle: null, problem: null, name: '' };
	const file = el('input', { type: 'file', name: 'stix', accept: '.json,application/json,application/stix+json' });
	const stixNote = el('p', { class: 'problem', id: uid('p'), hidden: true, attrs: { 'aria-live': 'assertive' } });
	const stixOk = el('p', { class: 'hint', id: uid('h'), hidden: true });
	describe(file, stixNote.id);
	describe(file, stixOk.id);
	const stixField = el('fieldset', {}, el('legend', { text: t('STIX bundle (optional)') }),
		field(t('STIX 2.1 file'), file, t('At most %s, checked before sending.', fmtBytes(CONTENT_MAX))),
		stixNote, stixOk);
	form.append(stixField);
	const stixSay = (problem, ok) => {
		stix.problem = problem;
		stixNote.textContent = problem || '';
		stixNote.hidden = !problem;
		stixOk.textContent = ok || '';
		stixOk.hidden = !ok;
		if (problem)
			file.setAttribute('aria-invalid', 'true');
		else
			file.removeAttribute('aria-invalid');
	};
	file.addEventListener('change', async () => {
		stix.bundle = null;
		stixSay(null, null);
		const f = file.files && file.files[0];
		if (!f)
			return;
		if (f.size > CONTENT_MAX) {
			stixSay(stixProblem('', f.size), null);
			return;
		}
		let body;
		try {
			body = await readText(f);
		} catch (err) {
			stixSay(t('The file cannot be read: %s', err.message), null);
			return;
		}
		const problem = stixProblem(body, f.size);
		if (problem) {
			stixSay(problem, null);
			return;
		}
		stix.bundle = JSON.parse(body);
		stix.name = f.name;
		const n = (stix.bundle.objects || []).length;
		stixSay(null, t('%s: a bundle of %s objects, %s.', f.name, fmtNumber(n), fmtBytes(f.size)));
	});

	// A suspended link: new cases and requests are held; a supervisor
	// may send at once.  The links' states follow the event stream.
	const suspended = new Set(links.filter((l) => l.state === 'suspended').map((l) => l.name));
	const override = el('input', { type: 'checkbox', name: 'override', id: uid('o') });
	const suspNote = el('p', { class: 'hint suspended', id: uid('h'), hidden: true });
	const overrideField = el('div', { class: 'choice override', hidden: true }, override,
		el('label', { htmlFor: override.id, text: t('Send now despite the suspension') }));
	describe(override, suspNote.id);
	form.append(suspNote, overrideField);

	const send = el('button', { type: 'submit', text: t('Send') });
	form.append(el('div', { class: 'actions' }, send));

	// Show what each kind takes.
	const onKind = () => {
		const k = form.elements.kind.value;
		toField.hidden = k !== 'notify';
		caseField.hidden = k === 'notify';
		actions.fieldset.hidden = k !== 'request';
		catField.hidden = k === 'request';
		sevField.hidden = k === 'request';
		stixField.hidden = k === 'request';
		onTarget();
	};
	// The link the message goes to, and whether it is held there.
	const target = () => {
		if (form.elements.kind.value === 'notify')
			return to.value;
		return caseSel.value ? JSON.parse(caseSel.value)[1] : '';
	};
	function onTarget() {
		const k = form.elements.kind.value;
		const link = target();
		const held = (k === 'notify' || k === 'request') && suspended.has(link);
		suspNote.textContent = held ? t('%s is suspended: a new case or a request is held until the link is resumed.', link) : '';
		suspNote.hidden = !held;
		overrideField.hidden = !(held && supervisor);
		if (overrideField.hidden)
			override.checked = false;
	}
	to.addEventListener('change', onTarget);
	caseSel.addEventListener('change', onTarget);
	ctx.stream.on('suspension', async (data) => {
		if (!data || (data.action !== 'suspended' && data.action !== 'resumed'))
			return;
		try {
			const l = await api('GET', '/v1/link', { name: data.link });
			if (l.state === 'suspended')
				suspended.add(l.name);
			else
				suspended.delete(l.name);
			onTarget();
		} catch {
			/* the next event, or a reload, says */
		}
	});
	for (const r of Object.values(kind.inputs))
		r.addEventListener('change', onKind);
	if (wanted && cases.length)
		kind.inputs.update.checked = true;
	onKind();

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(top, null);
		done.textContent = '';
		const body = compose(form, stix, { textBad, text, file, top, links, groups, cases });
		if (!body)
			return;
		if (!overrideField.hidden && override.checked)
			body.override = true;
		send.disabled = true;
		try {
			const res = await api('POST', '/v1/send', body);
			announce(sent(done, res));
			// Ready for the next message of the same kind, to the same
			// place, with the same fields: only the words go.
			text.value = '';
			summary.value = '';
			file.value = '';
			stix.bundle = null;
			stixSay(null, null);
			for (const a of Object.values(actions.inputs))
				a.checked = false;
			override.checked = false;
		} catch (err) {
			showError(top, err);
			top.focus();
		} finally {
			send.disabled = false;
		}
	});
	return undefined;
}

// The request's body, or null with the problem shown where it is.
function compose(form, stix, w) {
	const k = form.elements.kind.value;
	const text = w.text.value;
	const problem = (node, msg) => {
		node.textContent = msg;
		node.hidden = false;
		return null;
	};
	w.textBad.hidden = true;
	w.text.removeAttribute('aria-invalid');
	if (!text.trim()) {
		w.text.setAttribute('aria-invalid', 'true');
		w.text.focus();
		return problem(w.textBad, t('Write the message\'s text.'));
	}
	const body = { kind: k, text, precedence: form.elements.precedence.value || 'routine' };
	const lang = form.elements.lang.value;
	if (lang !== 'und')
		body.lang = lang;
	const summary = form.elements.summary.value.trim();
	if (summary)
		body.summary = summary;
	if (k === 'notify') {
		if (!w.links.length && !w.groups.length)
			return problem(w.top, t('No link yet: a supervisor adds one first.'));
		const to = form.elements.to.value;
		if (to.startsWith(GROUP))
			body.group = to.slice(GROUP.length);
		else
			body.to = to;
	} else {
		if (!w.cases.length)
			return problem(w.top, t('No open case.'));
		const [id, link] = JSON.parse(form.elements.case.value);
		body.case = id;
		if (link)
			body.to = link;
	}
	for (const f of ['tlp', ...(k === 'request' ? [] : ['category', 'severity'])])
		if (form.elements[f].value)
			body[f] = form.elements[f].value;
	if (k === 'request') {
		const acts = [...form.querySelectorAll('input[name="actions"]:checked')].map((c) => c.value);
		if (!acts.length)
			return problem(w.top, t('A request asks for at least one action.'));
		body.actions = acts;
	} else if (stix.problem) {
		w.file.focus();
		return null;
	} else if (stix.bundle) {
		body.stix = stix.bundle;
		if (new TextEncoder().encode(JSON.stringify(body)).length > CONTENT_MAX) {
			w.file.focus();
			return problem(w.top, t('The text and the STIX bundle together are more than a message carries (%s).', fmtBytes(CONTENT_MAX)));
		}
	}
	return body;
}

// What was sent, with its case linked; or what was held, and its case
// (which cannot be followed up before the resumption).  Returns the
// words to announce.
function sent(done, res) {
	done.textContent = '';
	if (Array.isArray(res.members))
		return sentToGroup(done, res);
	if (res.held) {
		const words = t('Held: %s is suspended; %s is sent when the link is resumed.', res.link, res.held);
		done.append(el('p', { class: 'held', text: words }));
		if (res.case)
			done.append(el('p', { text: t('Case %s: held until the link is resumed.', res.case) }));
		return words;
	}
	done.append(el('p', { text: t('Sent as %s (%s).', res.id, label('precedence', res.precedence)) }));
	if (res.case)
		done.append(el('p', {}, el('a', { href: caseHref(res.case), text: t('Open case %s', res.case) })));
	return t('Sent as %s.', res.id);
}

// The "To" list: the links, then the groups, each group labelled as one
// with its count of members now.
function recipients(links, groups) {
	const s = el('select', { name: 'to', required: true });
	const linkOpts = links.map((l) => el('option', {
		value: l.name, text: l.confirmed ? l.name : t('%s (not confirmed)', l.name),
	}));
	if (!groups.length) {
		s.append(...linkOpts);
		return s;
	}
	s.append(el('optgroup', { label: t('Links') }, ...linkOpts),
		el('optgroup', { label: t('Groups') }, ...groups.map((g) => el('option', {
			value: GROUP + g.name, text: t('group %s (%s members)', g.name, fmtNumber(g.members || 0)),
		}))));
	return s;
}

// A group send's answer (to a group, or about a group case): a line per
// member, the counts, the board and the case.  Returns the words to
// announce.
function sentToGroup(done, res) {
	const lines = res.members.map((m) => {
		if (m.error)
			return el('li', { class: 'failed', attrs: { 'data-link': m.link }, text: t('%s: NOT SENT: %s', m.link, m.error) });
		if (m.held && !m.id)
			return el('li', { class: 'held', attrs: { 'data-link': m.link }, text: t('%s: held while the link is suspended (%s)', m.link, m.held) });
		return el('li', { attrs: { 'data-link': m.link }, text: t('%s: sent as %s', m.link, m.id) });
	});
	const words = t('Group %s: %s sent, %s held, %s not sent, of %s members.', res.group,
		fmtNumber(res.sent || 0), fmtNumber(res.held || 0), fmtNumber(res.failed || 0), fmtNumber(res.members.length));
	done.append(el('p', { text: words }), el('ul', { class: 'group-sent' }, ...lines),
		el('p', {}, el('a', { href: boardHref(res.id), id: 'open-board', text: t('Open the board of this message') })));
	if (res.case)
		done.append(el('p', {}, el('a', { href: caseHref(res.case), text: t('Open case %s', res.case) })));
	return words;
}
