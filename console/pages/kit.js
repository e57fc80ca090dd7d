// kit.js - what the compose, links, evidence, operators and audit pages
// share: building the DOM (text only: what a peer wrote is never HTML),
// labelled controls, the vocabularies of the structured fields, the
// languages of free text, errors shown in place, and downloads.  Not a page: the router never loads it.
import { t, tError, vocab, label } from '/i18n.js';

let serial = 0;

// A fresh id for a control and its label.
export function uid(prefix) {
	serial += 1;
	return `${prefix}-${serial}`;
}

// el('p', {class: 'x', text: 'words'}, child, ...): an element.
// props: class, text, attrs (attributes), on (event handlers), and any
// other name is set as a property (id, type, value, checked, ...).
export function el(tag, props = {}, ...children) {
	const node = document.createElement(tag);
	for (const [k, v] of Object.entries(props)) {
		if (v === undefined || v === null)
			continue;
		if (k === 'class')
			node.className = v;
		else if (k === 'text')
			node.textContent = v;
		else if (k === 'attrs')
			for (const [a, av] of Object.entries(v)) {
				if (av !== undefined && av !== null && av !== false)
					node.setAttribute(a, av === true ? '' : String(av));
			}
		else if (k === 'on')
			for (const [ev, fn] of Object.entries(v))
				node.addEventListener(ev, fn);
		else
			node[k] = v;
	}
	append(node, ...children);
	return node;
}

export function append(node, ...children) {
	for (const c of children.flat()) {
		if (c === undefined || c === null || c === false)
			continue;
		node.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
	}
	return node;
}

export function clear(node) {
	while (node.firstChild)
		node.firstChild.remove();
}

// A labelled control: <div class="field"><label>..</label>control
// <p class="hint">..</p></div>; the hint describes the control.
export function field(label, control, hint) {
	if (!control.id)
		control.id = uid('f');
	const wrap = el('div', { class: 'field' },
		el('label', { text: label, htmlFor: control.id }), control);
	if (hint) {
		const h = el('p', { class: 'hint', id: uid('h'), text: hint });
		describe(control, h.id);
		wrap.append(h);
	}
	return wrap;
}

// Adds id to the control's aria-describedby.
export function describe(control, id) {
	const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
	if (!ids.includes(id))
		ids.push(id);
	control.setAttribute('aria-describedby', ids.join(' '));
}

// <select> of [{value, label, disabled?}] (or [value, label] pairs).
export function select(options, value, props = {}) {
	const s = el('select', props);
	for (const o of options) {
		const opt = Array.isArray(o) ? { value: o[0], label: o[1] } : o;
		s.append(el('option', { value: opt.value, text: opt.label, disabled: !!opt.disabled }));
	}
	if (value !== undefined)
		s.value = value;
	return s;
}

// A fieldset of radio buttons or checkboxes named name; returns
// {fieldset, inputs: {value: input}}.
export function choices(legend, type, name, options, checked = []) {
	const fs = el('fieldset', { class: 'choices' }, el('legend', { text: legend }));
	const inputs = {};
	for (const o of options) {
		const input = el('input', { type, name, value: o.value, id: uid(name) });
		input.defaultChecked = checked.includes(o.value);
		input.checked = input.defaultChecked;
		inputs[o.value] = input;
		fs.append(el('div', { class: 'choice' }, input,
			el('label', { htmlFor: input.id, text: o.label })));
	}
	return { fieldset: fs, inputs };
}

// A place for a refusal or a problem, announced when it is filled.
export function alertBox() {
	return el('div', { class: 'error', tabIndex: -1, attrs: { role: 'alert' }, hidden: true });
}

// Shows err (an ApiError, an Error or a string) in box; empty hides it.
export function showError(box, err) {
	clear(box);
	if (!err) {
		box.hidden = true;
		return;
	}
	box.textContent = typeof err === 'string' ? err : (err.format || err.error ? tError(err) : err.message);
	box.hidden = false;
}

// Says text in the shell's live region, for screen readers.
export function announce(text) {
	const live = document.getElementById('announce');
	if (!live)
		return;
	live.textContent = '';
	setTimeout(() => { live.textContent = text; }, 50);
}

// A button that runs fn, disabled while it runs; errors go to box.
export function button(label, fn, box, props = {}) {
	const b = el('button', { type: 'button', text: label, ...props });
	b.addEventListener('click', async () => {
		b.disabled = true;
		try {
			if (box)
				showError(box, null);
			await fn();
		} catch (err) {
			if (box)
				showError(box, err);
			else
				throw err;
		} finally {
			b.disabled = false;
		}
	});
	return b;
}

// The hash of a case's page: case ids hold '#', kept as %23.
export function caseHref(id) {
	return `#/case/${encodeURIComponent(id)}`;
}

// A table with a caption, column headers and rows (arrays of cells:
// strings, nodes, or {text, class, header}).
export function table(caption, heads, rows, props = {}) {
	const tb = el('table', props);
	if (caption)
		tb.append(el('caption', { text: caption }));
	const tr = el('tr');
	for (const h of heads)
		tr.append(el('th', { text: h, attrs: { scope: 'col' } }));
	tb.append(el('thead', {}, tr));
	const body = el('tbody');
	for (const r of rows)
		body.append(row(r));
	tb.append(body);
	return tb;
}

// A row: each cell a string, a number, a node, null, or {text | node,
// class, header} (header: a <th scope="row">).
export function row(cells) {
	const tr = el('tr');
	for (const c of cells) {
		const plain = c === null || c === undefined || typeof c !== 'object' || c instanceof Node;
		const spec = plain ? { node: c ?? '' } : c;
		const td = el(spec.header ? 'th' : 'td',
			{ class: spec.class, attrs: spec.header ? { scope: 'row' } : undefined });
		if (spec.node !== undefined)
			append(td, spec.node);
		else
			td.textContent = spec.text ?? '';
		tr.append(td);
	}
	return tr;
}

// Bytes of base64 text.
export function fromBase64(b64) {
	const bin = atob(b64);
	const bytes = new Uint8Array(bin.length);
	for (let i = 0; i < bin.length; i++)
		bytes[i] = bin.charCodeAt(i);
	return bytes;
}

// A link that saves data (bytes or text) as a file named name; the
// object URL lives until revoke() or the next download() on holder.
export function download(holder, data, name, type, label) {
	if (holder.url)
		URL.revokeObjectURL(holder.url);
	holder.url = URL.createObjectURL(new Blob([data], { type }));
	return el('a', { href: holder.url, download: name, class: 'download', text: label });
}

// Reads every page of a listing (GET path with limit and after),
// returning the items (at most max of them).
export async function allPages(api, path, key = 'items', max = 5000) {
	const items = [];
	let after = null;
	do {
		const sep = path.includes('?') ? '&' : '?';
		const page = await api('GET', `${path}${sep}limit=1000${after !== null ? `&after=${encodeURIComponent(after)}` : ''}`);
		items.push(...(page[key] || []));
		after = page.next ?? null;
	} while (after !== null && items.length < max);
	return items;
}

export function hasRole(me, ...roles) {
	return !!me && Array.isArray(me.roles) && roles.some((r) => me.roles.includes(r));
}

// The page's heading, focused by the shell on navigation.
export function heading(text) {
	return el('h1', { text });
}

export const ROLES = ['duty', 'supervisor', 'auditor', 'admin'];
export const PRECEDENCES = ['flash', 'immediate', 'priority', 'routine'];

// The codes of a vocabulary of i18n.js as {value, label} options.
export function vocabOptions(group) {
	return vocab(group).map((value) => ({ value, label: label(group, value) }));
}

// Languages offered for the free text: BCP 47 tags, named in the
// operator's language by Intl.  "und" is the API's default.
const LANGS = ['und', 'en', 'ar', 'es', 'fr', 'ru', 'zh', 'de', 'it', 'pt', 'nl', 'pl',
	'uk', 'tr', 'fa', 'he', 'ur', 'hi', 'ja', 'ko', 'id', 'sw'];
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

function langName(tag) {
	if (tag === 'und')
		return t('not said');
	try {
		const names = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' });
		return `${names.of(tag)} (${tag})`;
	} catch {
		return tag;
	}
}

// A <select> of the languages of free text written in controls: each
// control takes the language chosen, and its direction.
export function langSelect(controls, props = {}) {
	const s = select(LANGS.map((l) => ({ value: l, label: langName(l) })), 'und', props);
	s.addEventListener('change', () => {
		const l = s.value;
		for (const c of controls) {
			c.setAttribute('dir', l === 'und' ? 'auto' : (RTL.has(l) ? 'rtl' : 'ltr'));
			if (l === 'und')
				c.removeAttribute('lang');
			else
				c.setAttribute('lang', l);
		}
	});
	return s;
}

// A refresh that runs draw one at a time: a refresh asked for while one
// runs makes it go round once more, after it.  Errors go to box.
export function oneAtATime(draw, box) {
	let busy = null;
	return function refresh() {
		if (busy) {
			busy.again = true;
			return busy.done;
		}
		busy = { again: false };
		busy.done = (async () => {
			try {
				do {
					busy.again = false;
					await draw();
				} while (busy.again);
			} catch (err) {
				showError(box, err);
			} finally {
				busy = null;
			}
		})();
		return busy.done;
	};
}
