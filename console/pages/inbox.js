// pages/inbox.js - the messages received, those waiting for this desk
// first: overdue, then by precedence (FLASH, IMMEDIATE, PRIORITY,
// ROUTINE) and deadline, each with a countdown to its acknowledgment
// deadline; acknowledge in one click (with an optional note), answer a
// request. Kept live by the event stream: a new message shows without a
// reload.

import { tError, fmtTime, isoTime, fmtDuration, label, currentLang } from '/i18n.js';

const RANK = { flash: 0, immediate: 1, priority: 2, routine: 3 };
const DONE_SHOWN = 50;

// What a message says, by id: a message never changes, so this lasts
// the page's life (and the next visit's).
const contents = new Map();

const now = () => Date.now() / 1000;

function rank(p) {
	return RANK[p] ?? 4;
}

function isOverdue(item, at = now()) {
	return item.ack && (item.ack.state === 'overdue' || (item.ack.state === 'due' && item.ack.due <= at));
}

function waits(item) {
	return item.ack && (item.ack.state === 'due' || item.ack.state === 'overdue');
}

export function order(a, b, at = now()) {
	const oa = isOverdue(a, at) ? 0 : 1;
	const ob = isOverdue(b, at) ? 0 : 1;
	if (oa !== ob)
		return oa - ob;
	if (rank(a.precedence) !== rank(b.precedence))
		return rank(a.precedence) - rank(b.precedence);
	const da = a.ack && a.ack.due ? a.ack.due : Infinity;
	const db = b.ack && b.ack.due ? b.ack.due : Infinity;
	if (da !== db)
		return da - db;
	return (a.sent - b.sent) || String(a.id).localeCompare(String(b.id));
}

// The first line of a text, capped, for a listing.
function firstLine(s, max = 160) {
	const line = String(s).split(/\r?\n/, 1)[0];
	return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

export async function render(main, ctx) {
	const { t, el, api } = ctx;
	const mayAck = ctx.can('ack');
	ctx.setTitle(t('Inbox'));

	const status = el('p', { id: 'inbox-status', class: 'status-line' });
	const dueHead = el('h2', { id: 'inbox-due-h', tabindex: '-1', text: t('Waiting for acknowledgment') });
	const dueBox = el('div', { id: 'inbox-due' });
	const doneHead = el('h2', { id: 'inbox-done-h', tabindex: '-1', text: t('Acknowledged and other messages') });
	const doneBox = el('div', { id: 'inbox-done' });
	const loadErr = el('p', { class: 'error', role: 'alert', id: 'inbox-error' });
	main.append(el('h1', { text: t('Inbox') }), status, loadErr,
		el('section', { 'aria-labelledby': 'inbox-due-h' }, dueHead, dueBox),
		el('section', { 'aria-labelledby': 'inbox-done-h' }, doneHead, doneBox));

	let items = [];
	let known = null;		// ids seen at the last load: what is new
	let fresh = new Set();
	const notes = new Map();	// id -> the note typed, kept across redraws
	const errors = new Map();	// id -> the refusal shown in its row
	const answering = new Set();	// ids whose answer form is open
	const drafts = new Map();	// id -> {answer, text} of an open form
	const busy = new Set();
	let overdueSeen = new Set();
	let alive = true;

	async function load() {
		const all = [];
		let after;
		for (let i = 0; i < 100; i++) {
			const page = await api('GET', '/v1/inbox', { limit: 1000, after });
			all.push(...(page.items || []));
			if (!page.next)
				break;
			after = page.next;
		}
		return all;
	}

	let loading = null;
	let again = false;
	let wantFocus = null;
	async function refresh(focusKey) {
		if (focusKey)
			wantFocus = focusKey;
		if (loading) {
			again = true;
			return loading;
		}
		loading = (async () => {
			try {
				const got = await load();
				if (!alive)
					return;
				loadErr.textContent = '';
				fresh = new Set();
				if (known)
					for (const it of got)
						if (!known.has(it.id))
							fresh.add(it.id);
				known = new Set(got.map((it) => it.id));
				items = got;
				const f = wantFocus;
				wantFocus = null;
				draw(f);
			} catch (e) {
				if (alive)
					loadErr.textContent = tError(e);
			}
		})();
		await loading;
		loading = null;
		if (again && alive) {
			again = false;
			await refresh();
		}
	}

	let timer = null;
	function soon() {
		clearTimeout(timer);
		timer = setTimeout(() => refresh(), 30);
	}

	function currentFocus() {
		const a = document.activeElement;
		if (!a || !main.contains(a) || !a.dataset || !a.dataset.focus)
			return null;
		return { key: a.dataset.focus, start: a.selectionStart, end: a.selectionEnd };
	}

	function restore(focus) {
		if (!focus)
			return;
		const target = main.querySelector(`[data-focus="${CSS.escape(focus.key)}"]`);
		if (!target)
			return;
		target.focus();
		if (typeof focus.start === 'number' && target.setSelectionRange)
			try {
				target.setSelectionRange(focus.start, focus.end);
			} catch {
				/* not a text field */
			}
	}

	function draw(focusKey) {
		const focus = focusKey ? { key: focusKey } : currentFocus();
		const at = now();
		const due = items.filter(waits).sort((a, b) => order(a, b, at));
		const rest = items.filter((it) => !waits(it)).sort((a, b) => (b.sent - a.sent) || (b.seq - a.seq));
		overdueSeen = new Set(due.filter((it) => isOverdue(it, at)).map((it) => it.id));
		const overdue = overdueSeen.size;
		status.textContent = t('%d waiting, %d overdue, %d received', due.length, overdue, items.length);
		dueBox.replaceChildren(due.length ? table(due, 'due', t('Messages waiting for acknowledgment, overdue first'))
			: el('p', { class: 'notice', text: t('Nothing waits for acknowledgment.') }));
		const shown = rest.slice(0, DONE_SHOWN);
		doneBox.replaceChildren(shown.length ? table(shown, 'done', t('Latest messages')) : el('p', { text: t('No other messages.') }));
		if (rest.length > DONE_SHOWN)
			doneBox.append(el('p', { class: 'status-line', text: t('%d older messages not shown.', rest.length - DONE_SHOWN) }));
		tick();
		restore(focus);
		fill();
	}

	function table(list, which, caption) {
		const head = el('tr', {},
			...[t('Precedence'), t('Link'), t('Case'), t('Message'), t('Received'),
				which === 'due' ? t('Deadline') : t('Acknowledgment'),
				mayAck ? t('Actions') : null].filter(Boolean).map((h) => el('th', { scope: 'col', text: h })));
		const body = el('tbody');
		for (const it of list) {
			body.append(row(it, which));
			if (answering.has(it.id) && mayAck && it.kind === 'request')
				body.append(answerRow(it));
		}
		return el('table', { class: 'inbox', id: 'table-' + which },
			el('caption', { class: 'visually-hidden', text: caption }), el('thead', {}, head), body);
	}

	// A message signed with a key its sender revoked soon after
	// (protocol.md 9.14): a badge, the key and the window in its title.
	function suspectBadge(it) {
		const s = it.suspect;
		if (!s)
			return [];
		const why = t('SUSPECT: signed with %s\'s key %s, revoked at %s (window %s)',
			it.link, s.key, fmtTime(s.revoked), fmtDuration(s.window));
		return [' ', el('span', { class: 'badge suspect', 'data-suspect': it.id, title: why, text: t('SUSPECT') }),
			el('span', { class: 'visually-hidden', text: ' ' + why })];
	}

	function row(it, which) {
		const tr = el('tr', { 'data-id': it.id, 'data-precedence': it.precedence });
		if (fresh.has(it.id))
			tr.classList.add('new-flash');
		tr.append(
			el('td', {}, el('span', { class: 'badge ' + it.precedence, text: label('precedence', it.precedence) })),
			el('td', { class: 'nowrap', text: it.link }),
			el('td', { class: 'nowrap' }, it.case ? el('a', { href: '#/case/' + encodeURIComponent(it.case), text: it.case }) : '—'),
			el('td', { class: 'subject' },
				el('span', { class: 'kind', text: label('kind', it.kind) + ' · ' }),
				el('span', { 'data-subject': it.id, text: it.id }),
				...suspectBadge(it)),
			el('td', {}, el('time', { datetime: isoTime(it.sent), text: fmtTime(it.sent) })));
		if (which === 'due') {
			tr.append(el('td', {}, el('span', {
				class: 'countdown', 'data-due': String(it.ack.due), 'data-row': it.id, 'data-state': it.ack.state,
			})));
		} else if (it.ack && it.ack.state === 'acked') {
			tr.append(el('td', {}, el('span', { text: t('acknowledged') + ' ' }),
				el('time', { datetime: isoTime(it.ack.at), text: fmtTime(it.ack.at) })));
		} else {
			tr.append(el('td', { text: t('none needed') }));
		}
		if (mayAck)
			tr.append(actions(it, which));
		return tr;
	}

	function actions(it, which) {
		const td = el('td');
		const box = el('div', { class: 'acts' });
		if (which === 'due') {
			const noteId = 'note-' + it.id;
			const note = el('input', {
				id: noteId, type: 'text', 'data-focus': 'note:' + it.id, maxlength: '2000',
				autocomplete: 'off', lang: currentLang(), dir: 'auto', placeholder: t('note (optional)'),
			});
			note.value = notes.get(it.id) || '';
			note.addEventListener('input', () => notes.set(it.id, note.value));
			note.addEventListener('keydown', (ev) => {
				if (ev.key === 'Enter') {
					ev.preventDefault();
					ack(it);
				}
			});
			const btn = el('button', { type: 'button', class: 'ack', 'data-ack': it.id, 'data-focus': 'ack:' + it.id },
				t('Acknowledge'), el('span', { class: 'visually-hidden', text: ' ' + it.id }));
			btn.disabled = busy.has(it.id);
			btn.addEventListener('click', () => ack(it));
			box.append(el('label', { for: noteId, class: 'visually-hidden', text: t('Note (optional) for %s', it.id) }),
				note, btn);
		}
		if (it.kind === 'request') {
			const open = answering.has(it.id);
			const ans = el('button', {
				type: 'button', class: 'secondary', 'data-answer': it.id, 'data-focus': 'answer:' + it.id,
				'aria-expanded': open ? 'true' : 'false', 'aria-controls': 'answer-' + it.id,
			}, t('Answer'), el('span', { class: 'visually-hidden', text: ' ' + it.id }));
			ans.addEventListener('click', () => {
				if (answering.has(it.id))
					answering.delete(it.id);
				else
					answering.add(it.id);
				draw(answering.has(it.id) ? 'answer-choice:' + it.id : 'answer:' + it.id);
			});
			box.append(ans);
		}
		td.append(box);
		const err = errors.get(it.id);
		if (err)
			td.append(el('p', { class: 'error', role: 'alert', text: err }));
		return td;
	}

	function answerRow(it) {
		const id = 'answer-' + it.id;
		const form = el('form', { class: 'answer-form', id, 'aria-label': t('Answer to %s', it.id) });
		const fs = el('fieldset', {}, el('legend', { text: t('Answer to %s', it.id) }));
		if (!drafts.has(it.id))
			drafts.set(it.id, { answer: 'accepted', text: '' });
		const draft = drafts.get(it.id);
		for (const code of ['accepted', 'declined', 'done']) {
			const rid = `${id}-${code}`;
			const r = el('input', { type: 'radio', name: id + '-choice', id: rid, value: code });
			if (code === draft.answer)
				r.checked = true;
			r.dataset.focus = code === 'accepted' ? 'answer-choice:' + it.id : `answer-${code}:${it.id}`;
			r.addEventListener('change', () => {
				if (r.checked)
					draft.answer = code;
			});
			fs.append(el('label', { for: rid }, r, ' ', label('answer', code)), ' ');
		}
		const textId = id + '-text';
		const text = el('textarea', {
			id: textId, lang: currentLang(), dir: 'auto', maxlength: '100000', 'data-focus': 'answer-text:' + it.id,
		});
		text.value = draft.text;
		text.addEventListener('input', () => {
			draft.text = text.value;
		});
		const err = el('p', { class: 'error', role: 'alert' });
		const send = el('button', { type: 'submit', 'data-focus': 'answer-send:' + it.id, text: t('Send the answer') });
		const cancel = el('button', { type: 'button', class: 'secondary', text: t('Cancel') });
		cancel.addEventListener('click', () => {
			answering.delete(it.id);
			drafts.delete(it.id);
			draw('answer:' + it.id);
		});
		form.append(fs, el('label', { for: textId, text: t('Reason or result (needed for declined and done)') }),
			text, el('div', { class: 'acts' }, send, cancel), err);
		form.addEventListener('submit', async (ev) => {
			ev.preventDefault();
			const choice = form.querySelector('input[type=radio]:checked');
			const answer = choice ? choice.value : 'accepted';
			if (answer !== 'accepted' && text.value.trim() === '') {
				err.textContent = t('Say why (declined) or the result (done).');
				text.focus();
				return;
			}
			send.disabled = true;
			const body = { id: it.id, answer };
			if (text.value.trim() !== '') {
				body.text = text.value;
				body.lang = currentLang();
			}
			try {
				await api('POST', '/v1/answer', body);
				answering.delete(it.id);
				drafts.delete(it.id);
				ctx.announce(t('Answered %s: %s', it.id, label('answer', answer)));
				await refresh('answer:' + it.id);
			} catch (e) {
				err.textContent = tError(e);
				send.disabled = false;
			}
		});
		return el('tr', { class: 'answer-row' }, el('td', { colspan: '7' }, form));
	}

	// After an acknowledgment, focus goes to the next message waiting (the
	// one that takes its place), else the previous, else the heading.
	function nextFocus(id) {
		const buttons = [...main.querySelectorAll('#table-due button.ack')];
		const i = buttons.findIndex((b) => b.dataset.ack === id);
		const next = buttons[i + 1] || buttons[i - 1];
		return next ? 'ack:' + next.dataset.ack : null;
	}

	async function ack(it) {
		if (busy.has(it.id))
			return;
		busy.add(it.id);
		errors.delete(it.id);
		const btn = main.querySelector(`button[data-ack="${CSS.escape(it.id)}"]`);
		if (btn)
			btn.disabled = true;
		const body = { id: it.id };
		const note = (notes.get(it.id) || '').trim();
		if (note !== '') {
			body.text = note;
			body.lang = currentLang();
		}
		const then = nextFocus(it.id);
		try {
			const r = await api('POST', '/v1/ack', body);
			notes.delete(it.id);
			ctx.announce(r && r.already ? t('%s was already acknowledged.', it.id) : t('Acknowledged %s.', it.id));
			busy.delete(it.id);
			await refresh(then);
			// A redraw the stream asked for may have come first: focus
			// where it belongs whichever drew last.
			const target = then && main.querySelector(`[data-focus="${CSS.escape(then)}"]`);
			(target || dueHead).focus();
		} catch (e) {
			busy.delete(it.id);
			errors.set(it.id, tError(e));
			draw('ack:' + it.id);
		}
	}

	// What each message says (its summary, else its text's first line),
	// in its own language; a few at a time.
	let filling = false;
	async function fill() {
		if (filling)
			return;
		filling = true;
		try {
			for (;;) {
				const want = [...main.querySelectorAll('[data-subject]')]
					.map((e) => e.dataset.subject).filter((id) => !contents.has(id));
				const batch = [...new Set(want)].slice(0, 4);
				if (!batch.length || !alive)
					break;
				await Promise.all(batch.map(async (id) => {
					try {
						const m = await api('GET', '/v1/show', { id });
						const c = m && m.content && typeof m.content === 'object' ? m.content : null;
						const part = c && c.summary && c.summary.text ? c.summary : c && c.text ? c.text : null;
						contents.set(id, part ? { text: firstLine(part.text), lang: part.lang } : { text: firstLine(m.raw || id), lang: '' });
					} catch {
						contents.set(id, { text: id, lang: '' });
					}
					paint(id);
				}));
			}
		} finally {
			filling = false;
		}
	}

	function paint(id) {
		const c = contents.get(id);
		for (const span of main.querySelectorAll(`[data-subject="${CSS.escape(id)}"]`)) {
			span.textContent = c.text || id;
			if (c.lang && c.lang !== 'und')
				span.setAttribute('lang', c.lang);
			span.setAttribute('dir', 'auto');
		}
	}

	// Every second: each countdown; a message that becomes overdue moves
	// up.
	function tick() {
		const at = now();
		let moved = false;
		for (const span of main.querySelectorAll('.countdown')) {
			const due = Number(span.dataset.due);
			const left = due - at;
			const tr = span.closest('tr');
			if (left > 0 && span.dataset.state === 'overdue') {
				// hotlined's clock says overdue, this browser's not yet.
				span.textContent = t('OVERDUE');
				span.classList.add('overdue');
				if (tr)
					tr.classList.add('overdue');
			} else if (left > 0) {
				span.textContent = t('due in %s', fmtDuration(left));
				span.classList.remove('overdue');
				if (tr)
					tr.classList.remove('overdue');
			} else {
				span.textContent = t('OVERDUE by %s', fmtDuration(-left));
				span.classList.add('overdue');
				if (tr)
					tr.classList.add('overdue');
				if (!overdueSeen.has(span.dataset.row))
					moved = true;
			}
		}
		// Paint the contents kept from an earlier visit at once.
		for (const span of main.querySelectorAll('[data-subject]'))
			if (contents.has(span.dataset.subject) && span.textContent === span.dataset.subject)
				paint(span.dataset.subject);
		return moved;
	}
	const clock = setInterval(() => {
		if (tick())
			draw();
	}, 1000);

	for (const type of ['message', 'ack', 'deadline', 'missed'])
		ctx.stream.on(type, () => soon());

	await refresh();
	return () => {
		alive = false;
		clearInterval(clock);
		clearTimeout(timer);
	};
}
