// keys.js - the Keys section of a link on the links board (docs/design/
// links.md sections 4 and 9): each side's key history, era by era, as
// `hotline link keys` prints it: how each era began (the card the link
// was confirmed with, a rotation endorsed by the old key, a new card
// confirmed by voice), its fingerprint and key ID, the first message of
// that side it signs, since when, its endpoint and what of it was
// revoked.  Read only: GET /v1/link/keys (docs/api.md).  Not a page: the
// links board keeps one section per link across its redraws.
import { t, fmtTime, fmtNumber, fmtList } from '/i18n.js';
import { el, clear, table, alertBox, oneAtATime } from './kit.js';

// How an era began, in words; each a call of t() (the CLI's msgids).
const HOW = {
	founding: () => t('founding'),
	rotated: () => t('rotated'),
	rekeyed: () => t('rekeyed'),
};

function how(code) {
	return Object.prototype.hasOwnProperty.call(HOW, code) ? HOW[code]() : String(code ?? '');
}

// "sign, box at T (seq 7)", or "no".
function revoked(r) {
	if (!r)
		return t('no');
	const uses = fmtList((r.uses || []).map(String));
	return r.by ? t('%s at %s (seq %s)', uses, fmtTime(r.time), fmtNumber(r.by))
		: t('%s at %s', uses, fmtTime(r.time));
}

// One side's eras: since is from_time, or for era 0 the confirmation.
function erasTable(caption, eras, id) {
	const rows = (eras || []).map((x) => {
		const since = x.era ? x.from_time : x.confirmed;
		return [
			{ header: true, text: fmtNumber(x.era) },
			how(x.how),
			{ text: x.fingerprint, class: 'fingerprint' },
			el('code', { text: x.keyid }),
			{ text: fmtNumber(x.from_seq), class: 'num' },
			since ? fmtTime(since) : '—',
			x.endpoint || t('none'),
			{ text: revoked(x.revoked), class: x.revoked ? 'revoked' : '' },
		];
	});
	return table(caption, [t('Era'), t('How'), t('Fingerprint'), t('Key ID'), t('From seq'),
		t('Since'), t('Endpoint'), t('Revoked')], rows, { id, class: 'eras' });
}

// keysSection(api, me, name): {node, refresh()}.
export function keysSection(api, me, name) {
	const box = alertBox();
	const shown = el('div', { class: 'keys-now' });
	const node = el('section', { id: `keys-${name}`, class: 'link-keys',
		attrs: { 'aria-labelledby': `keys-h-${name}` } },
	el('h3', { id: `keys-h-${name}`, text: t('Keys') }), box, shown);
	const refresh = oneAtATime(() => draw(), box);

	async function draw() {
		const k = await api('GET', '/v1/link/keys', { name });
		clear(shown);
		shown.append(
			erasTable(t('This party\'s keys on %s', name), k.ours, `keys-ours-${name}`),
			erasTable(t('The keys of %s', name), k.theirs, `keys-theirs-${name}`));
	}
	return { node, refresh };
}
