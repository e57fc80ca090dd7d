/* error.c - messages for Hotline's error codes. */
#include <string.h>

#include "error.h"

static const char *const messages[HL_EMAX - HL_EBASE] = {
	[HL_ETRUNCATED - HL_EBASE] = "input is truncated",
	[HL_ETOOBIG - HL_EBASE] = "input is larger than the format allows",
	[HL_EUTF8 - HL_EBASE] = "input is not valid UTF-8",
	[HL_ECONTROL - HL_EBASE] = "input contains a control character",
	[HL_ESYNTAX - HL_EBASE] = "a line is not of the expected form",
	[HL_ETYPE - HL_EBASE] = "wrong object type on the first line",
	[HL_EFIELD - HL_EBASE] = "a field is unknown, missing or out of order",
	[HL_EDUPLICATE - HL_EBASE] = "a signature appears twice, or one too many",
	[HL_ETRAILING - HL_EBASE] = "unexpected bytes after the end",
	[HL_EBASE64 - HL_EBASE] = "a base64 value is malformed or of the wrong size",
	[HL_ENUMBER - HL_EBASE] = "a number is malformed or out of range",
	[HL_ENAME - HL_EBASE] = "not a valid party name (a-z, 0-9, '.', '-'; at most 63)",
	[HL_ETIME - HL_EBASE] = "not a valid UTC time (YYYY-MM-DDTHH:MM:SSZ)",
	[HL_ENOSIG - HL_EBASE] = "no signature by the expected key",
	[HL_EBADSIG - HL_EBASE] = "signature verification failed",
	[HL_EBODYHASH - HL_EBASE] = "the body does not match its signed hash",
	[HL_ENOKEY - HL_EBASE] = "no content key is wrapped for this party",
	[HL_EUNWRAP - HL_EBASE] = "the content key cannot be unwrapped with this party's key",
	[HL_EKEYCOMMIT - HL_EBASE] = "the content key does not match its signed commitment",
	[HL_EDECRYPT - HL_EBASE] = "the body does not decrypt",
	[HL_EKEYFILE - HL_EBASE] = "a key file is malformed",
	[HL_EPERM - HL_EBASE] = "a secret file is accessible to other users (want mode 0600)",
	[HL_EEXIST - HL_EBASE] = "a party already exists in that home",
	[HL_ENOPARTY - HL_EBASE] = "no party in that home (run 'hotline init' first)",
	[HL_ECONFIG - HL_EBASE] = "the configuration is not valid",
	[HL_ETLS - HL_EBASE] = "the TLS library failed",
	[HL_ECRYPTO - HL_EBASE] = "the crypto library failed",
	[HL_ELINK - HL_EBASE] = "it belongs to another link or party",
	[HL_EPROOF - HL_EBASE] = "the Merkle inclusion proof does not verify",
	[HL_ECONSISTENCY - HL_EBASE] = "the log is not consistent with the one seen before (fork or shrink)",
	[HL_EEQUIVOCATION - HL_EBASE] = "equivocation: a different entry for a place already taken",
	[HL_EGAP - HL_EBASE] = "the log skips entries: resync needed",
	[HL_ESTORE - HL_EBASE] = "the database failed",
	[HL_ENOLINK - HL_EBASE] = "no such link ('hotline link list' shows them)",
	[HL_ENOTFOUND - HL_EBASE] = "no such entry",
	[HL_ECONTENT - HL_EBASE] = "the message content is not valid hotline JSON",
	[HL_ELANG - HL_EBASE] = "not a BCP 47 language tag (such as ar, en, zh-Hans, es-419)",
	[HL_ESTIX - HL_EBASE] = "not a valid STIX 2.1 bundle",
	[HL_EKEY - HL_EBASE] = "the key change is refused",
	[HL_EREVOKED - HL_EBASE] = "signed with a key revoked before that time",
	[HL_ETRUST - HL_EBASE] = "the key is not reached from a card you trust",
	[HL_ETERMS - HL_EBASE] = "the terms make no sense",
	[HL_EPEER - HL_EBASE] = "the peer cannot be reached or does not answer as it should",
	[HL_EARCHIVING - HL_EBASE] = "the link is being archived: nothing new can be sent",
	[HL_EARCHIVED - HL_EBASE] = "the link is archived: nothing can be sent",
	[HL_EUNCONFIRMED - HL_EBASE] = "the link is not confirmed ('hotline link confirm' after reading the fingerprint aloud)",
};

const char *hl_strerror(int err)
{
	int e = err < 0 ? -err : err;

	if (e > HL_EBASE && e < HL_EMAX && messages[e - HL_EBASE])
		return messages[e - HL_EBASE];
	if (e == 0)
		return "success";
	return strerror(e);
}
