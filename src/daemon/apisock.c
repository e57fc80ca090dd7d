/* apisock.c - the operator API socket's group (apisock.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apisock.h"

/* The gid of group name; -ENOENT for none. */
static int group_id(const char *name, gid_t *gid)
{
	char buf[8192];
	struct group g, *res = NULL;
	int r = getgrnam_r(name, &g, buf, sizeof(buf), &res);

	if (r != 0)
		return -r;
	if (!res)
		return -ENOENT;
	*gid = res->gr_gid;
	return 0;
}

/* True when members of gid can search dir. */
static bool group_enters(const char *dir, gid_t gid)
{
	struct stat sb;

	if (stat(dir, &sb) < 0)
		return false;
	return (sb.st_mode & S_IXOTH) || (sb.st_gid == gid && (sb.st_mode & S_IXGRP));
}

int hl_apisock_share(const struct hl_party *me, const char *path, char *err, size_t errlen)
{
	const char *group = me->conf.api_group;
	gid_t gid = 0;
	int r;

	if (!group[0])
		return 0;
	r = group_id(group, &gid);
	if (r < 0) {
		snprintf(err, errlen, "api.group %s: no such Unix group", group);
		return r;
	}
	if (!group_enters(me->home, gid)) {
		snprintf(err, errlen, "api.group %s: its members cannot enter %s (chgrp %s %s; "
			 "chmod 0710 %s)", group, me->home, group, me->home, me->home);
		return -EACCES;
	}
	if (chown(path, (uid_t)-1, gid) < 0 || chmod(path, 0660) < 0) {
		r = -errno;
		snprintf(err, errlen, "api.group %s: %s: %s (is hotlined's user in the group?)",
			 group, path, strerror(-r));
		chmod(path, 0600);
		return r;
	}
	return 0;
}
