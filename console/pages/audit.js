// audit.js - #/audit: the party's audit trail, a page at a time (GET
// /v1/audit, oldest first, by the entries' numbers), its verification
// (POST /v1/audit/verify) and the proof of one entry (GET
// /v1/audit/proof) saved as a file for `hotline audit check-proof`.
import { t, fmtNumber, fmtTime, label } from '/i18n.js';
import {
	el, clear, field, table, alertBox, showError, announce, button, download, heading, hasRole,
} from './kit.js';

const LIMIT = 50;

function detailText(d) {
	if (d === undefined || d === null)
		return '';
	const s = JSON.stringify(d);
	return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

function verdict(v) {
	if (v.ok)
		return el('p', { class: 'ok', text: t('Intact: %s entries, %s signed checkpoints hold.', fmtNumber(v.entries), fmtNumber(v.checkpoints)) });
	return el('p', { class: 'alarm' },
		t('CHANGED: %s', v.error || ''), ' ',
		v.bad_seq ? t('The first entry changed or missing is %s.', fmtNumber(v.bad_seq)) : '');
}

export async function render(main, ctx) {
	const { api, me } = ctx;
	const box = alertBox();
	main.append(heading(t('Audit trail')), box);
	if (!hasRole(me, 'auditor', 'admin')) {
		main.append(el('p', { text: t('Only an auditor or an admin reads the audit trail.') }));
		return undefined;
	}
	const verified = el('div', { attrs: { role: 'status' } });
	main.append(el('section', { attrs: { 'aria-labelledby': 'au-verify' } },
		el('h2', { id: 'au-verify', text: t('Verification') }),
		el('p', { text: t('Signs a checkpoint of the whole trail, then recomputes its Merkle tree from the stored entries and checks every signed checkpoint.') }),
		el('div', { class: 'actions' }, button(t('Verify the trail'), async () => {
			clear(verified);
			const v = await api('POST', '/v1/audit/verify', {});
			verified.append(verdict(v));
			announce(verified.textContent);
		}, box, { id: 'verify-trail' })), verified));

	// The entries, a page at a time: the cursors of the pages before.
	const entries = el('div', { class: 'entries' });
	const nav = el('div', { class: 'actions pager' });
	const proofOut = el('div', { class: 'done', attrs: { role: 'status' } });
	const holder = {};
	const from = el('input', { type: 'number', name: 'from', min: 1, step: 1, attrs: { inputmode: 'numeric' } });
	const jump = el('form', { class: 'jump', noValidate: true }, field(t('From entry'), from),
		el('button', { type: 'submit', class: 'secondary', text: t('Show') }));
	main.append(el('section', { attrs: { 'aria-labelledby': 'au-entries' } },
		el('h2', { id: 'au-entries', tabIndex: -1, text: t('Entries') }), jump, entries, nav, proofOut));

	const back = [];
	let after = 0;
	const proof = async (seq) => {
		const res = await api('GET', `/v1/audit/proof?seq=${seq}`);
		clear(proofOut);
		const name = `audit-entry-${res.seq}.proof`;
		proofOut.append(el('p', { text: t('Proof of entry %s against the checkpoint of size %s.', fmtNumber(res.seq), fmtNumber(res.size)) }),
			el('p', {}, download(holder, res.proof, name, 'text/plain', t('Download %s', name))));
		announce(t('The proof of entry %s is ready to download.', fmtNumber(res.seq)));
		proofOut.querySelector('a').focus();
	};
	const show = async (start) => {
		const page = await api('GET', `/v1/audit?after=${start}&limit=${LIMIT}`);
		const focused = document.activeElement && document.activeElement.id;
		after = start;
		const rows = (page.entries || []).map((e) => (e.damaged !== undefined
			? [{ header: true, text: fmtNumber(e.seq) }, { text: t('damaged: %s', e.damaged), class: 'alarm' }, '', '', '', '', '', '', '']
			: [
				{ header: true, text: fmtNumber(e.seq) },
				fmtTime(e.time),
				e.operator,
				e.role ? label('role', e.role) : '',
				e.door,
				{ node: el('code', { text: e.action }) },
				{ text: String(e.status), class: e.status >= 400 ? 'warn' : '' },
				{ node: el('code', { class: 'detail', text: detailText(e.detail) }) },
				button(t('Proof of entry %s', fmtNumber(e.seq)), () => proof(e.seq), box, { class: 'secondary' }),
			]));
		clear(entries);
		entries.append(rows.length
			? table(t('Entries after %s', fmtNumber(start)),
				[t('Entry'), t('Time'), t('Operator'), t('Role'), t('Door'), t('Action'), t('Status'), t('Detail'), t('Proof')],
				rows, { class: 'audit' })
			: el('p', { text: t('No entry after %s.', fmtNumber(start)) }));
		clear(nav);
		// Back to where the pages came from, or a page's length back
		// after a jump.
		if (start > 0)
			nav.append(button(t('Previous page'),
				() => show(back.length ? back.pop() : Math.max(0, start - LIMIT)), box, { id: 'prev' }));
		if (page.next !== null && page.next !== undefined)
			nav.append(button(t('Next page'), async () => {
				back.push(after);
				await show(page.next);
			}, box, { id: 'next' }));
		if (focused === 'prev' || focused === 'next')
			(document.getElementById(focused) || document.getElementById('au-entries')).focus();
	};
	jump.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(box, null);
		const n = Number(from.value);
		if (!Number.isInteger(n) || n < 1) {
			from.setAttribute('aria-invalid', 'true');
			showError(box, t('Give an entry\'s number, from 1.'));
			from.focus();
			return;
		}
		from.removeAttribute('aria-invalid');
		back.length = 0;
		try {
			await show(n - 1);
		} catch (err) {
			showError(box, err);
		}
	});
	await show(0);
	return () => {
		if (holder.url)
			URL.revokeObjectURL(holder.url);
	};
}
