// SPDX-License-Identifier: GPL-2.0
/*
 * The settings' DNS, handed to the system's resolver: to systemd-resolved
 * for the device's link when it runs (resolvectl), else to resolvconf when
 * it is installed (resolvconf -a DEV, the lines of a resolv.conf on its
 * stdin), else nowhere, with a warning. The settings stand either way: DNS
 * failing is a warning, not an error.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>

#include "ptun.h"
#include "route.h"
#include "show.h"

/* systemd-resolved's varlink socket: it is there while resolved runs. */
#define RESOLVED_SOCKET	"/run/systemd/resolve/io.systemd.Resolve"

/* Room for "nameserver ADDR\n" and for a domain with its '~'. */
#define LINE_ROOM	(INET6_ADDRSTRLEN + PTUN_MAX_DOMAIN_LEN + 16)

enum dns_backend {
	DNS_NONE,
	DNS_RESOLVED,
	DNS_RESOLVCONF,
};

static bool has_dns(const struct show_settings *s)
{
	return s && (s->nr_dns || s->nr_search || s->nr_match);
}

/* Is @name an executable file in a directory of $PATH? */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[4096];

	if (!path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if ((size_t)snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p),
				     end == p ? "." : p, name) >= sizeof(buf))
			continue;
		if (!access(buf, X_OK))
			return true;
	}
	return false;
}

static enum dns_backend backend(void)
{
	if (!access(RESOLVED_SOCKET, F_OK) && in_path("resolvectl"))
		return DNS_RESOLVED;
	if (in_path("resolvconf"))
		return DNS_RESOLVCONF;
	return DNS_NONE;
}

static void write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

/*
 * Run @argv (found on $PATH) with @input on its stdin (or nothing), its
 * stdout on our stderr. Return: 0 if it exited 0, else -1 after a warning.
 */
static int run_cmd(const char *dev, char *const argv[], const char *input)
{
	void (*oldpipe)(int);
	int fds[2], status;
	pid_t pid;

	if (pipe(fds)) {
		fprintf(stderr, "ptun: warning: %s: DNS not applied: %s\n",
			dev, strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "ptun: warning: %s: DNS not applied: %s\n",
			dev, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "ptun: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	/* A command that does not read its stdin must not kill us. */
	oldpipe = signal(SIGPIPE, SIG_IGN);
	if (input)
		write_all(fds[1], input, strlen(input));
	close(fds[1]);
	signal(SIGPIPE, oldpipe);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	if (WIFEXITED(status))
		fprintf(stderr,
			"ptun: warning: %s: DNS not applied: %s exited with status %d\n",
			dev, argv[0], WEXITSTATUS(status));
	else
		fprintf(stderr,
			"ptun: warning: %s: DNS not applied: %s was killed by signal %d\n",
			dev, argv[0], WTERMSIG(status));
	return -1;
}

/* Append @s to the string @buf of length *@len; 0 or -1 out of memory. */
static int append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *p = realloc(*buf, *len + n + 1);

	if (!p) {
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	memcpy(p + *len, s, n + 1);
	*buf = p;
	*len += n;
	return 0;
}

/* "nameserver ..." and "search ..." lines for resolvconf. */
static char *resolv_conf(const struct show_settings *s)
{
	char line[LINE_ROOM], addr[INET6_ADDRSTRLEN];
	char *buf = NULL;
	size_t len = 0, i;

	if (append(&buf, &len, ""))
		return NULL;
	for (i = 0; i < s->nr_dns; i++) {
		inet_ntop(s->dns[i].family, s->dns[i].bytes, addr, sizeof(addr));
		snprintf(line, sizeof(line), "nameserver %s\n", addr);
		if (append(&buf, &len, line))
			goto err;
	}
	if (s->nr_search) {
		if (append(&buf, &len, "search"))
			goto err;
		for (i = 0; i < s->nr_search; i++) {
			snprintf(line, sizeof(line), " %s", s->search[i]);
			if (append(&buf, &len, line))
				goto err;
		}
		if (append(&buf, &len, "\n"))
			goto err;
	}
	return buf;
err:
	free(buf);
	return NULL;
}

/* resolvectl dns DEV ADDR... ; resolvectl domain DEV SEARCH... ~MATCH... */
static void apply_resolved(const char *dev, const struct show_settings *s)
{
	size_t n = 3 + s->nr_dns + s->nr_search + s->nr_match + 1, i, k;
	char **argv, **strs;

	argv = calloc(n, sizeof(*argv));
	strs = calloc(n, sizeof(*strs));
	if (!argv || !strs) {
		fprintf(stderr, "ptun: out of memory\n");
		goto out;
	}
	for (i = 0; i < n; i++) {
		strs[i] = malloc(LINE_ROOM);
		if (!strs[i]) {
			fprintf(stderr, "ptun: out of memory\n");
			goto out;
		}
	}
	argv[0] = "resolvectl";
	argv[1] = "dns";
	argv[2] = (char *)dev;
	for (i = 0, k = 3; i < s->nr_dns; i++, k++) {
		inet_ntop(s->dns[i].family, s->dns[i].bytes, strs[k],
			  LINE_ROOM);
		argv[k] = strs[k];
	}
	/* No servers: an empty word clears the link's. */
	if (!s->nr_dns)
		argv[k++] = "";
	argv[k] = NULL;
	if (run_cmd(dev, argv, NULL))
		goto out;
	argv[1] = "domain";
	for (i = 0, k = 3; i < s->nr_search; i++, k++)
		argv[k] = s->search[i];
	for (i = 0; i < s->nr_match; i++, k++) {
		snprintf(strs[k], LINE_ROOM, "~%s", s->match[i]);
		argv[k] = strs[k];
	}
	if (k == 3)
		argv[k++] = "";
	argv[k] = NULL;
	run_cmd(dev, argv, NULL);
out:
	if (strs)
		for (i = 0; i < n; i++)
			free(strs[i]);
	free(strs);
	free(argv);
}

/**
 * ptun_dns_apply() - hand the settings' DNS to the system's resolver
 * @dev: the device
 * @new: the settings now, or NULL when they are cleared
 * @old: the settings before, or NULL
 *
 * With no DNS in @new, what @old gave the resolver is taken back. Failures
 * are warnings on stderr.
 */
void ptun_dns_apply(const char *dev, const struct show_settings *new,
		    const struct show_settings *old)
{
	enum dns_backend b;
	char *conf;

	if (!has_dns(new) && !has_dns(old))
		return;
	b = backend();
	if (b == DNS_NONE) {
		if (has_dns(new))
			fprintf(stderr,
				"ptun: warning: %s: DNS not applied: neither systemd-resolved nor resolvconf was found\n",
				dev);
		return;
	}
	if (!has_dns(new)) {
		char *argv[] = {
			b == DNS_RESOLVED ? "resolvectl" : "resolvconf",
			b == DNS_RESOLVED ? "revert" : "-d",
			(char *)dev, NULL,
		};

		run_cmd(dev, argv, NULL);
		return;
	}
	if (b == DNS_RESOLVED) {
		apply_resolved(dev, new);
		return;
	}
	conf = resolv_conf(new);
	if (conf) {
		char *argv[] = { "resolvconf", "-a", (char *)dev, NULL };

		run_cmd(dev, argv, conf);
	}
	free(conf);
}
