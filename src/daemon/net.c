/* net.c - listen settings to socket addresses (see net.h). */
#include <netdb.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "net.h"

int hl_net_resolve(const char *listen, struct sockaddr_storage *ss)
{
	char host[HL_LISTEN_MAX + 1];
	const char *colon = strrchr(listen, ':');
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE,
				 .ai_socktype = SOCK_STREAM};
	struct addrinfo *ai = NULL;
	size_t n;

	if (!colon || (size_t)(colon - listen) >= sizeof(host))
		return -HL_ECONFIG;
	n = (size_t)(colon - listen);
	memcpy(host, listen, n);
	host[n] = 0;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = 0;
	}
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0 || !ai)
		return -HL_ECONFIG;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}
