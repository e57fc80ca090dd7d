/* console.h - the console's files on the HTTPS door.
 *
 * Every path of the HTTPS listener outside /v1/ is the console's: GET
 * and HEAD of the files in console.root (the pages) and of a fixed
 * table under /lib/ from console.lib (Debian's libjs-* packages), as
 * webpath.h decides; no session is needed (the login page must load).
 * A file is opened beneath a fresh O_DIRECTORY descriptor of
 * console.root, one segment at a time, never through a symbolic link,
 * and must be a regular file; it is sent from its descriptor
 * (MHD_create_response_from_fd), never copied whole.  Every answer
 * carries the console's Content-Security-Policy and the API's other
 * security headers; refusals are one plain line (404, 405, 503 when
 * console.root is missing).  The unix socket serves no file.
 */
#ifndef HL_CONSOLE_H
#define HL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "config.h"

/* Whether url (a request's path) is the console's: not under /v1/. */
bool hl_console_owns(const char *url);

/* Answers method on url from cf's console.root and console.lib. */
enum MHD_Result hl_console_answer(const struct hl_config *cf, struct MHD_Connection *c,
				  const char *method, const char *url);

/* 0 when console.root is a folder hotlined can open, else -errno with
 * a sentence for the log in why. */
int hl_console_check(const struct hl_config *cf, char *why, size_t len);

#endif
