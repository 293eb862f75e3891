// SPDX-License-Identifier: GPL-2.0
/*
 * hold - keep N files of /dev/hello0 open while a command runs, to see
 * where the driver's per-open objects go (/proc/slabinfo).
 *
 * Usage: hold N COMMAND [ARG...]   exits with COMMAND's status
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib.h"

int main(int argc, char **argv)
{
	struct rlimit lim;
	int i, n, status;
	pid_t pid;

	n = argc > 2 ? atoi(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: hold N COMMAND [ARG...]\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &lim)) {
		perror("hold: getrlimit");
		return 1;
	}
	if (lim.rlim_cur < (rlim_t)n + 16) {
		lim.rlim_cur = (rlim_t)n + 16;
		if (lim.rlim_max < lim.rlim_cur)
			lim.rlim_max = lim.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &lim)) {
			perror("hold: setrlimit");
			return 1;
		}
	}
	/* the command does not inherit them: only this process holds them */
	for (i = 0; i < n; i++) {
		if (open(HELLO_DEV, O_RDONLY | O_CLOEXEC) < 0) {
			fprintf(stderr, "hold: open %s (file %d): %s\n",
				HELLO_DEV, i + 1, strerror(errno));
			return 1;
		}
	}
	pid = fork();
	if (pid < 0) {
		perror("hold: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		fprintf(stderr, "hold: %s: %s\n", argv[2], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("hold: waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
