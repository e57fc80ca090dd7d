/* config.h - hotline.conf, the party's settings.
 *
 *   # comment
 *   name = ru-cert
 *   endpoint = https://hotline.ru-cert.example:7443   (or none)
 *   listen = 127.0.0.1:7443
 *
 * One "key = value" a line; unknown keys and repeated keys are errors,
 * reported with their line number.
 */
#ifndef HL_CONFIG_H
#define HL_CONFIG_H

#include <stddef.h>

#include "buf.h"
#include "card.h"

#define HL_CONFIG_MAX (64 * 1024)
#define HL_LISTEN_MAX 127
#define HL_DEFAULT_LISTEN "127.0.0.1:7443"

struct hl_config {
	char name[HL_NAME_MAX + 1];
	char endpoint[HL_ENDPOINT_MAX + 1];	/* "" for none */
	char listen[HL_LISTEN_MAX + 1];
	/* Set on failure: where and what. */
	unsigned err_line;
	char err[160];
};

void hl_config_defaults(struct hl_config *c);
int hl_config_parse(const char *text, size_t n, struct hl_config *c);
int hl_config_format(const struct hl_config *c, struct hl_buf *out);
/* host:port with a port in 1..65535. */
int hl_listen_check(const char *s);

#endif
