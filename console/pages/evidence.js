// evidence.js - #/evidence: each link's transcript verified by hotlined
// (POST /v1/log/verify: the checks of `hotline log verify`, signatures,
// Merkle trees, checkpoints, receipts and the indexes), how far it is
// proven (its logs' sizes and the receipts of each side, equivocation
// evidence, store losses, TLS key pin), the audit trail's verification
// for those who may read it, and the proof of one message
// (POST /v1/proof/export) saved as a file that `hotline proof verify`
// checks offline.
//
// #/evidence/LINK/out/N or #/evidence/LINK/N fills in the message.
import { t, fmtNumber, fmtTime } from '/i18n.js';
import {
	el, clear, field, select, choices, alertBox, showError, announce, button,
	fromBase64, download, allPages, hasRole, heading,
} from './kit.js';

// What POST /v1/log/verify found, in words: the sentences of
// `hotline log verify`, from the same catalogue.
const LOG_NAME = { sent: () => t('sent log'), received: () => t('received log') };
const PROBLEM = {
	differs: () => t('differs from the envelope'),
	extra: () => t('is stored but no envelope gives it'),
	missing: () => t('is missing'),
};

function recomputed(v) {
	if (!v)
		return [];
	if (v.ok)
		return [{ ok: true, text: t('Recomputed: every signature, Merkle tree, checkpoint and receipt holds.') }];
	const e = v.error || {};
	return [{ ok: false, alarm: true, text: t('DAMAGED: %s', e.log
		? t('%s: %s, entry %llu: %s: %s', v.link, LOG_NAME[e.log](), fmtNumber(e.entry), e.check, e.reason)
		: t('%s: %s', v.link, e.reason || '')) }];
}

// The indexes, and a step that failed as a whole.
function indexes(lv) {
	const out = [];
	if (lv.error)
		out.push({ ok: false, alarm: true, text: t('DAMAGED: %s', lv.error) });
	if (!lv.indexes_checked)
		return out;
	if (!lv.projections.length)
		out.push({ ok: true, text: t('The indexes match the envelopes.') });
	for (const m of lv.projections) {
		const problem = (PROBLEM[m.problem] || (() => m.problem))();
		out.push({ ok: false, alarm: true, text: t('DAMAGED: %s', m.column
			? t('%s: %s, entry %llu: %s index, column %s %s', m.link, LOG_NAME[m.log](), fmtNumber(m.entry), m.index, m.column, problem)
			: t('%s: %s, entry %llu: %s index row %s', m.link, LOG_NAME[m.log](), fmtNumber(m.entry), m.index, problem)) });
	}
	return out;
}

function verdicts(s, l, v) {
	const out = recomputed(v);
	const sent = l.sent ?? 0;
	const sentR = l.sent_receipted ?? 0;
	const recv = l.received ?? s.received ?? 0;
	const recvR = l.received_receipted ?? 0;
	out.push(sent === sentR
		? { ok: true, text: t('Our log: %s messages, all receipted by the peer.', fmtNumber(sent)) }
		: { ok: false, text: t('Our log: %s messages, receipted by the peer up to %s.', fmtNumber(sent), fmtNumber(sentR)) });
	out.push(recv === recvR
		? { ok: true, text: t('The peer\'s log: %s messages, all receipted by us.', fmtNumber(recv)) }
		: { ok: false, text: t('The peer\'s log: %s messages, receipted by us up to %s.', fmtNumber(recv), fmtNumber(recvR)) });
	const ev = s.evidence ?? l.evidence ?? 0;
	out.push(ev
		? { ok: false, alarm: true, text: t('ALARM: %s equivocation records: the peer signed two messages for one place.', fmtNumber(ev)) }
		: { ok: true, text: t('No evidence that the peer equivocated.') });
	if (s.store_losses)
		out.push({ ok: false, text: t('This store lost messages of the peer it had receipted %s times (up to seq %s), refilled since.', fmtNumber(s.store_losses), fmtNumber(s.store_lost_to)) });
	if (s.pin_mismatch)
		out.push({ ok: false, alarm: true, text: t('ALARM: the peer presents a TLS key other than its card\'s since %s.', fmtTime(s.pin_mismatch.since)) });
	return out;
}

function items(list) {
	return list.map((v) => el('li', { class: v.alarm ? 'alarm' : (v.ok ? 'ok' : 'warn'), text: v.text }));
}

function transcript(rows, lv, audit) {
	const frag = el('div', { class: 'verdicts' });
	const byName = Object.fromEntries(((lv && lv.links) || []).map((v) => [v.link, v]));
	if (lv)
		frag.append(el('p', { id: 'ev-overall', tabIndex: -1, class: lv.ok ? 'ok' : 'alarm',
			text: lv.ok ? t('The transcript is intact.') : t('The transcript does not verify.') }));
	for (const { s, l } of rows) {
		frag.append(el('h3', { text: t('Link %s', s.name) }),
			el('ul', { id: `ev-link-${s.name}` }, ...items(verdicts(s, l, byName[s.name]))));
	}
	if (lv)
		frag.append(el('ul', { id: 'ev-indexes' }, ...items(indexes(lv))));
	if (audit) {
		const a = audit;
		frag.append(el('h3', { text: t('The audit trail') }), el('p', {
			class: a.ok ? 'ok' : 'alarm',
			text: a.ok ? t('Intact: %s entries, %s signed checkpoints hold.', fmtNumber(a.entries), fmtNumber(a.checkpoints))
				: t('CHANGED: %s', a.error || ''),
		}));
	}
	return frag;
}

function parseArg(arg) {
	const m = /^([a-z0-9.-]+)\/(?:(out)\/)?([0-9]+)$/.exec(arg || '');
	return m ? { link: m[1], side: m[2] ? 'sent' : 'received', seq: m[3] } : null;
}

export async function render(main, ctx) {
	const { api, me } = ctx;
	const box = alertBox();
	main.append(heading(t('Evidence')), box);

	// The transcript.
	const result = el('div', { attrs: { 'aria-live': 'polite' } });
	const trail = hasRole(me, 'auditor', 'admin');
	let rows = [];
	let latest = 0;
	// Opening the page shows the figures; the button has hotlined
	// recompute the whole transcript too (as `hotline log verify` does).
	// Only the latest call draws: an earlier one answered late never
	// replaces a newer outcome (nor takes its focus away).
	const verify = async (full) => {
		const mine = ++latest;
		const [status, links, lv] = await Promise.all([api('GET', '/v1/status'), allPages(api, '/v1/links'),
			full ? api('POST', '/v1/log/verify', {}) : null]);
		const byName = Object.fromEntries(links.map((l) => [l.name, l]));
		const audit = trail ? await api('POST', '/v1/audit/verify', {}) : null;
		if (mine !== latest)
			return rows;
		rows = (status.links || []).map((s) => ({ s, l: byName[s.name] || {} }));
		clear(result);
		result.append(el('p', { class: 'note', text: t('Checked at %s.', fmtTime(Math.floor(Date.now() / 1000))) }),
			rows.length ? transcript(rows, lv, audit) : el('p', { text: t('No link yet.') }));
		if (lv) {
			// The button is disabled while it runs: the outcome takes the focus.
			result.querySelector('#ev-overall')?.focus();
			announce(lv.ok ? t('The transcript is intact.') : t('The transcript does not verify.'));
		} else
			announce(t('Verification done.'));
		return rows;
	};
	main.append(el('section', { attrs: { 'aria-labelledby': 'ev-transcript' } },
		el('h2', { id: 'ev-transcript', text: t('The transcript') }),
		el('p', { text: t('What hotlined holds of each link: the logs of both sides, how far each is receipted, and any evidence against the peer.') }),
		el('div', { class: 'actions' }, button(t('Verify the transcript'), () => verify(true), box, { id: 'verify' })),
		result));
	await verify(false);

	// The proof of one message.
	const form = el('form', { class: 'proof', noValidate: true });
	const link = select(rows.map(({ s }) => ({ value: s.name, label: s.name })), undefined, { name: 'link' });
	const side = choices(t('Which log'), 'radio', 'side',
		[{ value: 'sent', label: t('a message we sent') }, { value: 'received', label: t('a message the peer sent') }], ['sent']);
	const seq = el('input', { type: 'number', name: 'seq', min: 1, step: 1, required: true, attrs: { inputmode: 'numeric' } });
	const range = el('p', { class: 'hint', id: 'proof-range' });
	seq.setAttribute('aria-describedby', range.id);
	const disclose = el('input', { type: 'checkbox', name: 'disclose', id: 'proof-disclose' });
	const out = el('div', { class: 'done', attrs: { role: 'status' } });
	const holder = {};
	const showRange = () => {
		const r = rows.find((x) => x.s.name === link.value);
		const l = r ? r.l : {};
		const n = side.inputs.sent.checked ? (l.sent_receipted ?? 0) : (l.received_receipted ?? 0);
		range.textContent = n ? t('Receipted messages: 1 to %s.', fmtNumber(n)) : t('No receipted message in this log yet.');
		seq.max = n || 1;
	};
	link.addEventListener('change', showRange);
	for (const i of Object.values(side.inputs))
		i.addEventListener('change', showRange);
	const want = parseArg(ctx.arg);
	if (want && rows.some((r) => r.s.name === want.link)) {
		link.value = want.link;
		side.inputs[want.side].checked = true;
		seq.value = want.seq;
	}
	showRange();
	form.append(field(t('Link'), link), side.fieldset, field(t('Message number (seq)'), seq), range,
		el('div', { class: 'choice' }, disclose,
			el('label', { htmlFor: disclose.id, text: t('Disclose what the message said (its content key goes into the proof)') })),
		el('div', { class: 'actions' }, el('button', { type: 'submit', text: t('Export the proof') })));
	main.append(el('section', { attrs: { 'aria-labelledby': 'ev-proof' } },
		el('h2', { id: 'ev-proof', text: t('Proof of a message') }),
		el('p', { text: t('A proof shows a third party that a message was sent by one party and receipted by the other; \'hotline proof verify\' checks it with both cards.') }),
		form, out));

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(box, null);
		clear(out);
		const n = Number(seq.value);
		if (!Number.isInteger(n) || n < 1) {
			seq.setAttribute('aria-invalid', 'true');
			seq.focus();
			showError(box, t('Give the message\'s number, from 1.'));
			return;
		}
		seq.removeAttribute('aria-invalid');
		const received = side.inputs.received.checked;
		const submit = form.querySelector('button[type="submit"]');
		submit.disabled = true;
		try {
			const res = await api('POST', '/v1/proof/export',
				{ link: link.value, seq: n, received, disclose: disclose.checked });
			const bytes = fromBase64(res.proof);
			const id = res.side === 'sent' ? `${res.link}/out/${res.seq}` : `${res.link}/${res.seq}`;
			const name = `${id.replaceAll('/', '-')}.proof`;
			out.append(el('p', { text: res.disclosed ? t('Proof of %s, with its content key: %s bytes.', id, fmtNumber(bytes.length))
				: t('Proof of %s: %s bytes.', id, fmtNumber(bytes.length)) }),
			el('p', {}, download(holder, bytes, name, 'application/octet-stream', t('Download %s', name))));
			announce(t('The proof of %s is ready to download.', id));
			out.querySelector('a').focus();
		} catch (err) {
			showError(box, err);
		} finally {
			submit.disabled = false;
		}
	});
	return () => {
		if (holder.url)
			URL.revokeObjectURL(holder.url);
	};
}
