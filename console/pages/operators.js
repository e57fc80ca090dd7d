// operators.js - #/operators: the party's operators (auditors and
// admins read the list); an admin adds one, changes their roles and
// precedence cap, disables or enables them, sets their password and
// makes their TOTP secret (shown once).
import { t, fmtNumber, fmtTime, label } from '/i18n.js';
import {
	el, clear, field, select, choices, table, alertBox, showError, announce, button,
	hasRole, heading, vocabOptions, ROLES,
} from './kit.js';

const NAME_RE = /^[a-z0-9][a-z0-9.-]{0,62}$/;

function roleOptions() {
	return ROLES.map((r) => ({ value: r, label: label('role', r) }));
}

function checked(ch) {
	return Object.entries(ch.inputs).filter(([, i]) => i.checked).map(([v]) => v);
}

function stateText(o) {
	if (o.disabled)
		return t('disabled');
	if (o.locked)
		return o.locked_until ? t('logins wait until %s', fmtTime(o.locked_until)) : t('locked: an admin enables them again');
	return t('enabled');
}

function list(ops, admin, manage) {
	const heads = [t('Name'), t('Roles'), t('Sends up to'), t('Password'), t('TOTP'),
		t('Failed logins'), t('State'), t('Unix users'), t('Added')];
	if (admin)
		heads.push(t('Change'));
	const rows = ops.map((o) => {
		const cells = [
			{ header: true, text: o.name },
			o.roles.map((r) => label('role', r)).join(', '),
			label('precedence', o.max_precedence),
			o.password ? t('set') : t('not set'),
			o.totp ? t('set') : t('not set'),
			fmtNumber(o.failures || 0),
			{ text: stateText(o), class: o.disabled || o.locked ? 'warn' : '' },
			(o.unix || []).join(', ') || '—',
			fmtTime(o.created),
		];
		if (admin)
			cells.push(el('button', {
				type: 'button', class: 'secondary', text: t('Change %s', o.name),
				on: { click: () => manage(o.name) },
			}));
		return cells;
	});
	return table(t('Operators'), heads, rows, { class: 'operators' });
}

function addForm(api, box, reload) {
	const name = el('input', { type: 'text', name: 'name', required: true, autocomplete: 'off',
		attrs: { pattern: '[a-z0-9][a-z0-9.-]{0,62}', maxlength: 63, spellcheck: 'false' } });
	const roles = choices(t('Roles'), 'checkbox', 'add-roles', roleOptions(), ['duty']);
	const prec = select(vocabOptions('precedence'), 'routine', { name: 'max_precedence' });
	const unix = el('input', { type: 'text', name: 'unix', autocomplete: 'off', attrs: { spellcheck: 'false' } });
	const form = el('form', { class: 'add', noValidate: true },
		field(t('Name'), name, t('1 to 63 of a-z, 0-9, dot and dash.')),
		roles.fieldset,
		field(t('A duty officer sends up to'), prec),
		field(t('Unix users (optional)'), unix, t('Names separated by spaces or commas: they act as this operator on the unix socket.')),
		el('div', { class: 'actions' }, el('button', { type: 'submit', text: t('Add the operator') })));
	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		showError(box, null);
		const n = name.value.trim();
		if (!NAME_RE.test(n)) {
			name.setAttribute('aria-invalid', 'true');
			name.focus();
			showError(box, t('%s: not an operator name (1 to 63 of a-z, 0-9, dot and dash)', n));
			return;
		}
		name.removeAttribute('aria-invalid');
		const body = { name: n, roles: checked(roles), max_precedence: prec.value };
		const users = unix.value.split(/[\s,]+/).filter(Boolean);
		if (users.length)
			body.unix = users;
		try {
			const o = await api('POST', '/v1/operator/add', body);
			announce(t('Operator %s added.', o.name));
			form.reset();
			await reload(o.name);
		} catch (err) {
			showError(box, err);
			box.focus();
		}
	});
	return form;
}

// The panel that changes one operator.
function panel(api, box, o, reload, said) {
	const sec = el('section', { class: 'manage', id: 'manage', attrs: { 'aria-labelledby': 'manage-h' } },
		el('h2', { id: 'manage-h', tabIndex: -1, text: t('Change operator %s', o.name) }));
	const did = el('div', { class: 'done', attrs: { role: 'status' }, text: said || '' });

	const roles = choices(t('Roles'), 'checkbox', 'roles', roleOptions(), o.roles);
	const prec = select(vocabOptions('precedence'), o.max_precedence, { name: 'max_precedence' });
	const act = async (path, body, said) => {
		const res = await api('POST', path, { name: o.name, ...body });
		announce(said);
		await reload(o.name, true, said);
		return res;
	};
	sec.append(el('form', { class: 'roles', noValidate: true, on: { submit: (ev) => ev.preventDefault() } },
		roles.fieldset, field(t('A duty officer sends up to'), prec),
		el('div', { class: 'actions' }, button(t('Save roles'), () => act('/v1/operator/role',
			{ roles: checked(roles), max_precedence: prec.value }, t('The roles of %s are saved.', o.name)), box))));

	sec.append(el('div', { class: 'actions' }, o.disabled || o.locked
		? button(o.disabled ? t('Enable %s', o.name) : t('Lift the lock of %s', o.name),
			() => act('/v1/operator/enable', {}, t('Operator %s is enabled.', o.name)), box, { id: 'enable' })
		: button(t('Disable %s', o.name),
			() => act('/v1/operator/disable', {}, t('Operator %s is disabled.', o.name)), box, { id: 'disable' })));

	const pw = el('input', { type: 'password', name: 'password', autocomplete: 'new-password',
		attrs: { minlength: 12, maxlength: 1024 } });
	sec.append(el('form', { class: 'passwd', noValidate: true, on: { submit: (ev) => ev.preventDefault() } },
		field(t('New password'), pw, t('12 to 1024 characters.')),
		el('div', { class: 'actions' }, button(t('Set the password'), async () => {
			if ([...pw.value].length < 12) {
				pw.setAttribute('aria-invalid', 'true');
				pw.focus();
				throw new Error(t('A password has at least 12 characters.'));
			}
			pw.removeAttribute('aria-invalid');
			await act('/v1/operator/passwd', { password: pw.value }, t('The password of %s is set.', o.name));
			pw.value = '';
		}, box))));

	const secret = el('div', { class: 'secret', attrs: { 'aria-live': 'polite' } });
	sec.append(el('div', { class: 'actions' }, button(t('Make a new TOTP secret'), async () => {
		const res = await api('POST', '/v1/operator/totp', { name: o.name });
		clear(secret);
		secret.append(el('p', { text: t('The new secret of %s, shown this once: enter it in an authenticator app. Codes of the old one no longer work.', o.name) }),
			el('p', {}, el('code', { text: res.secret })),
			el('p', {}, el('code', { class: 'uri', text: res.uri })));
		announce(t('A new TOTP secret is shown.'));
		await reload(o.name, false);
	}, box)), secret, did);
	return sec;
}

export async function render(main, ctx) {
	const { api, me } = ctx;
	const admin = hasRole(me, 'admin');
	const box = alertBox();
	const listing = el('div');
	const manageAt = el('div');
	main.append(heading(t('Operators')), box, listing, manageAt);
	let ops = [];
	let managed = null;

	const manage = (name, focus = true, said = '') => {
		managed = name;
		clear(manageAt);
		const o = ops.find((x) => x.name === name);
		if (!o)
			return;
		manageAt.append(panel(api, box, o, reload, said));
		if (focus || said)
			manageAt.querySelector('#manage-h').focus();
	};
	// Reads the list again; keeps the panel of name open (redrawn unless
	// redraw is false, so a secret just shown stays).
	async function reload(name = managed, redraw = true, said = '') {
		const res = await api('GET', '/v1/operators');
		ops = res.operators || [];
		clear(listing);
		listing.append(list(ops, admin, manage));
		if (name && redraw)
			manage(name, false, said);
	}
	await reload();
	if (admin)
		main.append(el('section', { attrs: { 'aria-labelledby': 'add-h' } },
			el('h2', { id: 'add-h', text: t('Add an operator') }),
			el('p', { text: t('A new operator has no password and no TOTP secret until an admin sets them.') }),
			addForm(api, box, (n) => reload(n).then(() => manage(n)))));
	return undefined;
}
