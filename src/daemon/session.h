/* session.h - operators' sessions on the HTTPS door.
 *
 * A login opens a session: a random 256-bit id, which only the
 * browser's cookie holds, and a CSRF token of the same size, which the
 * login's answer gives once; this module keeps both only as BLAKE2b
 * hashes, compared in constant time, beside the operator's name, the
 * time of the login and the time of the last request.  A session ends
 * idle seconds after its last request, lifetime seconds after its
 * login, or at its logout.  Sessions live in memory: a restart of
 * hotlined logs everyone out.  Thread-safe.
 */
#ifndef HL_SESSION_H
#define HL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card.h"

#define HL_SESSION_HEX 64		/* an id or token as text, without its NUL */
#define HL_SESSIONS_MAX 1024
#define HL_SESSION_COOKIE "__Host-hotline-session"
#define HL_SESSION_CSRF_HEADER "X-CSRF-Token"

struct hl_sessions;

int hl_sessions_new(int64_t idle, int64_t lifetime, struct hl_sessions **out);
void hl_sessions_free(struct hl_sessions *s);

/* Opens a session for operator name at now; fills id and csrf (hex,
 * NUL-ended), which nothing here keeps.  -EAGAIN when HL_SESSIONS_MAX
 * sessions are live. */
int hl_session_open(struct hl_sessions *s, const char *name, int64_t now,
		    char id[HL_SESSION_HEX + 1], char csrf[HL_SESSION_HEX + 1]);

enum hl_session_state {
	HL_SESSION_OK,
	HL_SESSION_NONE,	/* no session has that id */
	HL_SESSION_EXPIRED,	/* it had, and it ended: idle or too old */
};

/* The session of id (len bytes of text): OK with its operator's name
 * in name and its last request set to now, and *csrf_ok telling
 * whether csrf (clen bytes; NULL for none) is its token; an expired
 * session is closed as it is found. */
enum hl_session_state hl_session_find(struct hl_sessions *s, const char *id, size_t len,
				      int64_t now, const char *csrf, size_t clen,
				      char name[HL_NAME_MAX + 1], bool *csrf_ok);

/* Ends the session of id, if there is one. */
void hl_session_close(struct hl_sessions *s, const char *id, size_t len);

#endif
