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

#define BUF_SIZE 64

static int fail(const char *what, const char *dev)
{
	fprintf(stderr, "hello_test: %s %s: %s\n", what, dev, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *msg = argc > 1 ? argv[1] : "Hello World";
	const char *dev = argc > 2 ? argv[2] : "/dev/hello0";
	size_t len = strlen(msg);
	char buf[BUF_SIZE + 1] = { 0 };
	ssize_t n;
	int fd, i;

	if (len > BUF_SIZE) {
		fprintf(stderr, "hello_test: message longer than %d bytes\n",
			BUF_SIZE);
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
	n = read(fd, buf, BUF_SIZE);
	if (n < 0)
		return fail("read", dev);
	if (n != BUF_SIZE || memcmp(buf, msg, len) != 0) {
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
	n = read(fd, buf, BUF_SIZE);
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
	if (n != BUF_SIZE) {
		fprintf(stderr, "hello_test: fresh open read %zd bytes\n", n);
		return 1;
	}
	printf("fresh open reads %zd zero bytes: the old buffer was freed\n",
	       n);
	return 0;
}
