/* vocab.c - the codes of structured fields and their English labels. */
#include <string.h>

#include "vocab.h"

/* Marks a label for xgettext (--keyword=N_) without translating it here:
 * the CLI translates at display time. */
#define N_(s) s

#define TERMS(a) a, sizeof(a) / sizeof((a)[0])

/* RSIT: class/type. */
static const struct hl_term category[] = {
	{"abusive-content/spam", N_("Abusive content: spam")},
	{"abusive-content/harmful-speech", N_("Abusive content: harmful speech")},
	{"abusive-content/violence", N_("Abusive content: child abuse, sexual content or violence")},
	{"malicious-code/infected-system", N_("Malicious code: infected system")},
	{"malicious-code/c2-server", N_("Malicious code: command-and-control server")},
	{"malicious-code/malware-distribution", N_("Malicious code: malware distribution")},
	{"malicious-code/malware-configuration", N_("Malicious code: malware configuration")},
	{"information-gathering/scanner", N_("Information gathering: scanning")},
	{"information-gathering/sniffing", N_("Information gathering: sniffing")},
	{"information-gathering/social-engineering", N_("Information gathering: social engineering")},
	{"intrusion-attempts/ids-alert", N_("Intrusion attempt: exploitation of a known vulnerability")},
	{"intrusion-attempts/brute-force", N_("Intrusion attempt: login attempts")},
	{"intrusion-attempts/exploit", N_("Intrusion attempt: new attack signature")},
	{"intrusions/privileged-account-compromise", N_("Intrusion: privileged account compromise")},
	{"intrusions/unprivileged-account-compromise", N_("Intrusion: unprivileged account compromise")},
	{"intrusions/application-compromise", N_("Intrusion: application compromise")},
	{"intrusions/system-compromise", N_("Intrusion: system compromise")},
	{"intrusions/burglary", N_("Intrusion: burglary")},
	{"availability/dos", N_("Availability: denial of service")},
	{"availability/ddos", N_("Availability: distributed denial of service")},
	{"availability/misconfiguration", N_("Availability: misconfiguration")},
	{"availability/sabotage", N_("Availability: sabotage")},
	{"availability/outage", N_("Availability: outage")},
	{"information-content-security/unauthorised-information-access",
	 N_("Information security: unauthorised access to information")},
	{"information-content-security/unauthorised-information-modification",
	 N_("Information security: unauthorised modification of information")},
	{"information-content-security/data-loss", N_("Information security: data loss")},
	{"information-content-security/data-leak", N_("Information security: leak of confidential information")},
	{"fraud/unauthorised-use-of-resources", N_("Fraud: unauthorised use of resources")},
	{"fraud/copyright", N_("Fraud: copyright")},
	{"fraud/masquerade", N_("Fraud: masquerade")},
	{"fraud/phishing", N_("Fraud: phishing")},
	{"vulnerable/weak-crypto", N_("Vulnerable: weak cryptography")},
	{"vulnerable/ddos-amplifier", N_("Vulnerable: DDoS amplifier")},
	{"vulnerable/potentially-unwanted-accessible", N_("Vulnerable: potentially unwanted accessible service")},
	{"vulnerable/information-disclosure", N_("Vulnerable: information disclosure")},
	{"vulnerable/vulnerable-system", N_("Vulnerable: vulnerable system")},
	{"other/other", N_("Other")},
	{"other/undetermined", N_("Undetermined")},
	{"test/test", N_("Test")},
};

/* TLP 2.0, as FIRST writes the labels. */
static const struct hl_term tlp[] = {
	{"TLP:CLEAR", N_("TLP:CLEAR (no limit on disclosure)")},
	{"TLP:GREEN", N_("TLP:GREEN (the community, not public)")},
	{"TLP:AMBER", N_("TLP:AMBER (their organisation and its clients, need to know)")},
	{"TLP:AMBER+STRICT", N_("TLP:AMBER+STRICT (their organisation only, need to know)")},
	{"TLP:RED", N_("TLP:RED (the named recipients only)")},
};

static const struct hl_term severity[] = {
	{"low", N_("low")},
	{"medium", N_("medium")},
	{"high", N_("high")},
	{"critical", N_("critical")},
};

static const struct hl_term action[] = {
	{"investigate", N_("investigate")},
	{"mitigate", N_("mitigate")},
	{"take-down", N_("take down infrastructure")},
	{"block", N_("block")},
	{"preserve-evidence", N_("preserve evidence")},
	{"share-indicators", N_("share indicators")},
	{"identify-actor", N_("identify the actor")},
};

static const struct hl_term answer[] = {
	{"accepted", N_("accepted")},
	{"declined", N_("declined")},
	{"done", N_("done")},
};

static const struct hl_term state[] = {
	{"open", N_("open")},
	{"closed", N_("closed")},
	{"retracted", N_("retracted")},
	{"pending", N_("pending")},
	{"accepted", N_("accepted")},
	{"declined", N_("declined")},
	{"done", N_("done")},
	{"withdrawn", N_("withdrawn")},
};

static const struct hl_term kind[] = {
	{"notify", N_("notification")},
	{"request", N_("request")},
	{"update", N_("update")},
	{"answer", N_("answer")},
	{"close", N_("closing")},
	{"retract", N_("retraction")},
	{"correct", N_("correction")},
	{"ack", N_("acknowledgment")},
	{"check", N_("communication check")},
	{"check-reply", N_("check reply")},
	{"terms", N_("proposed terms")},
	{"terms-accept", N_("acceptance of terms")},
	{"terms-decline", N_("terms declined")},
	{"suspend", N_("suspension")},
	{"resume", N_("resumption")},
	{"card", N_("key change")},
	{"rekey", N_("new key after a loss")},
	{"archive", N_("archiving")},
};

/* What a party's key is for: what a key change may revoke. */
static const struct hl_term keyuse[] = {
	{"sign", N_("signing key")},
	{"box", N_("encryption key")},
	{"tls", N_("TLS key")},
};

static const struct hl_term precedence[] = {
	{"flash", N_("FLASH")},
	{"immediate", N_("IMMEDIATE")},
	{"priority", N_("PRIORITY")},
	{"routine", N_("ROUTINE")},
};

static const struct {
	const char *name;
	const struct hl_term *terms;
	size_t n;
} vocab[HL_VOCAB_COUNT] = {
	[HL_VOCAB_CATEGORY] = {"category", TERMS(category)},
	[HL_VOCAB_TLP] = {"TLP", TERMS(tlp)},
	[HL_VOCAB_SEVERITY] = {"severity", TERMS(severity)},
	[HL_VOCAB_ACTION] = {"action", TERMS(action)},
	[HL_VOCAB_ANSWER] = {"answer", TERMS(answer)},
	[HL_VOCAB_STATE] = {"state", TERMS(state)},
	[HL_VOCAB_KIND] = {"type", TERMS(kind)},
	[HL_VOCAB_PRECEDENCE] = {"precedence", TERMS(precedence)},
	[HL_VOCAB_KEYUSE] = {"key use", TERMS(keyuse)},
};

const struct hl_term *hl_vocab_terms(enum hl_vocab v, size_t *n)
{
	*n = vocab[v].n;
	return vocab[v].terms;
}

int hl_vocab_index(enum hl_vocab v, const char *code, size_t n)
{
	for (size_t i = 0; i < vocab[v].n; i++)
		if (strlen(vocab[v].terms[i].code) == n && memcmp(vocab[v].terms[i].code, code, n) == 0)
			return (int)i;
	return -1;
}

const struct hl_term *hl_vocab_find(enum hl_vocab v, const char *code)
{
	int i = hl_vocab_index(v, code, strlen(code));

	return i < 0 ? NULL : &vocab[v].terms[i];
}

const char *hl_vocab_name(enum hl_vocab v)
{
	return vocab[v].name;
}
