/* note.h - C2SP signed notes: the one codec for every signed object.
 *
 * A note is UTF-8 text ending in a newline, a blank line, and signature
 * lines "— <key name> <base64(key ID || signature)>".  Cards, envelope
 * headers and checkpoints are all notes; their first line names their
 * type, which separates the signature domains.
 *
 * Parsing does not allocate: struct hl_note points into the caller's
 * bytes, which must outlive it.  Signing appends to a buffer.
 */
#ifndef HL_NOTE_H
#define HL_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define HL_NOTE_MAX (64 * 1024)	/* a whole note, text and signatures */
#define HL_NOTE_SIGS_MAX 16	/* C2SP: verifiers accept at least 16 */
#define HL_NOTE_SIG_B64_MAX 8192	/* one signature's base64 */
#define HL_KEYNAME_MAX 255

#define HL_SIGTYPE_ED25519 0x01
#define HL_ED25519_PK_LEN 32
#define HL_ED25519_SK_LEN 64
#define HL_ED25519_SIG_LEN 64

struct hl_note_sig {
	const char *name;	/* key name, not NUL-terminated */
	size_t name_len;
	uint32_t keyid;
	const char *b64;	/* base64 of key ID || signature */
	size_t b64_len;
};

struct hl_note {
	const unsigned char *text;	/* includes its final newline */
	size_t text_len;
	size_t nsigs;
	struct hl_note_sig sigs[HL_NOTE_SIGS_MAX];
};

/* Parses all of buf as a note; fails on any malformed or extra byte. */
int hl_note_parse(const unsigned char *buf, size_t n, struct hl_note *note);

/* 0 if text can be signed: non-empty, newline-terminated, valid. */
int hl_note_text_check(const unsigned char *text, size_t n);

/* C2SP key ID: SHA-256(name || 0x0A || type || pk)[:4], big-endian. */
uint32_t hl_note_keyid(const char *name, uint8_t type,
		       const unsigned char *pk, size_t pklen);

/* Appends the Ed25519 signature line for text, signed by sk under name.
 * The caller writes text and the blank line first. */
int hl_note_sign(struct hl_buf *out, const unsigned char *text, size_t n,
		 const char *name, const unsigned char sk[HL_ED25519_SK_LEN]);

/* Builds text || "\n" || signature line in out. */
int hl_note_sign_text(struct hl_buf *out, const unsigned char *text,
		      size_t n, const char *name,
		      const unsigned char sk[HL_ED25519_SK_LEN]);

/* A C2SP key name: 1..255 bytes, no Unicode space, no '+'. */
bool hl_note_keyname_valid(const char *s, size_t n);

/* Parses one signature line (without its newline). */
int hl_note_sig_parse(const char *line, size_t len, struct hl_note_sig *sig);

/* The signature made by (name, keyid), or NULL. */
const struct hl_note_sig *hl_note_find(const struct hl_note *note,
				       const char *name, uint32_t keyid);

/* Decodes a signature's base64 into exactly len bytes (key ID first). */
int hl_note_sig_decode(const struct hl_note_sig *sig, unsigned char *raw,
		       size_t len);

/* 0 if a signature by (name, pk) is present and every one of them
 * verifies; -HL_ENOSIG if there is none, -HL_EBADSIG if one fails. */
int hl_note_verify(const struct hl_note *note, const char *name,
		   const unsigned char pk[HL_ED25519_PK_LEN]);

#endif
