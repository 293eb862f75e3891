// SPDX-License-Identifier: GPL-2.0
/*
 * hello_test - the lesson in one program: write a message to /dev/hello0,
 * seek back, read it again, then show that a fresh open starts from zeros.
 *
 * Usage: hello_test [MESSAGE] [DEVICE]   (defaults: "Hello World", /dev/hello0)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * The driver's user API: HELLO_DEV, the device node ("/dev/hello0"), and
 * HELLO_BUF_SIZE, the 64 bytes each open file owns.  The driver includes
 * the same header, so the two cannot disagree.
 */
#include "include/uapi/hello_kmalloc.h"

static int fail(const char *what, const char *dev)
{
	fprintf(stderr, "hello_test: %s %s: %s\n", what, dev, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *msg = argc > 1 ? argv[1] : "Hello World";
	const char *dev = argc > 2 ? argv[2] : HELLO_DEV;
	size_t len = strlen(msg);
	char buf[HELLO_BUF_SIZE + 1] = { 0 };
	ssize_t n;
	int fd, i;

	if (len > HELLO_BUF_SIZE) {
		fprintf(stderr, "hello_test: message longer than %d bytes\n",
			HELLO_BUF_SIZE);
		return 2;
	}

	fd = open(dev, O_RDWR);
	if (fd < 0)
		return fail("open", dev);
	n = write(fd, msg, len);
	if (n < 0)
		return fail("write", dev);
	if ((size_t)n != len) {
		fprintf(stderr, "hello_test: wrote %zd of %zu bytes\n", n, len);
		return 1;
	}
	printf("wrote %zd bytes: \"%s\"\n", n, msg);

	if (lseek(fd, 0, SEEK_SET) != 0)
		return fail("lseek", dev);
	n = read(fd, buf, HELLO_BUF_SIZE);
	if (n < 0)
		return fail("read", dev);
	if (n != HELLO_BUF_SIZE || memcmp(buf, msg, len) != 0) {
		fprintf(stderr, "hello_test: read back %zd bytes: \"%s\"\n",
			n, buf);
		return 1;
	}
	printf("read back %zd bytes: \"%s\"\n", n, buf);
	if (close(fd))
		return fail("close", dev);

	/* The buffer died with the file: a new open starts from zeros. */
	fd = open(dev, O_RDONLY);
	if (fd < 0)
		return fail("open", dev);
	memset(buf, 0x55, sizeof(buf));
	n = read(fd, buf, HELLO_BUF_SIZE);
	if (n < 0)
		return fail("read", dev);
	if (close(fd))
		return fail("close", dev);
	for (i = 0; i < n; i++) {
		if (buf[i]) {
			fprintf(stderr,
				"hello_test: fresh open: byte %d is 0x%02x\n",
				i, (unsigned char)buf[i]);
			return 1;
		}
	}
	if (n != HELLO_BUF_SIZE) {
		fprintf(stderr, "hello_test: fresh open read %zd bytes\n", n);
		return 1;
	}
	printf("fresh open reads %zd zero bytes: the old buffer was freed\n",
	       n);
	return 0;
}
