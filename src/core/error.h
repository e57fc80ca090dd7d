/* error.h - Hotline's error codes and their messages.
 *
 * Every function that can fail returns int: 0 on success, -errno for
 * system errors, or -HL_E* for the protocol and format errors below.
 * hl_strerror() turns either kind into a sentence for the top layer,
 * which is the only place that prints it.
 */
#ifndef HL_ERROR_H
#define HL_ERROR_H

enum {
	HL_EBASE = 1000,	/* above every errno value */
	HL_ETRUNCATED,		/* input ends before it should */
	HL_ETOOBIG,		/* input is larger than the format allows */
	HL_EUTF8,		/* input is not valid UTF-8 */
	HL_ECONTROL,		/* a control character other than newline */
	HL_ESYNTAX,		/* a line is not of the expected form */
	HL_ETYPE,		/* the first line names another object type */
	HL_EFIELD,		/* an unknown, missing or out-of-order field */
	HL_EDUPLICATE,		/* a signature appears twice, or one too many */
	HL_ETRAILING,		/* bytes are left after the object */
	HL_EBASE64,		/* a base64 value is malformed or of wrong size */
	HL_ENUMBER,		/* a number is malformed or out of range */
	HL_ENAME,		/* a party name is not valid */
	HL_ETIME,		/* a timestamp is not valid */
	HL_ENOSIG,		/* no signature by the expected key */
	HL_EBADSIG,		/* a signature by the expected key is wrong */
	HL_EBODYHASH,		/* the body does not match the signed hash */
	HL_ENOKEY,		/* no content key is wrapped for this party */
	HL_EUNWRAP,		/* the content key cannot be unwrapped */
	HL_EKEYCOMMIT,		/* the content key does not match its commitment */
	HL_EDECRYPT,		/* the body does not decrypt */
	HL_EKEYFILE,		/* a key file is malformed */
	HL_EPERM,		/* a secret file is readable by others */
	HL_EEXIST,		/* a party already lives in that home */
	HL_ENOPARTY,		/* no party lives in that home */
	HL_ECONFIG,		/* the configuration is not valid */
	HL_ETLS,		/* the TLS library failed */
	HL_ECRYPTO,		/* the crypto library failed */
	HL_ELINK,		/* an object belongs to another link */
	HL_EPROOF,		/* a Merkle proof does not verify */
	HL_ECONSISTENCY,	/* a log is not consistent with what was seen */
	HL_EEQUIVOCATION,	/* a second, different object for a taken place */
	HL_EGAP,		/* a log skips entries: a resync is needed */
	HL_ESTORE,		/* the database failed (see hl_store_errmsg) */
	HL_ENOLINK,		/* no link of that name or ID */
	HL_ENOTFOUND,		/* no such entry */
	HL_EUNCONFIRMED,	/* the link's fingerprint was not confirmed */
	HL_ECONTENT,		/* a message's content is not of the format */
	HL_ELANG,		/* not a BCP 47 language tag */
	HL_ESTIX,		/* not a valid STIX 2.1 bundle */
	HL_EKEY,		/* a key change breaks a rule of the witness */
	HL_EREVOKED,		/* signed by a key revoked before that time */
	HL_ETRUST,		/* no card the verifier trusts leads to the key */
	HL_ETERMS,		/* a link's terms make no sense */
	HL_EPEER,		/* the peer is not reached or answers wrongly */
	HL_EARCHIVING,		/* the link is being archived */
	HL_EARCHIVED,		/* the link is archived */
	HL_EMAX
};

/* Returns a static sentence for err (negative, as functions return it). */
const char *hl_strerror(int err);

#endif
