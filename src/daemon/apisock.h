/* apisock.h - who may reach the operator API's unix socket.
 *
 * By default the socket is mode 0600: the party's own Unix user and
 * root.  With api.group set in hotline.conf, it is mode 0660 and owned
 * by that group, so that its members (each still mapped to an operator
 * in the store) can use 'hotline'.  The group must let them reach the
 * socket: the home must be in that group with group search (0710), or
 * searchable by others.
 */
#ifndef HL_APISOCK_H
#define HL_APISOCK_H

#include <stddef.h>

#include "party.h"

/* Gives the socket at path to me's api.group, if any; on failure err
 * says why (no such group, hotlined not in it, a home the group cannot
 * enter) and the socket is left 0600. */
int hl_apisock_share(const struct hl_party *me, const char *path, char *err, size_t errlen);

#endif
