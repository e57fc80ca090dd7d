// groups.js - the groups of this party (docs/api.md, "Groups"), for
// every operator, on three routes:
//   #/groups              the groups: name, members, confidential or
//                         open, created (GET /v1/groups);
//   #/group/NAME          one group: its members now (GET /v1/group) and
//                         its messages, newest first, each with its
//                         totals (GET /v1/group/messages);
//   #/group-message/GID   the board of one group message (GET
//                         /v1/group/board): the totals line, as the CLI
//                         prints it, and where each member stands.
// The group and the board follow the event stream (a receipt, an
// acknowledgment, a deadline, an escalation, a group event): no reload.
import { t, fmtNumber, fmtTime, label } from '/i18n.js';
import { el, clear, table, alertBox, heading, caseHref, oneAtATime } from './kit.js';

export const groupHref = (name) => `#/group/${encodeURIComponent(name)}`;
export const boardHref = (id) => `#/group-message/${encodeURIComponent(id)}`;

// A member's state in words (the API's codes, docs/api.md "GET
// /v1/group/board"); each a call of t() so that make pot finds it.
const STATE = {
	acknowledged: () => t('acknowledged'),
	receipted: () => t('receipted'),
	sent: () => t('sent'),
	overdue: () => t('overdue'),
	escalated: () => t('escalated'),
	unreachable: () => t('unreachable'),
	held: () => t('held'),
	late: () => t('late'),
	dropped: () => t('dropped'),
};

// The counts after the receipts on the totals line, in the CLI's order.
const COUNTS = [
	['overdue', () => t('overdue')],
	['escalated', () => t('escalated')],
	['unreachable', () => t('unreachable')],
	['held', () => t('held')],
	['late', () => t('late')],
	['waiting', () => t('waiting')],
	['dropped', () => t('dropped')],
];

const num = (v) => (Number.isFinite(Number(v)) ? Number(v) : 0);

function say(code) {
	return Object.prototype.hasOwnProperty.call(STATE, code) ? STATE[code]() : String(code ?? '');
}

// "187 of 193 acknowledged, 191 receipted, 4 overdue, 2 unreachable":
// as `hotline group board` prints it, the counts after the receipts
// only when not 0.
export function totalsLine(tot) {
	const o = tot || {};
	let s = t('%u of %u acknowledged, %u receipted', num(o.acknowledged), num(o.members), num(o.receipted));
	for (const [key, word] of COUNTS)
		if (num(o[key]))
			s += `, ${fmtNumber(num(o[key]))} ${word()}`;
	return s;
}

function membership(g) {
	return g.open ? t('open (members named in each message)') : t('confidential');
}

function precBadge(p) {
	return el('span', { class: `badge ${p}`, text: label('precedence', p) });
}

// Redraws with refresh (one at a time) on the events that change what
// a page shows, at most every 300 ms, and every minute besides
// (deadlines pass with time).  Returns the cleanup.
function follow(ctx, refresh) {
	let timer = null;
	const soon = () => {
		clearTimeout(timer);
		timer = setTimeout(refresh, 300);
	};
	const types = ['receipt', 'ack', 'message', 'sent', 'deadline', 'escalation', 'suspension', 'group', 'missed'];
	for (const ty of types)
		ctx.stream.on(ty, soon);
	const tick = setInterval(refresh, 60000);
	return () => {
		clearTimeout(timer);
		clearInterval(tick);
		for (const ty of types)
			ctx.stream.off(ty, soon);
	};
}

async function list(main, ctx) {
	const box = alertBox();
	main.append(heading(t('Groups')), box);
	const res = await ctx.api('GET', '/v1/groups');
	const groups = (res && res.groups) || [];
	if (!groups.length) {
		main.append(el('p', { id: 'groups-none', text: t('No group yet.') }));
		return undefined;
	}
	const rows = groups.map((g) => [
		{ header: true, class: 'name', node: el('a', { href: groupHref(g.name), text: g.name }) },
		{ class: 'num', text: fmtNumber(num(g.members)) },
		membership(g),
		fmtTime(g.created),
		g.created_by || '',
	]);
	main.append(table(t('Groups'), [t('Group'), t('Members'), t('Membership'), t('Created'), t('Created by')], rows,
		{ id: 'groups-table' }));
	return undefined;
}

async function group(main, ctx, name) {
	const box = alertBox();
	const facts = el('ul', { class: 'facts' });
	const members = el('div');
	const messages = el('div');
	main.append(heading(t('Group %s', name)), box, facts,
		el('section', { attrs: { 'aria-labelledby': 'group-members-h' } },
			el('h2', { id: 'group-members-h', text: t('Members') }), members),
		el('section', { attrs: { 'aria-labelledby': 'group-messages-h' } },
			el('h2', { id: 'group-messages-h', text: t('Messages') }), messages));
	ctx.setTitle(t('Group %s', name));
	// The messages need the right read (an admin sees the members only).
	const reads = ctx.can('read');
	const draw = async () => {
		const [g, m] = await Promise.all([
			ctx.api('GET', '/v1/group', { name }),
			reads ? ctx.api('GET', '/v1/group/messages', { group: name }) : null,
		]);
		clear(facts);
		facts.append(el('li', { text: t('Membership: %s', membership(g)) }),
			el('li', { text: t('Created %s by %s', fmtTime(g.created), g.created_by || '') }));
		clear(members);
		const links = g.links || [];
		members.append(links.length
			? table(null, [t('Link'), t('Added')], links.map((l) => [{ header: true, class: 'name', text: l.link }, fmtTime(l.added)]),
				{ id: 'group-members' })
			: el('p', { text: t('No member now.') }));
		clear(messages);
		messages.parentNode.hidden = !reads;
		const msgs = (m && m.messages) || [];
		messages.append(msgs.length
			? table(null, [t('Time'), t('Kind'), t('Precedence'), t('Case'), t('Operator'), t('Totals')],
				msgs.map((x) => [
					{ header: true, node: el('a', { href: boardHref(x.id), text: fmtTime(x.time) }) },
					label('kind', x.kind),
					precBadge(x.precedence),
					x.case ? el('a', { href: caseHref(x.case), text: x.case }) : '—',
					x.operator || '',
					el('span', { attrs: { dir: 'auto' }, text: totalsLine(x.totals) }),
				]), { id: 'group-messages' })
			: el('p', { text: t('Nothing sent to this group yet.') }));
	};
	await draw();
	return follow(ctx, oneAtATime(draw, box));
}

function memberRow(m) {
	const state = String(m.state || '');
	const ack = m.ack && typeof m.ack === 'object' ? m.ack : null;
	const by = ack ? t('%s (%s)', ack.operator || '?', label('role', ack.role)) : '—';
	const tr = el('tr', { attrs: { 'data-link': m.link, 'data-state': state } });
	tr.append(
		el('th', { class: 'name', attrs: { scope: 'row' }, text: m.link }),
		el('td', { class: 'num', text: Number.isInteger(m.seq) ? fmtNumber(m.seq) : (m.held || '—') }),
		el('td', {}, el('span', { class: `badge state gs-${state}`, text: say(state) })),
		el('td', { text: m.receipted ? fmtTime(m.receipted) : '—' }),
		el('td', { text: m.acknowledged ? fmtTime(m.acknowledged) : '—' }),
		el('td', { text: by }));
	return tr;
}

async function board(main, ctx, id) {
	const box = alertBox();
	const facts = el('ul', { class: 'facts' });
	const totals = el('p', { id: 'board-totals', class: 'totals', attrs: { role: 'status', dir: 'auto' } });
	const members = el('div');
	main.append(heading(t('Board of a group message')), box, facts, totals, members);
	ctx.setTitle(t('Board of a group message'));
	const draw = async () => {
		const b = await ctx.api('GET', '/v1/group/board', { id });
		clear(facts);
		facts.append(
			el('li', {}, el('a', { href: groupHref(b.group), text: t('Group %s', b.group) })),
			el('li', {}, t('Sent %s by %s', fmtTime(b.time), b.operator || ''), ' · ', label('kind', b.kind), ' ',
				precBadge(b.precedence)),
			el('li', { text: t('Message %s', b.id) }));
		if (b.case)
			facts.append(el('li', {}, el('a', { href: caseHref(b.case), text: t('Open case %s', b.case) })));
		const line = totalsLine(b.totals);
		if (totals.textContent !== line)
			totals.textContent = line;
		clear(members);
		const tb = table(t('Members'), [t('Link'), t('Seq'), t('State'), t('Receipted'), t('Acknowledged'), t('Acknowledged by')],
			[], { id: 'board-members' });
		for (const m of b.members || [])
			tb.tBodies[0].append(memberRow(m));
		members.append(tb);
	};
	await draw();
	return follow(ctx, oneAtATime(draw, box));
}

export async function render(main, ctx) {
	if (ctx.page === 'group' && ctx.arg)
		return group(main, ctx, ctx.arg);
	if (ctx.page === 'group-message' && ctx.arg)
		return board(main, ctx, ctx.arg);
	return list(main, ctx);
}
