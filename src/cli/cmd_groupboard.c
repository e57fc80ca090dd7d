/* cmd_groupboard.c - hotline group board and hotline group messages:
 * where each member of a group message stands, and a group's messages
 * (docs/api.md, "The board of a group message").  group_main
 * (cmd_group.c) parses the words and options. */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "i18n.h"
#include "text.h"

static unsigned num(const json_t *o, const char *key)
{
	return (unsigned)json_integer_value(json_object_get(o, key));
}

/* "187 of 193 acknowledged, 191 receipted, 4 overdue, 2 unreachable":
 * the parts after the receipts only when not 0. */
static void totals_line(const json_t *t, char *out, size_t cap)
{
	static const char *const keys[] = {
		"overdue", "escalated", "unreachable", "held", "late", "waiting", "dropped",
	};
	const char *const words[] = {
		_("overdue"), _("escalated"), _("unreachable"), _("held"), _("late"),
		_("waiting"), _("dropped"),
	};
	size_t n = (size_t)snprintf(out, cap, _("%u of %u acknowledged, %u receipted"),
				    num(t, "acknowledged"), num(t, "members"),
				    num(t, "receipted"));

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]) && n < cap; i++)
		if (num(t, keys[i]))
			n += (size_t)snprintf(out + n, cap - n, ", %u %s", num(t, keys[i]),
					      words[i]);
}

/* What stands beside a member's state: the deadline passed, the
 * escalation, the courier's last error, a late answer, a removal. */
static void member_note(const json_t *m, char *out, size_t cap)
{
	const json_t *esc = json_object_get(m, "escalation");
	const json_t *cl = json_object_get(m, "courier");
	char t[HL_TIME_LEN + 1];
	size_t n = 0;

	out[0] = 0;
	if (json_is_string(json_object_get(m, "overdue")))
		n += (size_t)snprintf(out + n, cap - n, _("%s overdue; "), cli_str(m, "overdue"));
	if (json_is_object(esc) && n < cap)
		n += (size_t)snprintf(out + n, cap - n, _("step %u %s (%s); "), num(esc, "step"),
				      cli_str(esc, "step_name"), cli_str(esc, "status"));
	if (!strcmp(cli_str(m, "state"), "unreachable") && json_is_object(cl) && n < cap)
		n += (size_t)snprintf(out + n, cap - n, "%s; ", cli_str(cl, "last_error"));
	if (json_is_true(json_object_get(m, "late")) && n < cap)
		n += (size_t)snprintf(out + n, cap - n, _("%s after its removal; "),
				      cli_str(m, "late_what"));
	cli_when(m, "removed", t);
	if (json_is_integer(json_object_get(m, "removed")) && n < cap)
		n += (size_t)snprintf(out + n, cap - n, _("removed %s; "), t);
	if (n >= 2 && n < cap)
		out[n - 2] = 0;
}

static void print_member(const json_t *m)
{
	char r[HL_TIME_LEN + 1], a[HL_TIME_LEN + 1], by[2 * HL_NAME_MAX + 8] = "-", note[512];
	const json_t *ack = json_object_get(m, "ack");
	char seq[32];

	cli_when(m, "receipted", r);
	cli_when(m, "acknowledged", a);
	if (json_is_object(ack))
		snprintf(by, sizeof(by), "%s (%s)", *cli_str(ack, "operator") ?
			 cli_str(ack, "operator") : "?", cli_str(ack, "role"));
	if (json_is_integer(json_object_get(m, "seq")))
		snprintf(seq, sizeof(seq), "%u", num(m, "seq"));
	else
		snprintf(seq, sizeof(seq), "%s", cli_str(m, "held"));
	member_note(m, note, sizeof(note));
	printf("%-20s %-6s %-13s %-20s %-20s ", cli_str(m, "link"), seq, cli_str(m, "state"), r, a);
	if (note[0])
		printf("%-20s %s\n", by, note);
	else
		printf("%s\n", by);
}

static void print_board(json_t *b)
{
	char t[HL_TIME_LEN + 1], line[512];
	json_t *m;
	size_t i;

	cli_when(b, "time", t);
	printf(_("Group message %s to %s\n"), cli_str(b, "id"), cli_str(b, "group"));
	printf(_("Sent:    %s by %s, %s at %s"), t, cli_str(b, "operator"), cli_str(b, "kind"),
	       cli_str(b, "precedence"));
	if (json_is_string(json_object_get(b, "case")))
		printf(_(", case %s"), cli_str(b, "case"));
	printf("\n\n%-20s %-6s %-13s %-20s %-20s %-20s %s\n", _("LINK"), _("SEQ"), _("STATE"),
	       _("RECEIPTED"), _("ACKNOWLEDGED"), _("BY"), _("NOTE"));
	json_array_foreach(json_object_get(b, "members"), i, m)
		print_member(m);
	totals_line(json_object_get(b, "totals"), line, sizeof(line));
	printf("\n%s\n", line);
}

static void print_messages(json_t *r)
{
	char t[HL_TIME_LEN + 1], line[512];
	json_t *m;
	size_t i;

	printf("%-32s %-20s %-7s %-10s %-12s %-16s %s\n", _("ID"), _("TIME"), _("KIND"),
	       _("PRECEDENCE"), _("CASE"), _("BY"), _("TOTALS"));
	json_array_foreach(json_object_get(r, "messages"), i, m) {
		cli_when(m, "time", t);
		totals_line(json_object_get(m, "totals"), line, sizeof(line));
		printf("%-32s %-20s %-7s %-10s %-12s %-16s %s\n", cli_str(m, "id"), t,
		       cli_str(m, "kind"), cli_str(m, "precedence"),
		       json_is_string(json_object_get(m, "case")) ?
		       cli_str(m, "case") : "-", cli_str(m, "operator"), line);
	}
}

int group_board(const char *gid, const char *group, bool json)
{
	json_t *args = gid ? json_pack("{s:s}", "id", gid) : json_pack("{s:s}", "group", group);

	return cli_reply(cli_route("GET", "/v1/group/board", args), json, print_board);
}

int group_messages(const char *group, bool json)
{
	json_t *args = json_pack("{s:s}", "group", group);

	return cli_reply(cli_route("GET", "/v1/group/messages", args), json, print_messages);
}
