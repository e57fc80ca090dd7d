/* hook.c - escalation hooks side by side, each with a deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "file.h"
#include "hook.h"

#define NO_PIDFD_POLL_MS 50	/* without pidfds (Linux < 5.3) */

extern char **environ;

struct job {
	bool used, cmd_done, web_done;
	void *tag;
	char *json;
	pid_t pid;
	int pidfd, errfd;	/* -1 when none */
	int cmd;		/* exit status, 128 + signal, or -errno; INT_MIN none */
	CURL *curl;
	struct curl_slist *hdr;
	long http;		/* 0 no answer */
	char curl_err[CURL_ERROR_SIZE];
	int64_t until;		/* CLOCK_MONOTONIC ms */
};

struct hl_hooks {
	const struct hl_config *conf;
	CURLM *multi;
	unsigned max;
	struct job *jobs;
};

#define CMD_NONE (-100000)

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hl_hooks_new(const struct hl_config *conf, unsigned max, struct hl_hooks **out)
{
	struct hl_hooks *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return -ENOMEM;
	h->conf = conf;
	h->max = max;
	h->jobs = calloc(max, sizeof(*h->jobs));
	h->multi = curl_multi_init();
	if (!h->jobs || !h->multi) {
		hl_hooks_free(h, NULL, NULL);
		return -ENOMEM;
	}
	*out = h;
	return 0;
}

static void job_clear(struct hl_hooks *h, struct job *j)
{
	if (j->curl) {
		curl_multi_remove_handle(h->multi, j->curl);
		curl_easy_cleanup(j->curl);
	}
	curl_slist_free_all(j->hdr);
	if (j->pidfd >= 0)
		close(j->pidfd);
	if (j->errfd >= 0)
		close(j->errfd);
	free(j->json);
	memset(j, 0, sizeof(*j));
}

/* Kills the command of j, if it runs, and collects it. */
static void kill_command(struct job *j)
{
	int status;

	if (j->cmd_done)
		return;
	kill(j->pid, SIGKILL);
	waitpid(j->pid, &status, 0);
	j->cmd_done = true;
}

void hl_hooks_free(struct hl_hooks *h, void (*abandon)(void *ctx, void *tag), void *ctx)
{
	if (!h)
		return;
	for (unsigned i = 0; h->jobs && i < h->max; i++) {
		struct job *j = &h->jobs[i];

		if (!j->used)
			continue;
		kill_command(j);
		if (abandon)
			abandon(ctx, j->tag);
		job_clear(h, j);
	}
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h->jobs);
	free(h);
}

size_t hl_hooks_running(const struct hl_hooks *h)
{
	size_t n = 0;

	for (unsigned i = 0; i < h->max; i++)
		n += h->jobs[i].used;
	return n;
}

bool hl_hooks_full(const struct hl_hooks *h)
{
	return hl_hooks_running(h) >= h->max;
}

/* The child: the default signal mask and SIGPIPE (hotlined blocks its
 * signals in every thread; a hook must not inherit that), the JSON on
 * standard input, and only async-signal-safe calls after fork. */
static void child(int in, int err, char *const argv[])
{
	sigset_t none;
	int e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	dup2(in, STDIN_FILENO);
	/* Nothing of hotlined's but the standard streams goes to the hook:
	 * not its peers' connections, nor its store. */
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	execve(argv[0], argv, environ);
	e = errno;
	if (write(err, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static int start_command(struct job *j, const char *cmd, const char *event)
{
	char *argv[] = {(char *)cmd, (char *)event, NULL};
	int in[2], err[2];

	if (pipe2(in, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return -errno;
	}
	j->pid = fork();
	if (j->pid == 0)
		child(in[0], err[1], argv);
	close(in[0]);
	close(err[1]);
	if (j->pid < 0) {
		close(in[1]);
		close(err[0]);
		return -errno;
	}
	j->errfd = err[0];
	hl_write_all(in[1], j->json, strlen(j->json));
	close(in[1]);
#ifdef SYS_pidfd_open
	j->pidfd = (int)syscall(SYS_pidfd_open, j->pid, 0);
#endif
	return 0;
}

static int start_webhook(struct hl_hooks *h, struct job *j, const char *url)
{
	j->hdr = curl_slist_append(NULL, "Content-Type: application/json");
	j->curl = curl_easy_init();
	if (!j->hdr || !j->curl)
		return -ENOMEM;
	curl_easy_setopt(j->curl, CURLOPT_URL, url);
	curl_easy_setopt(j->curl, CURLOPT_HTTPHEADER, j->hdr);
	curl_easy_setopt(j->curl, CURLOPT_POSTFIELDS, j->json);
	curl_easy_setopt(j->curl, CURLOPT_TIMEOUT, (long)HL_HOOK_TIMEOUT_S);
	curl_easy_setopt(j->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(j->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(j->curl, CURLOPT_ERRORBUFFER, j->curl_err);
	curl_easy_setopt(j->curl, CURLOPT_PRIVATE, (void *)j);
	return curl_multi_add_handle(h->multi, j->curl) == CURLM_OK ? 0 : -ENOMEM;
}

int hl_hooks_start(struct hl_hooks *h, const char *event, const char *json, void *tag)
{
	const struct hl_config *conf = h->conf;
	struct job *j = NULL;

	for (unsigned i = 0; i < h->max && !j; i++)
		if (!h->jobs[i].used)
			j = &h->jobs[i];
	if (!j)
		return -EAGAIN;
	*j = (struct job){.used = true, .tag = tag, .pidfd = -1, .errfd = -1, .cmd = CMD_NONE,
			  .until = mono_ms() + HL_HOOK_TIMEOUT_S * 1000};
	j->json = strdup(json);
	if (!j->json) {
		job_clear(h, j);
		return -ENOMEM;
	}
	j->cmd_done = !conf->escalate_command[0];
	if (!j->cmd_done) {
		int r = start_command(j, conf->escalate_command, event);

		j->cmd_done = r < 0;
		if (r < 0)
			j->cmd = r;
	}
	j->web_done = !conf->escalate_webhook[0];
	if (!j->web_done && start_webhook(h, j, conf->escalate_webhook) < 0) {
		snprintf(j->curl_err, sizeof(j->curl_err), "cannot make an HTTP handle");
		j->web_done = true;
	}
	return 0;
}

void hl_hooks_wait(struct hl_hooks *h, int timeout_ms)
{
	struct curl_waitfd fds[64];
	unsigned n = 0;
	int64_t now = mono_ms();

	for (unsigned i = 0; i < h->max; i++) {
		struct job *j = &h->jobs[i];

		if (!j->used || j->cmd_done)
			continue;
		if (j->until - now < timeout_ms)
			timeout_ms = j->until - now < 0 ? 0 : (int)(j->until - now);
		if (j->pidfd < 0 || n == sizeof(fds) / sizeof(fds[0])) {
			if (timeout_ms > NO_PIDFD_POLL_MS)
				timeout_ms = NO_PIDFD_POLL_MS;
			continue;
		}
		fds[n++] = (struct curl_waitfd){.fd = j->pidfd, .events = CURL_WAIT_POLLIN};
	}
	curl_multi_poll(h->multi, fds, n, timeout_ms, NULL);
}

void hl_hooks_wake(struct hl_hooks *h)
{
	curl_multi_wakeup(h->multi);
}

/* Collects the command of j if it ended, or kills it past its time. */
static void reap_command(struct job *j, int64_t now)
{
	int status = 0, e = 0;
	pid_t w;

	if (j->cmd_done)
		return;
	w = waitpid(j->pid, &status, WNOHANG);
	if (w == 0 && now < j->until)
		return;
	if (w == 0) {
		kill_command(j);
		j->cmd = -ETIMEDOUT;
		return;
	}
	j->cmd_done = true;
	if (w < 0)
		j->cmd = -errno;
	else if (read(j->errfd, &e, sizeof(e)) == (ssize_t)sizeof(e))
		j->cmd = -e;
	else
		j->cmd = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void reap_webhooks(struct hl_hooks *h)
{
	CURLMsg *m;
	int left, running;

	curl_multi_perform(h->multi, &running);
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct job *j = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		if (m->data.result == CURLE_OK)
			curl_easy_getinfo(j->curl, CURLINFO_RESPONSE_CODE, &j->http);
		else if (!j->curl_err[0])
			snprintf(j->curl_err, sizeof(j->curl_err), "%s",
				 curl_easy_strerror(m->data.result));
		curl_multi_remove_handle(h->multi, j->curl);
		curl_easy_cleanup(j->curl);
		j->curl = NULL;
		j->web_done = true;
	}
}

static void describe(const struct hl_hooks *h, const struct job *j, struct hl_hook_result *r)
{
	size_t n;

	r->failed = false;
	r->what[0] = 0;
	if (h->conf->escalate_command[0]) {
		if (j->cmd == -ETIMEDOUT)
			snprintf(r->what, sizeof(r->what), "command: killed after %d s",
				 HL_HOOK_TIMEOUT_S);
		else if (j->cmd < 0)
			snprintf(r->what, sizeof(r->what), "command: cannot run: %s",
				 strerror(-j->cmd));
		else
			snprintf(r->what, sizeof(r->what), "command exit %d", j->cmd);
		r->failed = j->cmd != 0;
	}
	if (!h->conf->escalate_webhook[0])
		return;
	n = strlen(r->what);
	if (j->http)
		snprintf(r->what + n, sizeof(r->what) - n, "%swebhook %ld", n ? ", " : "",
			 j->http);
	else
		snprintf(r->what + n, sizeof(r->what) - n, "%swebhook: %.100s", n ? ", " : "",
			 j->curl_err);
	r->failed = r->failed || j->http < 200 || j->http > 299;
}

void hl_hooks_reap(struct hl_hooks *h,
		   void (*fn)(void *ctx, void *tag, const struct hl_hook_result *r), void *ctx)
{
	int64_t now = mono_ms();

	reap_webhooks(h);
	for (unsigned i = 0; i < h->max; i++) {
		struct job *j = &h->jobs[i];
		struct hl_hook_result r;

		if (!j->used)
			continue;
		reap_command(j, now);
		if (!j->cmd_done || !j->web_done)
			continue;
		describe(h, j, &r);
		fn(ctx, j->tag, &r);
		job_clear(h, j);
	}
}

static bool loopback(const char *host)
{
	return strcmp(host, "127.0.0.1") == 0 || strcmp(host, "localhost") == 0 ||
	       strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0;
}

static int check_webhook(const char *url, char *err, size_t errlen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int r = -1;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		r = strcmp(scheme, "https") == 0 ||
		    (strcmp(scheme, "http") == 0 && loopback(host)) ? 0 : -1;
	if (r < 0)
		snprintf(err, errlen, "escalate.webhook %s: not an https:// URL "
			 "(http:// only to this machine's loopback)", url);
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return r;
}

int hl_hooks_check(const struct hl_config *conf, char *err, size_t errlen)
{
	const char *cmd = conf->escalate_command;
	struct stat sb;

	if (cmd[0] && stat(cmd, &sb) < 0) {
		snprintf(err, errlen, "escalate.command %s: %s", cmd, strerror(errno));
		return -1;
	}
	if (cmd[0] && (!S_ISREG(sb.st_mode) || access(cmd, X_OK) < 0)) {
		snprintf(err, errlen, "escalate.command %s: not an executable file", cmd);
		return -1;
	}
	if (conf->escalate_webhook[0])
		return check_webhook(conf->escalate_webhook, err, errlen);
	return 0;
}
