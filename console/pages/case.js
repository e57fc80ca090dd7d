// pages/case.js - a case: one timeline of both sides (GET /v1/case/show),
// who did what, structured fields in the reader's language, free text in
// its own (lang, dir auto), STIX indicators as a table, retractions and
// corrections marked as such, and the acknowledgments and answers this
// desk still owes. Without an id (#/case): the list of cases.

import { tError, fmtTime, isoTime, fmtList, fmtNumber, fmtDuration, label, currentLang } from '/i18n.js';

const received = (id) => !/\/out\//.test(String(id));

export async function render(main, ctx) {
	if (!ctx.arg)
		return list(main, ctx);
	return show(main, ctx, ctx.arg);
}

/* --- the list --- */

async function list(main, ctx) {
	const { t, el, api } = ctx;
	ctx.setTitle(t('Cases'));
	const err = el('p', { class: 'error', role: 'alert' });
	const openOnly = el('input', { type: 'checkbox', id: 'cases-open' });
	const box = el('div', { id: 'cases' });
	main.append(el('h1', { text: t('Cases') }),
		el('p', {}, el('label', { for: 'cases-open' }, openOnly, ' ', t('Open cases only'))), err, box);
	const load = async () => {
		err.textContent = '';
		try {
			const all = [];
			let after;
			for (let i = 0; i < 100; i++) {
				const page = await api('GET', '/v1/case/list', { limit: 1000, after, open: openOnly.checked ? 1 : undefined });
				all.push(...(page.items || []));
				if (!page.next)
					break;
				after = page.next;
			}
			all.sort((a, b) => (b.case.opened || 0) - (a.case.opened || 0));
			const body = el('tbody');
			for (const c of all) {
				body.append(el('tr', {},
					el('td', {}, el('a', { href: '#/case/' + encodeURIComponent(c.case.id), text: c.case.id })),
					el('td', { text: c.link || (c.group && c.group.name) || '' }),
					el('td', {}, el('span', { class: 'badge ' + c.precedence, text: label('precedence', c.precedence) })),
					el('td', { text: label('state', c.case.state) }),
					el('td', { text: c.case.category ? label('category', c.case.category) : '—' }),
					el('td', { class: 'subject', dir: 'auto', text: c.title || '' }),
					el('td', {}, el('time', { datetime: isoTime(c.case.opened), text: fmtTime(c.case.opened) })),
					el('td', { text: fmtNumber(c.pending) })));
			}
			box.replaceChildren(all.length ? el('table', { class: 'case-list' },
				el('caption', { class: 'visually-hidden', text: t('Cases, newest first') }),
				el('thead', {}, el('tr', {}, ...[t('Case'), t('Link'), t('Precedence'), t('state'), t('category'),
					t('Title'), t('opened'), t('Requests pending')].map((h) => el('th', { scope: 'col', text: h })))),
				body) : el('p', { text: t('No cases.') }));
		} catch (e) {
			err.textContent = tError(e);
		}
	};
	openOnly.addEventListener('change', load);
	await load();
	const again = () => load();
	ctx.stream.on('message', again);
	ctx.stream.on('sent', again);
	return null;
}

/* --- one case --- */

// A text member of the content ({lang, text}) as a paragraph in its own
// language, with its tag shown.
function freeText(el, t, part, cls = 'freetext') {
	if (!part || typeof part !== 'object' || typeof part.text !== 'string')
		return null;
	const lang = typeof part.lang === 'string' ? part.lang : 'und';
	const p = el('p', { class: cls, dir: 'auto' });
	if (lang !== 'und')
		p.setAttribute('lang', lang);
	// A <bdi>: the paragraph's direction (dir auto) is its text's, not
	// the tag's.
	p.append(el('bdi', { class: 'langtag', title: t('language of the text'), text: lang }), ' ');
	p.append(el('span', { text: part.text }));
	return p;
}

// The STIX bundle's indicators (and other objects) as a table.
function stixTable(el, t, bundle, status) {
	const wrap = el('div', { class: 'stix' });
	if (status && status !== 'valid')
		wrap.append(el('p', { class: 'mark notcounted', text: t('STIX bundle not valid: %s', t(String(status))) }));
	const objects = bundle && Array.isArray(bundle.objects) ? bundle.objects : [];
	if (!objects.length)
		return wrap;
	const body = el('tbody');
	const str = (v) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
	const inds = objects.filter((o) => o && o.type === 'indicator');
	const rest = objects.filter((o) => o && o.type !== 'indicator' && o.type !== 'relationship');
	for (const o of [...inds, ...rest]) {
		const what = o.type === 'indicator' ? o.pattern : o.value ?? '';
		body.append(el('tr', {},
			el('td', { text: str(o.type) }),
			el('td', { dir: 'auto', text: str(o.name) }),
			el('td', { dir: 'ltr', text: str(what) }),
			el('td', { text: str(o.pattern_type) }),
			el('td', { text: str(o.valid_from) })));
	}
	wrap.append(el('table', { class: 'stix-table' },
		el('caption', { text: t('STIX indicators') }),
		el('thead', {}, el('tr', {}, ...[t('Type'), t('Name'), t('Pattern or value'), t('Pattern type'), t('Valid from')]
			.map((h) => el('th', { scope: 'col', text: h })))),
		body));
	return wrap;
}

// The STIX bundle as a graph (d3, Debian's libjs-d3, loaded by
// index.html): its objects, joined by its relationships and by the
// objects' *_ref and *_refs. An image beside the table, which says the
// same in words; none without d3 or with fewer than two objects.
const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = { indicator: '#a10000', malware: '#6b2fa0', 'threat-actor': '#8a4b00', 'attack-pattern': '#8a4b00' };

function stixGraph(el, t, bundle) {
	const d3 = window.d3;
	if (!d3 || !d3.layout || !d3.layout.force || !bundle || !Array.isArray(bundle.objects))
		return null;
	const objs = bundle.objects.filter((o) => o && typeof o === 'object' && typeof o.id === 'string' &&
		o.type !== 'relationship').slice(0, 200);
	if (objs.length < 2)
		return null;
	const index = new Map(objs.map((o, i) => [o.id, i]));
	const links = [];
	const join = (from, to, what) => {
		if (index.has(from) && index.has(to) && from !== to)
			links.push({ source: index.get(from), target: index.get(to), label: String(what) });
	};
	for (const o of bundle.objects) {
		if (!o || typeof o !== 'object')
			continue;
		if (o.type === 'relationship') {
			join(o.source_ref, o.target_ref, o.relationship_type || '');
			continue;
		}
		for (const [k, v] of Object.entries(o)) {
			if (k.endsWith('_ref') && typeof v === 'string')
				join(o.id, v, k.slice(0, -4));
			else if (k.endsWith('_refs') && Array.isArray(v))
				for (const r of v)
					join(o.id, r, k.slice(0, -5));
		}
	}
	const W = 640;
	const H = Math.min(480, 160 + 40 * objs.length);
	const nodes = objs.map((o) => ({ o }));
	const force = d3.layout.force().nodes(nodes).links(links).size([W, H])
		.charge(-900).linkDistance(220).gravity(0.06);
	force.start();
	for (let i = 0; i < 300; i++)
		force.tick();
	force.stop();
	const pad = 40;
	for (const n of nodes) {
		n.x = Math.max(pad, Math.min(W - pad, n.x));
		n.y = Math.max(pad / 2, Math.min(H - pad / 2, n.y));
	}
	const svgNode = document.createElementNS(SVG, 'svg');
	const svg = d3.select(svgNode)
		.attr('viewBox', `0 0 ${W} ${H}`)
		.attr('role', 'img')
		.attr('aria-label', t('STIX graph: %d objects, %d relationships', objs.length, links.length));
	const edge = svg.selectAll('g.edge').data(links).enter().append('g').attr('class', 'edge');
	edge.append('line')
		.attr('x1', (l) => l.source.x).attr('y1', (l) => l.source.y)
		.attr('x2', (l) => l.target.x).attr('y2', (l) => l.target.y)
		.attr('stroke', '#767676').attr('stroke-width', 1.5);
	edge.append('text')
		.attr('x', (l) => (l.source.x + l.target.x) / 2).attr('y', (l) => (l.source.y + l.target.y) / 2 - 4)
		.attr('text-anchor', 'middle').attr('font-size', 11).attr('fill', '#333333')
		.text((l) => l.label);
	const node = svg.selectAll('g.node').data(nodes).enter().append('g').attr('class', 'node')
		.attr('transform', (n) => `translate(${n.x},${n.y})`);
	node.append('circle').attr('r', 9)
		.attr('fill', (n) => COLOURS[n.o.type] || '#1f5a99').attr('stroke', '#ffffff').attr('stroke-width', 2);
	node.append('text').attr('y', 24).attr('text-anchor', 'middle').attr('font-size', 12).attr('fill', '#1a1a1a')
		.text((n) => {
			const name = n.o.name ?? n.o.value ?? '';
			const s = `${n.o.type}${name !== '' ? ': ' + String(name) : ''}`;
			return s.length > 48 ? s.slice(0, 47) + '…' : s;
		});
	const fig = el('figure', { class: 'stix-graph' });
	fig.append(svgNode, el('figcaption', { text: t('STIX graph') }));
	return fig;
}

async function show(main, ctx, id) {
	const { t, el, api } = ctx;
	ctx.setTitle(t('Case %s', id));
	const err = el('p', { class: 'error', role: 'alert', id: 'case-error' });
	const h1 = el('h1', { id: 'case-h1', text: t('Case %s', id) });
	const head = el('div', { id: 'case-head' });
	const tl = el('ol', { class: 'timeline', id: 'timeline', 'aria-label': t('Timeline') });
	main.append(h1, err, head, el('h2', { text: t('Timeline') }), tl);
	let alive = true;
	let data = null;
	let acks = new Map();
	const notes = new Map();

	const load = async () => {
		data = await api('GET', '/v1/case/show', { id });
		acks = new Map();
		if (ctx.can('ack') && data.link) {
			let after;
			for (let i = 0; i < 100; i++) {
				const page = await api('GET', '/v1/inbox', { link: data.link, limit: 1000, after });
				for (const it of page.items || [])
					if (it.case === data.case.id)
						acks.set(it.id, it.ack);
				if (!page.next)
					break;
				after = page.next;
			}
		}
	};

	const jump = (target) => {
		const a = el('a', { href: '#/case/' + encodeURIComponent(id), text: target });
		a.addEventListener('click', (ev) => {
			ev.preventDefault();
			const li = document.getElementById('ev-' + target);
			if (li) {
				li.scrollIntoView({ block: 'center' });
				li.focus();
			}
		});
		return a;
	};

	const fields = (pairs) => {
		const dl = el('dl', { class: 'fields' });
		for (const [k, v] of pairs)
			if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length))
				dl.append(el('dt', { text: k }), el('dd', {}, v));
		return dl.children.length ? dl : null;
	};

	function drawHead() {
		const c = data.case;
		const st = el('span', { class: 'badge state', id: 'case-state', text: label('state', c.state) });
		h1.replaceChildren(t('Case %s', c.id), ' ', st);
		const write = ctx.can('send') && c.state === 'open'
			? el('p', {}, el('a', { href: '#/compose/' + encodeURIComponent(c.id), id: 'case-compose',
				text: t('Write in this case (an update or a request)') }))
			: '';
		head.replaceChildren(fields([
			[t('Link'), data.link || (data.group && data.group.name)],
			[t('category'), c.category ? label('category', c.category) : null],
			['TLP', c.tlp ? label('tlp', c.tlp) : null],
			[t('severity'), c.severity ? label('severity', c.severity) : null],
			[t('opened'), el('time', { datetime: isoTime(c.opened), text: fmtTime(c.opened) })],
			[t('closed'), c.closed ? el('time', { datetime: isoTime(c.closed), text: fmtTime(c.closed) }) : null],
			[t('Requests pending'), t('%d of %d', data.pending, data.requests)],
		]) || '', write);
	}

	function eventItem(ev, byId) {
		const ours = !received(ev.id);
		const li = el('li', { id: 'ev-' + ev.id, tabindex: '-1', class: ours ? 'ours' : 'peer', 'data-type': ev.type });
		const c = ev.content && typeof ev.content === 'object' ? ev.content : null;
		const by = ev.by || (c && c.operator) || null;
		const hid = 'evh-' + ev.id;
		const who = el('span', { class: 'who', 'data-who': ev.id });
		who.append(el('span', { text: ev.from }));
		if (by && by.name)
			who.append(' · ', el('span', { class: 'operator', text: t('%s (%s)', by.name, label('role', by.role)) }));
		const headBits = [
			el('h3', { id: hid, text: label('kind', ev.type) }),
			el('span', { class: 'badge ' + ev.precedence, text: label('precedence', ev.precedence) }),
			who,
			el('time', { datetime: isoTime(ev.time), text: fmtTime(ev.time) }),
			el('span', { class: 'status-line', text: ev.id }),
		];
		const marks = [];
		if (ev.retracted) {
			li.classList.add('retracted');
			const r = data.events.find((x) => x.type === 'retract' && x.about === ev.id);
			const m = el('span', { class: 'mark retracted', 'data-mark': 'retracted', text: t('RETRACTED') });
			marks.push(m);
			if (r)
				marks.push(el('span', {}, t('by'), ' ', jump(r.id)));
		}
		if (ev.corrected_by) {
			li.classList.add('corrected');
			marks.push(el('span', { class: 'mark corrected', 'data-mark': 'corrected', text: t('CORRECTED') }),
				el('span', {}, t('corrected by'), ' ', jump(ev.corrected_by)));
		}
		if (ev.not_counted)
			marks.push(el('span', { class: 'mark notcounted', text: t('does not count: %s', t(ev.not_counted)) }));
		if (ev.suspect) {
			li.classList.add('suspect');
			marks.push(el('span', { class: 'mark suspect', 'data-mark': 'suspect', text: t('SUSPECT') }),
				el('span', { class: 'suspect-why' }, t('SUSPECT: signed with %s\'s key %s, revoked at %s (window %s)',
					ev.from, ev.suspect.key, fmtTime(ev.suspect.revoked), fmtDuration(ev.suspect.window))));
		}
		const art = el('article', { 'aria-labelledby': hid }, el('div', { class: 'event-head' }, ...headBits, ...marks));
		if (ev.about) {
			const what = ev.type === 'correct' ? t('correction of') : ev.type === 'retract' ? t('withdraws') : t('about');
			art.append(el('p', {}, what, ' ', byId.has(ev.about) ? jump(ev.about) : el('span', { text: ev.about }),
				ev.about_type ? ` (${label('kind', ev.about_type)})` : ''));
		}
		const f = fields([
			[t('category'), ev.category ? label('category', ev.category) : null],
			['TLP', ev.tlp ? label('tlp', ev.tlp) : null],
			[t('severity'), ev.severity ? label('severity', ev.severity) : null],
			[t('actions'), fmtList((ev.actions || []).map((a) => label('action', a)))],
			[t('answer'), ev.answer ? label('answer', ev.answer) : null],
			[t('state'), ev.state ? label('state', ev.state) : null],
		]);
		if (f)
			art.append(f);
		if (c) {
			const s = freeText(el, t, c.summary, 'freetext summary');
			if (s)
				art.append(s);
			const x = freeText(el, t, c.text);
			if (x) {
				if (ev.corrected_by || ev.retracted) {
					const del = el('del', {});
					del.append(...x.childNodes);
					x.append(del);
				}
				art.append(x);
			}
			if (c.stix) {
				art.append(stixTable(el, t, c.stix, ev.stix));
				const g = stixGraph(el, t, c.stix);
				if (g)
					art.append(g);
			}
		} else {
			art.append(el('p', { class: 'status-line', text: t('(cannot be opened)') }));
		}
		art.append(...actions(ev));
		li.append(art);
		return li;
	}

	function actions(ev) {
		const out = [];
		if (!ctx.can('ack') || ev.retracted || !received(ev.id))
			return out;
		const st = acks.get(ev.id);
		if (st && (st.state === 'due' || st.state === 'overdue')) {
			const noteId = 'case-note-' + ev.id;
			const note = el('input', { id: noteId, type: 'text', dir: 'auto', lang: currentLang(), maxlength: '2000',
				placeholder: t('note (optional)') });
			note.value = notes.get(ev.id) || '';
			note.addEventListener('input', () => notes.set(ev.id, note.value));
			const btn = el('button', { type: 'button', class: 'ack', 'data-ack': ev.id }, t('Acknowledge'),
				el('span', { class: 'visually-hidden', text: ' ' + ev.id }));
			const e = el('p', { class: 'error', role: 'alert' });
			const go = async () => {
				btn.disabled = true;
				const body = { id: ev.id };
				if (note.value.trim()) {
					body.text = note.value.trim();
					body.lang = currentLang();
				}
				try {
					await api('POST', '/v1/ack', body);
					notes.delete(ev.id);
					ctx.announce(t('Acknowledged %s.', ev.id));
					await redraw();
					h1.setAttribute('tabindex', '-1');
					h1.focus();
				} catch (x) {
					e.textContent = tError(x);
					btn.disabled = false;
				}
			};
			btn.addEventListener('click', go);
			note.addEventListener('keydown', (k) => {
				if (k.key === 'Enter') {
					k.preventDefault();
					go();
				}
			});
			out.push(el('div', { class: 'acts' },
				el('label', { for: noteId, class: 'visually-hidden', text: t('Note (optional) for %s', ev.id) }), note, btn), e);
		}
		if (ev.type === 'request' && (ev.state === 'pending' || ev.state === 'accepted') && data.case.state === 'open')
			out.push(answerForm(ev));
		return out;
	}

	function answerForm(ev) {
		const id = 'case-answer-' + ev.id;
		const fs = el('fieldset', {}, el('legend', { text: t('Answer to %s', ev.id) }));
		let first = true;
		for (const code of ['accepted', 'declined', 'done']) {
			if (code === 'accepted' && ev.state === 'accepted')
				continue;
			const rid = `${id}-${code}`;
			const r = el('input', { type: 'radio', name: id, id: rid, value: code });
			if (first) {
				r.checked = true;
				first = false;
			}
			fs.append(el('label', { for: rid }, r, ' ', label('answer', code)), ' ');
		}
		const textId = id + '-text';
		const text = el('textarea', { id: textId, dir: 'auto', lang: currentLang(), maxlength: '100000' });
		const e = el('p', { class: 'error', role: 'alert' });
		const send = el('button', { type: 'submit', text: t('Send the answer') });
		const form = el('form', { class: 'answer-form', id, 'aria-label': t('Answer to %s', ev.id) },
			fs, el('label', { for: textId, text: t('Reason or result (needed for declined and done)') }), text, el('div', { class: 'acts' }, send), e);
		const details = el('details', { class: 'answer' }, el('summary', { text: t('Answer') }), form);
		form.addEventListener('submit', async (x) => {
			x.preventDefault();
			const choice = form.querySelector('input[type=radio]:checked');
			const answer = choice ? choice.value : 'accepted';
			if (answer !== 'accepted' && !text.value.trim()) {
				e.textContent = t('Say why (declined) or the result (done).');
				text.focus();
				return;
			}
			send.disabled = true;
			const body = { id: ev.id, answer };
			if (text.value.trim()) {
				body.text = text.value;
				body.lang = currentLang();
			}
			try {
				await api('POST', '/v1/answer', body);
				ctx.announce(t('Answered %s: %s', ev.id, label('answer', answer)));
				await redraw();
				h1.setAttribute('tabindex', '-1');
				h1.focus();
			} catch (y) {
				e.textContent = tError(y);
				send.disabled = false;
			}
		});
		return details;
	}

	function draw() {
		drawHead();
		const byId = new Map(data.events.map((ev) => [ev.id, ev]));
		tl.replaceChildren(...data.events.map((ev) => eventItem(ev, byId)));
	}

	let pending = null;
	async function redraw() {
		try {
			await load();
			if (!alive)
				return;
			err.textContent = '';
			draw();
		} catch (e) {
			if (alive)
				err.textContent = tError(e);
		}
	}

	const soon = (d) => {
		if (data && d && d.link && d.link !== data.link)
			return;
		clearTimeout(pending);
		if (!d) {
			pending = setTimeout(() => soon({}), 2000);
			return;
		}
		pending = setTimeout(() => {
			// Not while the operator types or answers here: a redraw
			// would lose what they wrote. Later.
			const a = document.activeElement;
			const writing = (a && main.contains(a) && (a.tagName === 'TEXTAREA' || a.tagName === 'INPUT')) ||
				main.querySelector('details.answer[open]') ||
				[...main.querySelectorAll('textarea')].some((x) => x.value !== '');
			if (writing) {
				soon();
				return;
			}
			redraw();
		}, 100);
	};
	await redraw();
	for (const type of ['message', 'sent', 'ack', 'missed'])
		ctx.stream.on(type, soon);
	return () => {
		alive = false;
		clearTimeout(pending);
	};
}
