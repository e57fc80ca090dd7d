// i18n.js - the console's words in the operator's language.
//
// The catalogues are the CLI's (po/LL.po), as JSON (i18n/LL.json, made
// by `make i18n`): t(msgid, ...args) gives the msgstr, or the English
// msgid when there is none, with printf-style conversions replaced by
// args in order. Numbers and times go through Intl in the same
// language.

export const LANGS = [
	{ code: 'ar', name: 'العربية', dir: 'rtl' },
	{ code: 'en', name: 'English', dir: 'ltr' },
	{ code: 'es', name: 'Español', dir: 'ltr' },
	{ code: 'fr', name: 'Français', dir: 'ltr' },
	{ code: 'ru', name: 'Русский', dir: 'ltr' },
	{ code: 'zh', name: '中文', dir: 'ltr' },
];

let lang = 'en';
let messages = Object.create(null);
const loaded = new Map();

export function currentLang() {
	return lang;
}

export function langDir(code = lang) {
	const l = LANGS.find((x) => x.code === code);
	return l ? l.dir : 'ltr';
}

// printf: %s %d %i %u %ld %lld %llu %zu (and %N$s) replaced by args in
// order; %% is a percent sign.
export function format(fmt, args) {
	let i = 0;
	return String(fmt).replace(/%(?:(\d+)\$)?(?:l{0,2}|z|j|h{0,2})([sdiuxXc%])/g, (m, pos, conv) => {
		if (conv === '%')
			return '%';
		const v = pos ? args[Number(pos) - 1] : args[i++];
		if (v === undefined || v === null)
			return '';
		if ((conv === 'd' || conv === 'i' || conv === 'u') && typeof v === 'number')
			return fmtNumber(v);
		return String(v);
	});
}

export function t(msgid, ...args) {
	const s = messages[msgid];
	return format(typeof s === 'string' && s !== '' ? s : msgid, args);
}

// tError(err): a refusal in the operator's language: its format with
// its args (each translated when it is a message of the catalogues).
export function tError(err) {
	if (!err)
		return '';
	if (err.status === 0)
		return t('hotlined cannot be reached');
	if (typeof err.format === 'string' && err.format !== '') {
		const args = Array.isArray(err.args) ? err.args.map((a) => t(String(a))) : [];
		return t(err.format, ...args);
	}
	if (typeof err.error === 'string' && err.error !== '')
		return t(err.error);
	return String(err.message || err);
}

// The language an operator chose, else the browser's first one we have.
export function preferredLang(operator) {
	try {
		const kept = localStorage.getItem('hotline.lang.' + (operator || ''));
		if (kept && LANGS.some((l) => l.code === kept))
			return kept;
	} catch {
		/* no storage */
	}
	for (const tag of navigator.languages || [navigator.language || 'en']) {
		const primary = String(tag).toLowerCase().split('-')[0];
		if (LANGS.some((l) => l.code === primary))
			return primary;
	}
	return 'en';
}

export function keepLang(operator, code) {
	try {
		localStorage.setItem('hotline.lang.' + (operator || ''), code);
	} catch {
		/* no storage */
	}
}

// setLang(ll): loads i18n/LL.json (English needs none) and sets <html
// lang dir>.
export async function setLang(ll) {
	if (!LANGS.some((l) => l.code === ll))
		ll = 'en';
	let cat = loaded.get(ll);
	if (!cat && ll !== 'en') {
		try {
			const res = await fetch('/i18n/' + ll + '.json', { credentials: 'same-origin' });
			if (res.ok) {
				const j = await res.json();
				if (j && typeof j.messages === 'object' && j.messages)
					cat = j.messages;
			}
		} catch {
			cat = null;
		}
	}
	cat = cat || Object.create(null);
	loaded.set(ll, cat);
	messages = cat;
	lang = ll;
	numberFmt = null;
	timeFmt = null;
	document.documentElement.lang = ll;
	document.documentElement.dir = langDir(ll);
}

let numberFmt = null;
let timeFmt = null;

export function fmtNumber(n) {
	if (!numberFmt)
		numberFmt = new Intl.NumberFormat(lang);
	return numberFmt.format(n);
}

// fmtTime(seconds since the epoch): a date and time, local.
export function fmtTime(secs) {
	if (secs === null || secs === undefined || !Number.isFinite(Number(secs)))
		return '—';
	if (!timeFmt)
		timeFmt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
	return timeFmt.format(new Date(Number(secs) * 1000));
}

// isoTime: for <time datetime>.
export function isoTime(secs) {
	return new Date(Number(secs) * 1000).toISOString();
}

// fmtDuration(seconds): H:MM:SS (digits of the language), days in front
// when there are any.
export function fmtDuration(seconds) {
	let s = Math.max(0, Math.floor(Math.abs(Number(seconds) || 0)));
	const d = Math.floor(s / 86400);
	s -= d * 86400;
	const h = Math.floor(s / 3600);
	s -= h * 3600;
	const m = Math.floor(s / 60);
	s -= m * 60;
	const two = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });
	const one = new Intl.NumberFormat(lang, { useGrouping: false });
	const clock = `${one.format(h)}:${two.format(m)}:${two.format(s)}`;
	return d > 0 ? t('%s d', one.format(d)) + ' ' + clock : clock;
}

// The protocol's codes and their labels: the msgids are the CLI's
// (src/core/vocab.c, src/cli/cli.c), so the catalogues have them.
const VOCAB = {
	precedence: { flash: 'FLASH', immediate: 'IMMEDIATE', priority: 'PRIORITY', routine: 'ROUTINE' },
	kind: {
		notify: 'notification', request: 'request', update: 'update', answer: 'answer',
		close: 'closing', retract: 'retraction', correct: 'correction', ack: 'acknowledgment',
		check: 'communication check', 'check-reply': 'check reply',
	},
	severity: { low: 'low', medium: 'medium', high: 'high', critical: 'critical' },
	tlp: {
		'TLP:CLEAR': 'TLP:CLEAR (no limit on disclosure)',
		'TLP:GREEN': 'TLP:GREEN (the community, not public)',
		'TLP:AMBER': 'TLP:AMBER (their organisation and its clients, need to know)',
		'TLP:AMBER+STRICT': 'TLP:AMBER+STRICT (their organisation only, need to know)',
		'TLP:RED': 'TLP:RED (the named recipients only)',
	},
	action: {
		investigate: 'investigate', mitigate: 'mitigate', 'take-down': 'take down infrastructure',
		block: 'block', 'preserve-evidence': 'preserve evidence', 'share-indicators': 'share indicators',
		'identify-actor': 'identify the actor',
	},
	answer: { accepted: 'accepted', declined: 'declined', done: 'done' },
	state: {
		open: 'open', closed: 'closed', retracted: 'retracted', pending: 'pending', accepted: 'accepted',
		declined: 'declined', done: 'done', withdrawn: 'withdrawn',
	},
	role: { duty: 'duty officer', supervisor: 'supervisor', auditor: 'auditor', admin: 'admin' },
	category: {
		'abusive-content/spam': 'Abusive content: spam',
		'abusive-content/harmful-speech': 'Abusive content: harmful speech',
		'abusive-content/violence': 'Abusive content: child abuse, sexual content or violence',
		'malicious-code/infected-system': 'Malicious code: infected system',
		'malicious-code/c2-server': 'Malicious code: command-and-control server',
		'malicious-code/malware-distribution': 'Malicious code: malware distribution',
		'malicious-code/malware-configuration': 'Malicious code: malware configuration',
		'information-gathering/scanner': 'Information gathering: scanning',
		'information-gathering/sniffing': 'Information gathering: sniffing',
		'information-gathering/social-engineering': 'Information gathering: social engineering',
		'intrusion-attempts/ids-alert': 'Intrusion attempt: exploitation of a known vulnerability',
		'intrusion-attempts/brute-force': 'Intrusion attempt: login attempts',
		'intrusion-attempts/exploit': 'Intrusion attempt: new attack signature',
		'intrusions/privileged-account-compromise': 'Intrusion: privileged account compromise',
		'intrusions/unprivileged-account-compromise': 'Intrusion: unprivileged account compromise',
		'intrusions/application-compromise': 'Intrusion: application compromise',
		'intrusions/system-compromise': 'Intrusion: system compromise',
		'intrusions/burglary': 'Intrusion: burglary',
		'availability/dos': 'Availability: denial of service',
		'availability/ddos': 'Availability: distributed denial of service',
		'availability/misconfiguration': 'Availability: misconfiguration',
		'availability/sabotage': 'Availability: sabotage',
		'availability/outage': 'Availability: outage',
		'information-content-security/unauthorised-information-access':
			'Information security: unauthorised access to information',
		'information-content-security/unauthorised-information-modification':
			'Information security: unauthorised modification of information',
		'information-content-security/data-loss': 'Information security: data loss',
		'information-content-security/data-leak': 'Information security: leak of confidential information',
		'fraud/unauthorised-use-of-resources': 'Fraud: unauthorised use of resources',
		'fraud/copyright': 'Fraud: copyright',
		'fraud/masquerade': 'Fraud: masquerade',
		'fraud/phishing': 'Fraud: phishing',
		'vulnerable/weak-crypto': 'Vulnerable: weak cryptography',
		'vulnerable/ddos-amplifier': 'Vulnerable: DDoS amplifier',
		'vulnerable/potentially-unwanted-accessible': 'Vulnerable: potentially unwanted accessible service',
		'vulnerable/information-disclosure': 'Vulnerable: information disclosure',
		'vulnerable/vulnerable-system': 'Vulnerable: vulnerable system',
		'other/other': 'Other',
		'other/undetermined': 'Undetermined',
		'test/test': 'Test',
	},
};

// vocab(group): the codes of a vocabulary, in the protocol's order.
export function vocab(group) {
	return Object.keys(VOCAB[group] || {});
}

// label(group, code): a code's label in the operator's language; the
// code itself when it is none of the vocabulary's (a peer's bytes).
export function label(group, code) {
	const g = VOCAB[group];
	if (g && Object.prototype.hasOwnProperty.call(g, code))
		return t(g[code]);
	return String(code ?? '');
}
