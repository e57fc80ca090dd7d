// api.js - the operator API over the HTTPS door, and its event stream.
//
// Every answer is JSON; a refusal is an error object (docs/api.md,
// "Answers") thrown as an ApiError. The CSRF token of the login is kept
// in sessionStorage and sent on every POST.

const CSRF_KEY = 'hotline.csrf';

export class ApiError extends Error {
	constructor(status, body) {
		const b = body && typeof body === 'object' ? body : {};
		super(typeof b.error === 'string' ? b.error : `HTTP ${status}`);
		this.name = 'ApiError';
		this.status = status;
		this.error = this.message;
		this.format = typeof b.format === 'string' ? b.format : null;
		this.args = Array.isArray(b.args) ? b.args.map(String) : [];
		this.needs = typeof b.needs === 'string' ? b.needs : null;
	}
}

export function csrf() {
	try {
		return sessionStorage.getItem(CSRF_KEY);
	} catch {
		return null;
	}
}

export function setCsrf(token) {
	try {
		if (token)
			sessionStorage.setItem(CSRF_KEY, token);
		else
			sessionStorage.removeItem(CSRF_KEY);
	} catch {
		/* storage refused: the session lasts as long as the page */
	}
}

// api(method, path, body): a GET takes body as its query string, a
// POST as its JSON body. Resolves to the parsed answer.
export async function api(method, path, body) {
	const init = {
		method,
		headers: { Accept: 'application/json' },
		credentials: 'same-origin',
		cache: 'no-store',
		redirect: 'error',
	};
	let url = path;
	if (method === 'GET' || method === 'HEAD') {
		if (body) {
			const q = new URLSearchParams();
			for (const [k, v] of Object.entries(body))
				if (v !== undefined && v !== null)
					q.set(k, String(v));
			const s = q.toString();
			if (s)
				url += '?' + s;
		}
	} else {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body ?? {});
		const token = csrf();
		if (token)
			init.headers['X-CSRF-Token'] = token;
	}
	let res;
	try {
		res = await fetch(url, init);
	} catch (e) {
		throw new ApiError(0, { error: 'hotlined cannot be reached', format: 'hotlined cannot be reached', args: [] });
	}
	let data = null;
	try {
		data = await res.json();
	} catch {
		data = null;
	}
	if (!res.ok)
		throw new ApiError(res.status, data);
	return data;
}

// pages(path, args): every item of a listing, following its cursors.
export async function pages(path, args = {}, member = 'items') {
	const all = [];
	let after;
	for (let i = 0; i < 1000; i++) {
		const page = await api('GET', path, { ...args, limit: 1000, after });
		const items = page && Array.isArray(page[member]) ? page[member] : [];
		all.push(...items);
		if (!page || page.next === null || page.next === undefined || page.next === '')
			break;
		after = page.next;
	}
	return all;
}

export const EVENT_TYPES = ['message', 'sent', 'ack', 'receipt', 'deadline', 'escalation', 'terms', 'suspension', 'group', 'missed'];

// stream(onEvent): an EventSource on /v1/events calling onEvent(type,
// data, id). The browser reconnects by itself (with Last-Event-ID);
// when it gives up (a refusal), a new one resumes after the last id.
// Returns {close(), state()}.
export function stream(onEvent, onState) {
	let es = null;
	let last = null;
	let closed = false;
	let timer = null;
	const state = (s) => {
		if (onState)
			onState(s);
	};
	const open = () => {
		if (closed)
			return;
		const url = last ? '/v1/events?after=' + encodeURIComponent(last) : '/v1/events';
		es = new EventSource(url, { withCredentials: true });
		es.onopen = () => state('open');
		es.onerror = () => {
			if (closed)
				return;
			if (es.readyState === EventSource.CLOSED) {
				state('closed');
				es = null;
				timer = setTimeout(open, 5000);
			} else {
				state('connecting');
			}
		};
		for (const type of EVENT_TYPES) {
			es.addEventListener(type, (ev) => {
				if (ev.lastEventId)
					last = ev.lastEventId;
				let data = null;
				try {
					data = JSON.parse(ev.data);
				} catch {
					return;
				}
				if (data && typeof data === 'object')
					onEvent(type, data, ev.lastEventId);
			});
		}
	};
	open();
	return {
		close() {
			closed = true;
			clearTimeout(timer);
			if (es)
				es.close();
			es = null;
		},
	};
}
