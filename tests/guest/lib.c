// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the in-VM test programs; see lib.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "lib.h"

/*
 * The VM's job pipes each program's output through an indenter, and the
 * harness ends each case's child with _exit(): line-buffer stdout so that
 * what a case printed is not lost with it.
 */
static void __attribute__((constructor)) line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int mod_load(const char *params)
{
	int fd = open(HELLO_KO, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	return ret;
}

int mod_unload(void)
{
	return syscall(SYS_delete_module, HELLO_MODULE, O_NONBLOCK) ? -errno
								    : 0;
}

int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

const char *kmsg_since(int fd)
{
	static char log[1 << 20];
	size_t len = 0;
	ssize_t n;

	/* one record per read(); EAGAIN once the log is drained */
	while (len + 1 < sizeof(log)) {
		n = read(fd, log + len, sizeof(log) - len - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip them */
		if (n <= 0)
			break;
		len += n;
	}
	log[len] = '\0';
	return log;
}

int kmsg_count(const char *log, int level, const char *s)
{
	const char *line, *end, *text;
	int count = 0;

	for (line = log; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		text = memchr(line, ';', end - line);
		/* continuation lines start with a space; skip them */
		if (line[0] == ' ' || !text)
			continue;
		if (!memmem(text, end - text, s, strlen(s)))
			continue;
		if (level < 0 || (atoi(line) & 7) == level)
			count++;
	}
	return count;
}

/*
 * Where the allocation traces are: debugfs since 5.17; before that only
 * sysfs, which stops listing once past PAGE_SIZE - KSYM_SYMBOL_LEN - 100
 * bytes, and lists module callers (the highest addresses) last: a listing
 * that long may have been cut short, so it is unreadable.
 */
static const struct {
	const char *root, *file;
	size_t cut;	/* 0, or the length past which it may be cut short */
} traces[] = {
	{ "/sys/kernel/debug/slab", "alloc_traces", 0 },
	{ "/sys/kernel/slab", "alloc_calls", 4096 - 128 - 100 },
};

/* Whether cache_live() prints the locations it counts (none_live()). */
static bool show_live;

/*
 * What one line of a location says of whose the allocation is: 1 the
 * module's (a frame in it), -1 another's (a frame outside the allocators:
 * none of its function's name holds "alloc"), 0 not yet known.  fn: the
 * line's function, up to the end of the line.
 */
static int frame_owner(const char *fn)
{
	size_t len = strcspn(fn, " \n");

	if (strstr(fn, "[" HELLO_MODULE "]"))
		return 1;
	if (!len || memmem(fn, len, "alloc", 5))
		return 0;
	return -1;
}

/*
 * Live objects allocated by the module in one cache; -1 if unreadable.
 * A location is "<count> <caller>+0x../0x.. [module] age=...", then, with
 * a stack depot, its stack, a frame a line, 8 spaces in.  It is the
 * module's when the first function outside the allocators is: the C
 * driver's open() calls kzalloc(), the Rust twin's goes through the
 * kernel crate's allocator; the sysfs nodes of the device the twin
 * registers have the module further up the stack, and are not its own.
 */
static long cache_live(int t, const char *cache)
{
	char path[512], line[512], where[512] = "";
	long live = 0, count = 0, n;
	int owner = 0;
	size_t len = 0;
	char *fn;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", traces[t].root, cache,
		 traces[t].file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	for (;;) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		len += strlen(line);
		n = strncmp(line, "        ", 8) ? strtol(line, &fn, 10) : 0;
		if (n > 0 || !line[0]) {
			/* the end of a location */
			live += owner > 0 ? count : 0;
			if (show_live && owner > 0)
				ksft_print_msg("%s: %s", cache, where);
			if (!line[0])
				break;
			count = n;
			owner = 0;
			snprintf(where, sizeof(where), "%s", line);
		} else {
			fn = line;
		}
		if (!owner)
			owner = frame_owner(fn + strspn(fn, " "));
	}
	fclose(f);
	if (traces[t].cut && len > traces[t].cut) {
		ksft_print_msg("%s: %zu bytes, may be cut short\n", path, len);
		return -1;
	}
	return live;
}

/*
 * Under KASAN a freed object waits in a quarantine before slab sees it
 * freed, so it still counts as allocated there.  Shrinking the cache
 * (/sys/kernel/slab/NAME/shrink) empties its quarantine; on other kernels
 * it only releases empty slabs.
 */
static void cache_shrink(const char *cache)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		ksft_print_msg("cannot shrink %s: %s\n", cache,
			       strerror(errno));
	close(fd);
}

int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	if (n >= 0 && n != (ssize_t)strlen(s))
		errno = EIO;
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

int hello_node(struct hello_node *n)
{
	char path[128], link[256], *name;
	struct stat st;
	ssize_t len;

	if (stat(HELLO_DEV, &st))
		return -1;
	n->major = major(st.st_rdev);
	n->minor = minor(st.st_rdev);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/subsystem", n->major,
		 n->minor);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		return -1;
	link[len] = '\0';
	name = strrchr(link, '/');
	snprintf(n->class, sizeof(n->class), "%.63s", name ? name + 1 : link);
	return 0;
}

bool own_class(const struct hello_node *n)
{
	return !strcmp(n->class, HELLO_MODULE);
}

long slab_live(const char *prefix, char *where, size_t wlen)
{
	struct dirent *de;
	long live = 0, n;
	DIR *dir = NULL;
	int t;

	for (t = 0; t < (int)ARRAY_SIZE(traces) && !dir; t++)
		dir = opendir(traces[t].root);
	if (!dir)
		return -1;
	t--;
	while ((de = readdir(dir))) {
		/* sysfs names a merged cache's aliases with symlinks */
		if (strncmp(de->d_name, prefix, strlen(prefix)) ||
		    de->d_name[0] == '.' || de->d_type == DT_LNK)
			continue;
		n = cache_live(t, de->d_name);
		if (n > 0) {
			cache_shrink(de->d_name);
			n = cache_live(t, de->d_name);
		}
		if (n < 0 && traces[t].cut) {
			live = -1;	/* a cache we cannot read in full */
			break;
		}
		if (n <= 0)
			continue;
		live += n;
		if (where)
			snprintf(where, wlen, "%s", de->d_name);
	}
	closedir(dir);
	return live;
}

bool none_live(void)
{
	long live = slab_live("", NULL, 0);

	if (live > 0) {
		ksft_print_msg("%ld module objects live:\n", live);
		show_live = true;
		slab_live("", NULL, 0);
		show_live = false;
	}
	else if (live < 0)
		ksft_print_msg("no alloc_traces (slub_debug=U, debugfs?)\n");
	return live == 0;
}

unsigned char *edge_buf(size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p + page, page))
		return NULL;
	return p + page - len;
}

off_t offset_of(int fd)
{
	return lseek(fd, 0, SEEK_CUR);
}

void fill_seq(unsigned char *buf, size_t len, unsigned char start)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = start + i;
}
