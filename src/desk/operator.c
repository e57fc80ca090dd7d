/* operator.c - who an operator is.
 *
 * For now every Unix user who can reach the socket (mode 0600: the
 * party's own user and root) acts as an operator of its name holding
 * every role; named operators in the store replace this. */
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "desk.h"
#include "error.h"

int hl_desk_operator_by_uid(struct hl_desk_shared *s, uid_t uid, struct hl_operator *op)
{
	char buf[1024];
	struct passwd pw, *res = NULL;

	(void)s;
	memset(op, 0, sizeof(*op));
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		snprintf(op->name, sizeof(op->name), "uid-%u", (unsigned)uid);
	else
		snprintf(op->name, sizeof(op->name), "%s", res->pw_name);
	op->roles = HL_ROLES_ALL;
	op->max_precedence = HL_FLASH;
	return 0;
}

int hl_desk_operator_by_name(struct hl_desk_shared *s, const char *name, struct hl_operator *op)
{
	(void)s;
	(void)name;
	(void)op;
	return -HL_ENOTFOUND;
}

int hl_desk_login(struct hl_desk_shared *s, const char *name, const char *password,
		  const char *totp, int64_t now, const char *door, struct hl_operator *op,
		  struct hl_desk_err *e)
{
	(void)s;
	(void)name;
	(void)password;
	(void)totp;
	(void)now;
	(void)door;
	(void)op;
	hl_desk_fail(e, 401, "no operator has a password yet");
	return -1;
}

json_t *hl_desk_whoami(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	json_t *roles = json_array();

	(void)d;
	(void)e;
	for (unsigned b = 1; b <= HL_ROLE_ADMIN; b <<= 1)
		if (q->op->roles & b)
			json_array_append_new(roles, json_string(hl_role_name((enum hl_role)b)));
	return json_pack("{s:s, s:o, s:s}", "name", q->op->name, "roles", roles,
			 "max_precedence", hl_precedence_name(q->op->max_precedence));
}
