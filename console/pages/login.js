// pages/login.js - the login: name, password, TOTP code; or a one-time
// ticket given in the address (#ticket=HEX), which is used at once and
// taken out of the address bar.

import { tError } from '/i18n.js';

export async function render(main, ctx) {
	const { t, el } = ctx;
	ctx.setTitle(t('Log in'));
	const h1 = el('h1', { text: t('Log in') });
	const err = el('p', { id: 'login-error', class: 'error', role: 'alert', 'aria-live': 'assertive' });
	const notice = el('p', { id: 'login-notice', class: 'notice', text: ctx.notice || '' });
	notice.hidden = !ctx.notice;

	const m = /^#ticket=([0-9a-fA-F]{16,256})$/.exec(location.hash || '');
	if (/^#ticket=/.test(location.hash || '')) {
		// The ticket leaves the address bar (and the history) before
		// anything else happens.
		history.replaceState(null, '', location.pathname + location.search + '#/login');
	}

	const field = (id, text, props) => {
		const input = el('input', { id, name: id, required: true, ...props });
		return { input, label: el('label', { for: id }, el('span', { text }), input) };
	};
	const name = field('login-name', t('Operator name'), {
		autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false', maxlength: '63',
	});
	const pw = field('login-password', t('Password'), {
		type: 'password', autocomplete: 'current-password', maxlength: '1024',
	});
	const code = field('login-totp', t('Code from your authenticator'), {
		inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6',
		'aria-describedby': 'login-totp-help',
	});
	const help = el('span', { id: 'login-totp-help', class: 'status-line', text: t('6 digits') });
	code.label.append(help);
	const submit = el('button', { type: 'submit', id: 'login-submit', text: t('Log in') });
	const form = el('form', { class: 'login', id: 'login-form', 'aria-labelledby': 'login-h1', novalidate: true },
		name.label, pw.label, code.label, submit);
	h1.id = 'login-h1';
	main.append(h1, notice, err, form);

	const attempt = async (body) => {
		err.textContent = '';
		submit.disabled = true;
		try {
			const answer = await ctx.api('POST', '/v1/login', body);
			await ctx.loggedIn(answer);
		} catch (e) {
			err.textContent = tError(e);
			submit.disabled = false;
			return false;
		}
		return true;
	};

	form.addEventListener('submit', async (ev) => {
		ev.preventDefault();
		const missing = [name.input, pw.input, code.input].find((i) => i.value === '');
		if (missing) {
			err.textContent = t('Give your name, password and code.');
			missing.focus();
			return;
		}
		if (!/^[0-9]{6}$/.test(code.input.value.trim())) {
			err.textContent = t('The code is 6 digits.');
			code.input.focus();
			return;
		}
		const ok = await attempt({
			name: name.input.value.trim(),
			password: pw.input.value,
			totp: code.input.value.trim(),
		});
		if (!ok) {
			pw.input.value = '';
			code.input.value = '';
			pw.input.focus();
		}
	});

	if (m) {
		err.textContent = '';
		notice.hidden = false;
		notice.textContent = t('Logging in with a one-time ticket…');
		const ok = await attempt({ ticket: m[1] });
		if (!ok) {
			notice.hidden = true;
			name.input.focus();
		}
		return null;
	}
	name.input.focus();
	return null;
}
