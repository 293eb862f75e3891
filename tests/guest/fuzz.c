// SPDX-License-Identifier: GPL-2.0
/*
 * A differential fuzzer for /dev/hello0.  A model of the device (per open
 * file: 64 bytes and an offset, README.md's contract and the VFS rules
 * around it) runs beside the real driver.  Random operations over several
 * open files are checked one by one against the model: return value and
 * errno, the bytes copied to the caller (and none beyond), the file offset
 * and the file's buffer, read back with pread.  The first divergence is
 * shrunk to a short trace that still diverges on fresh opens, printed with
 * the seed, and fails the run.  One run, not a list of cases: a main of
 * its own on kselftest.h reports the module's load, the run, no live
 * allocation after it and the unload, each as one KTAP result.
 *
 * Usage, as root in the test VM with /hello_kmalloc.ko beside it:
 *   fuzz [-s SEED] [-n OPS]
 * The same seed and count replay the same operations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kselftest.h"
#include "lib.h"

#define SZ		HELLO_BUF_SIZE
#define SLOTS		4	/* files open at once */
#define MAXSEG		4	/* iovec segments per vector call */
#define EPISODE		2048	/* ops between two sets of fresh opens */
#define MAX_RW_COUNT	0x7ffff000LL	/* INT_MAX & PAGE_MASK */
#define STRIDE		256	/* bytes between the buffers of one call */
#define PAGE		4096UL
#define ARENA		((unsigned char *)0x200000000UL)
#define ARENA_PAGES	(3 + 2 * MAXSEG)
#define FUZZ_TIMEOUT	120	/* seconds, for the run */

enum kind { OPEN, CLOSE, READ, WRITE, PREAD, PWRITE, READV, WRITEV, PREADV,
	    PWRITEV, LSEEK, KINDS };
static const char *const kind_name[KINDS] = {
	"open", "close", "read", "write", "pread", "pwrite", "readv", "writev",
	"preadv", "pwritev", "lseek" };

enum mode { M_RDONLY, M_WRONLY, M_RDWR, M_NOACC, M_PATH };
static const int mode_flags[] = { O_RDONLY, O_WRONLY, O_RDWR, O_ACCMODE,
				  O_PATH };
static const char *const mode_name[] = { "O_RDONLY", "O_WRONLY", "O_RDWR",
					 "O_ACCMODE", "O_PATH" };

/* where a user buffer points */
enum where { B_VALID, B_NULL, B_UNMAPPED, B_RDONLY, B_EDGE };

struct seg {
	uint8_t where;
	uint8_t room;		/* B_EDGE: mapped bytes before the hole */
	uint8_t fill;		/* source pattern, or sentinel for reads */
	uint64_t len;
};

struct op {
	uint8_t kind, slot, mode, nseg;
	int whence;
	int64_t off;		/* lseek offset, or pread/pwrite position */
	struct seg seg[MAXSEG];	/* read/write use seg[0] */
};

/* the model of one open file */
struct mfile {
	bool open;
	uint8_t mode;
	int64_t pos;
	uint8_t buf[SZ];
};

static struct mfile model[SLOTS];
static int fds[SLOTS] = { -1, -1, -1, -1 };
static uint8_t expect_dst[MAXSEG][STRIDE];	/* what a read leaves there */
/*
 * Two VFS details that changed between 6.1 and 6.12, asked of the kernel
 * at start: do readv/writev check the access mode before the iovec, and is
 * a one-segment iovec imported as a plain buffer (import_ubuf(): its
 * length clamped to MAX_RW_COUNT before access_ok())?
 */
static bool vec_mode_first, vec_one_ubuf;

/*
 * The longest length access_ok() passes for a buffer at ARENA, also asked
 * at start: it depends on the architecture and on the kernel's virtual
 * address bits (x86-64: 2^47, or 2^56 with 5-level paging; 2^39 on an
 * arm64 built with VA_BITS_39).
 */
static uint64_t user_len_max;

/*
 * How much a user copy that runs into a hole stores is the architecture's
 * business: x86's copy_user fixups store every byte up to the hole; arm64's
 * may store a single byte (its fixup retries one byte after a 16- or 8-byte
 * store faults) and leave more written than it reports, and how much
 * depends on the kernel buffer's alignment.  Elsewhere, a read or write
 * that runs into the hole may return 1 to `room` bytes: the model follows
 * the kernel's count (real_got), and the bytes past it in a read's buffer
 * must hold the data or be untouched (maybe_dst, tol_len[i] bytes).
 */
#ifdef __x86_64__
static const bool short_copies;
#else
static const bool short_copies = true;
#endif
static int64_t real_got, budget;
static size_t tol_len[MAXSEG];
static uint8_t maybe_dst[MAXSEG][STRIDE];

static uint64_t opt_seed, opt_ops = 100000;
static bool seed_given;

/* ---- the user buffers ---------------------------------------------------- */

/*
 * One fixed arena, so every pointer is far below any TASK_SIZE: page 0
 * valid, page 1 read-only, page 2 unmapped, then per segment a page whose
 * end touches an unmapped page.
 */
static int arena_init(void)
{
	unsigned char *a = mmap(ARENA, ARENA_PAGES * PAGE,
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS |
				MAP_FIXED_NOREPLACE, -1, 0);
	size_t i;

	if (a != ARENA)
		return -1;
	for (i = 0; i < PAGE; i++)
		a[PAGE + i] = i * 131 + 17;
	if (mprotect(a + PAGE, PAGE, PROT_READ) || munmap(a + 2 * PAGE, PAGE))
		return -1;
	for (i = 0; i < MAXSEG; i++)
		if (munmap(a + (4 + 2 * i) * PAGE, PAGE))
			return -1;
	return 0;
}

static unsigned char *seg_ptr(int i, const struct seg *s)
{
	switch (s->where) {
	case B_VALID:
		return ARENA + i * STRIDE;
	case B_RDONLY:
		return ARENA + PAGE + i * STRIDE;
	case B_UNMAPPED:
		return ARENA + 2 * PAGE + i * STRIDE;
	case B_EDGE:
		return ARENA + (4 + 2 * i) * PAGE - s->room;
	}
	return NULL;
}

/* bytes the kernel can store into (store) or load from the buffer */
static uint64_t seg_room(const struct seg *s, bool store)
{
	switch (s->where) {
	case B_VALID:
		return STRIDE;
	case B_RDONLY:
		return store ? 0 : STRIDE;
	case B_EDGE:
		return s->room;
	}
	return 0;
}

static uint8_t src_byte(int i, const struct seg *s, size_t j)
{
	if (s->where == B_RDONLY)
		return (i * STRIDE + j) * 131 + 17;
	return s->fill + j * 7;
}

static bool is_read(const struct op *op)
{
	return op->kind == READ || op->kind == PREAD || op->kind == READV ||
	       op->kind == PREADV;
}

/* Sources get their pattern, destinations a sentinel (the fill byte). */
static void seg_prepare(const struct op *op)
{
	int i;
	size_t j, n;

	for (i = 0; i < op->nseg; i++) {
		const struct seg *s = &op->seg[i];
		unsigned char *p = seg_ptr(i, s);

		if (s->where != B_VALID && s->where != B_EDGE)
			continue;
		n = seg_room(s, true);
		for (j = 0; j < n; j++)
			p[j] = is_read(op) ? s->fill : src_byte(i, s, j);
		memset(expect_dst[i], s->fill, n);
	}
}

/* ---- the model ----------------------------------------------------------- */

static bool has_file(const struct mfile *f)
{
	return f->open && f->mode != M_PATH;	/* O_PATH: EBADF for all */
}

static bool can_read(const struct mfile *f)
{
	return has_file(f) && (f->mode == M_RDONLY || f->mode == M_RDWR);
}

static bool can_write(const struct mfile *f)
{
	return has_file(f) && (f->mode == M_WRONLY || f->mode == M_RDWR);
}

/*
 * access_ok(): every buffer lies within ARENA_PAGES of ARENA, so a length
 * decides alone unless it falls that close to the limit
 */
static bool access_ok_m(uint64_t len)
{
	uint64_t margin = ARENA_PAGES * PAGE;

	if (len + margin > user_len_max && len < user_len_max + margin) {
		fprintf(stderr, "fuzz: length %" PRIu64 " is not modelled\n",
			len);
		abort();
	}
	return len <= user_len_max;
}

/* rw_verify_area() */
static int64_t rw_verify(int64_t pos, uint64_t count)
{
	if ((int64_t)count < 0 || pos < 0 ||
	    (int64_t)((uint64_t)pos + count) < 0)
		return -EINVAL;
	return 0;
}

/* hello_read() */
static int64_t drv_read(struct mfile *f, int64_t *pos, uint64_t count, int i,
			const struct seg *s)
{
	uint64_t n, c;

	if (*pos >= SZ)
		return 0;
	n = count < (uint64_t)(SZ - *pos) ? count : (uint64_t)(SZ - *pos);
	if (!n)
		return 0;
	c = n < seg_room(s, true) ? n : seg_room(s, true);
	if (!c)
		return -EFAULT;
	if (short_copies && seg_room(s, true) < n) {	/* into the hole */
		memcpy(maybe_dst[i], f->buf + *pos, c);
		tol_len[i] = c;
		if (budget >= 1 && (uint64_t)budget <= c)
			c = budget;
	}
	memcpy(expect_dst[i], f->buf + *pos, c);
	*pos += c;
	return c;
}

/* hello_write() */
static int64_t drv_write(struct mfile *f, int64_t *pos, uint64_t count, int i,
			 const struct seg *s)
{
	uint64_t n, c, j;

	if (!count)
		return 0;
	if (*pos >= SZ)
		return -ENOSPC;
	n = count < (uint64_t)(SZ - *pos) ? count : (uint64_t)(SZ - *pos);
	c = n < seg_room(s, false) ? n : seg_room(s, false);
	if (!c)
		return -EFAULT;
	if (short_copies && seg_room(s, false) < n && budget >= 1 &&
	    (uint64_t)budget <= c)
		c = budget;
	for (j = 0; j < c; j++)
		f->buf[*pos + j] = src_byte(i, s, j);
	*pos += c;
	return c;
}

/* vfs_read() / vfs_write() */
static int64_t vfs_rw(struct mfile *f, int64_t *pos, const struct seg *s,
		      bool write)
{
	uint64_t len = s->len;
	int64_t ret;

	if (!(write ? can_write(f) : can_read(f)))
		return -EBADF;
	if (!access_ok_m(len))
		return -EFAULT;
	ret = rw_verify(*pos, len);
	if (ret)
		return ret;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	budget = real_got;
	return write ? drv_write(f, pos, len, 0, s) :
		       drv_read(f, pos, len, 0, s);
}

/* vfs_readv() / vfs_writev(): import_iovec(), then segment by segment */
static int64_t vfs_rwv(struct mfile *f, int64_t *pos, const struct op *op,
		       bool write)
{
	bool mode_ok = write ? can_write(f) : can_read(f);
	uint64_t len[MAXSEG], total = 0;
	int64_t ret = 0, nr;
	int i;

	if (vec_mode_first && !mode_ok)
		return -EBADF;
	for (i = 0; i < op->nseg; i++)
		if ((int64_t)op->seg[i].len < 0)
			return -EINVAL;
	for (i = 0; i < op->nseg; i++) {
		len[i] = op->seg[i].len;
		if (vec_one_ubuf && op->nseg == 1 && len[i] > MAX_RW_COUNT)
			len[i] = MAX_RW_COUNT;
		if (!access_ok_m(len[i]))
			return -EFAULT;
		if (len[i] > MAX_RW_COUNT - total)
			len[i] = MAX_RW_COUNT - total;
		total += len[i];
	}
	if (!mode_ok)
		return -EBADF;
	if (!total)
		return 0;
	ret = rw_verify(*pos, total);
	if (ret)
		return ret;
	for (i = 0; i < op->nseg; i++) {
		budget = real_got - ret;
		nr = write ? drv_write(f, pos, len[i], i, &op->seg[i]) :
			     drv_read(f, pos, len[i], i, &op->seg[i]);
		if (nr < 0) {
			if (!ret)
				ret = nr;
			break;
		}
		ret += nr;
		if ((uint64_t)nr != len[i])
			break;
	}
	return ret;
}

/* default_llseek() on a node of size 0 */
static int64_t llseek_m(struct mfile *f, int64_t off, int whence)
{
	switch (whence) {
	case SEEK_CUR:
		if (!off)
			return f->pos;
		if (__builtin_add_overflow(off, f->pos, &off))
			return -EINVAL;	/* wraps negative in the kernel */
		break;
	case SEEK_DATA:
		if (off >= 0)
			return -ENXIO;
		break;
	case SEEK_HOLE:
		if (off >= 0)
			return -ENXIO;
		off = 0;	/* the virtual hole at the end */
		break;
	}
	if (off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

/* What the system call should return (-errno on failure). */
static int64_t model_apply(const struct op *op)
{
	struct mfile *f = &model[op->slot];
	bool write = op->kind == WRITE || op->kind == PWRITE ||
		     op->kind == WRITEV || op->kind == PWRITEV;
	int64_t pos, ret;

	switch (op->kind) {
	case OPEN:
		memset(f, 0, sizeof(*f));
		f->open = true;
		f->mode = op->mode;
		return 0;
	case CLOSE:
		if (!f->open)
			return -EBADF;
		f->open = false;
		return 0;
	case READ:
	case WRITE:
	case READV:
	case WRITEV:
		if (!has_file(f))
			return -EBADF;
		pos = f->pos;
		ret = op->kind == READ || op->kind == WRITE ?
		      vfs_rw(f, &pos, &op->seg[0], write) :
		      vfs_rwv(f, &pos, op, write);
		if (ret >= 0)
			f->pos = pos;
		return ret;
	case PREAD:
	case PWRITE:
	case PREADV:
	case PWRITEV:
		if (op->off < 0)
			return -EINVAL;	/* before the fd is even looked up */
		if (!has_file(f))
			return -EBADF;
		pos = op->off;
		return op->kind == PREAD || op->kind == PWRITE ?
		       vfs_rw(f, &pos, &op->seg[0], write) :
		       vfs_rwv(f, &pos, op, write);
	case LSEEK:
		if (!has_file(f))
			return -EBADF;
		if ((unsigned int)op->whence > SEEK_HOLE)
			return -EINVAL;
		return llseek_m(f, op->off, op->whence);
	}
	abort();
}

/* ---- the real device ----------------------------------------------------- */

static int64_t real_apply(const struct op *op)
{
	int fd = fds[op->slot], i;
	struct iovec iov[MAXSEG];
	void *p = seg_ptr(0, &op->seg[0]);
	size_t len = op->seg[0].len;
	long r = -1;

	for (i = 0; i < op->nseg; i++) {
		iov[i].iov_base = seg_ptr(i, &op->seg[i]);
		iov[i].iov_len = op->seg[i].len;
	}
	switch (op->kind) {
	case OPEN:
		if (fd >= 0)
			close(fd);
		fds[op->slot] = open(HELLO_DEV,
				     mode_flags[op->mode] | O_CLOEXEC);
		return fds[op->slot] < 0 ? -errno : 0;
	case CLOSE:
		r = syscall(SYS_close, fd);
		fds[op->slot] = -1;
		break;
	case READ:
		r = syscall(SYS_read, fd, p, len);
		break;
	case WRITE:
		r = syscall(SYS_write, fd, p, len);
		break;
	case PREAD:
		r = syscall(SYS_pread64, fd, p, len, op->off);
		break;
	case PWRITE:
		r = syscall(SYS_pwrite64, fd, p, len, op->off);
		break;
	case READV:
		r = syscall(SYS_readv, fd, iov, op->nseg);
		break;
	case WRITEV:
		r = syscall(SYS_writev, fd, iov, op->nseg);
		break;
	case PREADV:	/* x86-64: pos_l is the whole offset */
		r = syscall(SYS_preadv, fd, iov, op->nseg, op->off, 0L);
		break;
	case PWRITEV:
		r = syscall(SYS_pwritev, fd, iov, op->nseg, op->off, 0L);
		break;
	case LSEEK:
		r = syscall(SYS_lseek, fd, op->off, (unsigned int)op->whence);
		break;
	}
	return r < 0 ? -errno : r;
}

static void reset(void)
{
	int i;

	for (i = 0; i < SLOTS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	memset(model, 0, sizeof(model));
}

/* ---- printing ------------------------------------------------------------ */

static const char *num(char *b, size_t n, int64_t v, bool is_unsigned)
{
	uint64_t u = v;

	if (is_unsigned && u == UINT64_MAX)
		return "SIZE_MAX";
	if (v == LLONG_MAX)
		return "LLONG_MAX";
	if (v == LLONG_MIN)
		return is_unsigned ? "2^63" : "LLONG_MIN";
	if (v > LLONG_MAX - 1000)
		snprintf(b, n, "LLONG_MAX-%" PRId64, INT64_MAX - v);
	else if (is_unsigned && u == 1ULL << 40)
		return "2^40";
	else if (is_unsigned && u == MAX_RW_COUNT + 1)
		return "MAX_RW_COUNT+1";
	else if (is_unsigned)
		snprintf(b, n, "%" PRIu64, u);
	else
		snprintf(b, n, "%" PRId64, v);
	return b;
}

static const char *result(char *b, size_t n, int64_t r)
{
	if (r >= 0)
		snprintf(b, n, "%" PRId64, r);
	else
		snprintf(b, n, "-1 %s", strerrorname_np(-r));
	return b;
}

static void seg_str(char *b, size_t n, int i, const struct seg *s)
{
	static const char *const w[] = { "buf", "NULL", "unmapped",
					 "read-only", "edge" };
	char t[32];
	const char *l = num(t, sizeof(t), s->len, true);

	if (s->where == B_EDGE)
		snprintf(b, n, "edge(%u mapped) %s", s->room, l);
	else if (s->where == B_VALID)
		snprintf(b, n, "buf%d %s", i, l);
	else
		snprintf(b, n, "%s %s", w[s->where], l);
}

static const char *op_str(const struct op *op)
{
	static const char *const wh[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END",
					  "SEEK_DATA", "SEEK_HOLE" };
	static char b[512];
	char s[64], t[32], w[16];
	const char *o = num(t, sizeof(t), op->off, false);
	size_t len;
	int i;

	switch (op->kind) {
	case OPEN:
		snprintf(b, sizeof(b), "f%d = open(%s)", op->slot,
			 mode_name[op->mode]);
		break;
	case CLOSE:
		snprintf(b, sizeof(b), "close(f%d)", op->slot);
		break;
	case READ:
	case WRITE:
	case PREAD:
	case PWRITE:
		seg_str(s, sizeof(s), 0, &op->seg[0]);
		snprintf(b, sizeof(b), "%s(f%d, %s%s%s)", kind_name[op->kind],
			 op->slot, s, op->kind >= PREAD ? ", at " : "",
			 op->kind >= PREAD ? o : "");
		break;
	case READV:
	case WRITEV:
	case PREADV:
	case PWRITEV:
		len = snprintf(b, sizeof(b), "%s(f%d, {", kind_name[op->kind],
			       op->slot);
		for (i = 0; i < op->nseg; i++) {
			seg_str(s, sizeof(s), i, &op->seg[i]);
			len += snprintf(b + len, sizeof(b) - len, "%s%s",
					i ? ", " : "", s);
		}
		snprintf(b + len, sizeof(b) - len, "}%s%s)",
			 op->kind >= PREADV ? ", at " : "",
			 op->kind >= PREADV ? o : "");
		break;
	case LSEEK:
		if ((unsigned int)op->whence <= SEEK_HOLE)
			snprintf(w, sizeof(w), "%s", wh[op->whence]);
		else
			snprintf(w, sizeof(w), "%d", op->whence);
		snprintf(b, sizeof(b), "lseek(f%d, %s, %s)", op->slot, o, w);
		break;
	}
	return b;
}

/* ---- one step: the model, the device, the comparison --------------------- */

static char why[1024];
static int64_t last_result;

/* Runs op on both; returns 0 or -1 with why[] saying what differed. */
static int step(const struct op *op)
{
	struct mfile *f = &model[op->slot];
	unsigned char kbuf[SZ];
	int64_t want, got, off;
	char a[48], b[48];
	int i, fd;

	seg_prepare(op);
	memset(tol_len, 0, sizeof(tol_len));
	got = real_apply(op);
	real_got = got;
	want = model_apply(op);
	last_result = got;
	fd = fds[op->slot];
	if (got != want) {
		snprintf(why, sizeof(why), "returned %s, the model says %s",
			 result(a, sizeof(a), got), result(b, sizeof(b), want));
		return -1;
	}
	for (i = 0; is_read(op) && i < op->nseg; i++) {
		const struct seg *s = &op->seg[i];
		unsigned char *p = seg_ptr(i, s);
		size_t j, n = seg_room(s, true);

		if (s->where != B_VALID && s->where != B_EDGE)
			continue;
		for (j = 0; j < n; j++)
			if (p[j] != expect_dst[i][j] &&
			    !(j < tol_len[i] && p[j] == maybe_dst[i][j])) {
				snprintf(why, sizeof(why),
					 "segment %d byte %zu is 0x%02x, the "
					 "model says 0x%02x", i, j, p[j],
					 expect_dst[i][j]);
				return -1;
			}
	}
	if (has_file(f)) {
		off = lseek(fd, 0, SEEK_CUR);
		if (off != f->pos) {
			snprintf(why, sizeof(why),
				 "then the offset is %s, the model says %s",
				 num(a, sizeof(a), off < 0 ? -errno : off,
				     false),
				 num(b, sizeof(b), f->pos, false));
			return -1;
		}
	}
	if (can_read(f)) {
		got = pread(fd, kbuf, SZ, 0);
		if (got != SZ) {
			snprintf(why, sizeof(why), "then pread(64 at 0) "
				 "returned %s, the model says 64",
				 result(a, sizeof(a), got < 0 ? -errno : got));
			return -1;
		}
		for (i = 0; i < SZ; i++)
			if (kbuf[i] != f->buf[i]) {
				snprintf(why, sizeof(why), "then buffer byte "
					 "%d is 0x%02x, the model says 0x%02x",
					 i, kbuf[i], f->buf[i]);
				return -1;
			}
	}
	return 0;
}

/* ---- generating operations ----------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(unsigned int n)
{
	return rnd() % n;
}

static uint64_t gen_len(void)
{
	static const uint64_t huge[] = {
		1ULL << 40, MAX_RW_COUNT, MAX_RW_COUNT + 1, LLONG_MAX,
		1ULL << 63, UINT64_MAX };
	unsigned int r = below(100);

	if (r < 8)
		return 0;
	if (r < 16)
		return 1;
	if (r < 34)
		return 63 + below(3);
	if (r < 93)
		return below(130);
	return huge[below(ARRAY_SIZE(huge))];
}

static int64_t gen_off(void)
{
	static const int64_t edge[] = {
		0, 1, 63, 64, 65, 1LL << 40, LLONG_MAX, LLONG_MAX - 63,
		-1, -64, LLONG_MIN };
	unsigned int r = below(100);

	if (r < 55)
		return below(72);
	if (r < 80)
		return edge[below(ARRAY_SIZE(edge))];
	if (r < 88)
		return LLONG_MAX - below(140);
	if (r < 94)
		return rnd() >> 1;
	return -(int64_t)below(100) - 1;
}

static void gen_seg(struct seg *s)
{
	unsigned int r = below(100);

	s->where = r < 72 ? B_VALID : r < 78 ? B_NULL : r < 84 ? B_UNMAPPED :
		   r < 90 ? B_RDONLY : B_EDGE;
	s->room = below(72);
	s->fill = rnd();
	s->len = gen_len();
}

static void gen(struct op *op)
{
	static const int bad_whence[] = { 5, 6, 0x7fffffff, -1, INT_MIN };
	const struct mfile *f;
	unsigned int r;
	int i;

	memset(op, 0, sizeof(*op));
	op->slot = below(SLOTS);
	f = &model[op->slot];
	r = below(100);
	if (!f->open && r < 90)
		op->kind = OPEN;
	else
		op->kind = r < 2 ? OPEN : r < 6 ? CLOSE : r < 18 ? READ :
			   r < 30 ? WRITE : r < 40 ? PREAD : r < 50 ? PWRITE :
			   r < 56 ? READV : r < 62 ? WRITEV : r < 66 ? PREADV :
			   r < 70 ? PWRITEV : LSEEK;
	switch (op->kind) {
	case OPEN:
		r = below(100);
		op->mode = r < 15 ? M_RDONLY : r < 25 ? M_WRONLY :
			   r < 90 ? M_RDWR : r < 95 ? M_NOACC : M_PATH;
		break;
	case READ:
	case WRITE:
	case PREAD:
	case PWRITE:
		op->nseg = 1;
		gen_seg(&op->seg[0]);
		break;
	case READV:
	case WRITEV:
	case PREADV:
	case PWRITEV:
		op->nseg = below(MAXSEG + 1);
		for (i = 0; i < op->nseg; i++)
			gen_seg(&op->seg[i]);
		break;
	case LSEEK:
		r = below(100);
		op->whence = r < 35 ? SEEK_SET : r < 65 ? SEEK_CUR :
			     r < 80 ? SEEK_END : r < 86 ? SEEK_DATA :
			     r < 92 ? SEEK_HOLE :
			     bad_whence[below(ARRAY_SIZE(bad_whence))];
		break;
	}
	op->off = gen_off();
	/* SEEK_CUR: mostly small steps, and steps that land near 0 and 64 */
	if (op->kind == LSEEK && op->whence == SEEK_CUR && f->open) {
		r = below(100);
		if (r < 50)
			op->off = (int64_t)below(141) - 70;
		else if (r < 60)
			op->off = -f->pos + (int64_t)below(3) - 1;
		else if (r < 70)
			op->off = SZ - f->pos + (int64_t)below(3) - 1;
	}
}

/* ---- shrinking ----------------------------------------------------------- */

#define MAX_REPLAYS	20000

static struct op episode[EPISODE], work[EPISODE], trial[EPISODE];
static long replays;

/* Replay ops on fresh opens; the index of the first divergence, or -1. */
static long replay(const struct op *t, long n, bool verbose)
{
	char r[48];
	long i;

	replays++;
	reset();
	for (i = 0; i < n; i++) {
		int bad = step(&t[i]);

		if (verbose)
			ksft_print_msg("  %3ld: %s = %s\n", i + 1,
				       op_str(&t[i]),
				       result(r, sizeof(r), last_result));
		if (bad)
			return i;
	}
	return -1;
}

/*
 * Delta debugging: drop chunks of halving size while what is left still
 * diverges (cut after its divergence), down to single ops, until no single
 * op can go.  Returns the new length of t.
 */
static long shrink(struct op *t, long n)
{
	long chunk = n > 1 ? n / 2 : 1, i, m, d;
	bool removed;

	for (;;) {
		removed = false;
		for (i = 0; i < n && replays < MAX_REPLAYS;) {
			memcpy(trial, t, i * sizeof(*t));
			m = i;
			if (i + chunk < n) {
				memcpy(trial + m, t + i + chunk,
				       (n - i - chunk) * sizeof(*t));
				m += n - i - chunk;
			}
			d = m ? replay(trial, m, false) : -1;
			if (d >= 0) {
				memcpy(t, trial, (d + 1) * sizeof(*t));
				n = d + 1;
				removed = true;
			} else {
				i += chunk;
			}
		}
		if (chunk > 1)
			chunk /= 2;
		else if (!removed)
			return n;
	}
}

/* Episode ops 0..k diverged at k: find a short trace that still does. */
static void report(long k, uint64_t done)
{
	struct op *t = work;
	int slot = episode[k].slot;
	long start = 0, i, n = 0, d;

	ksft_print_msg("DIVERGENCE after %" PRIu64 " ops (seed %" PRIu64
		       "): %s %s\n", done, opt_seed, op_str(&episode[k]), why);
	ksft_print_msg("reproduce the whole run: make fuzz SEED=%" PRIu64
		       " OPS=%" PRIu64 "\n", opt_seed, done);
	for (i = 0; i < k; i++)
		if (episode[i].kind == OPEN && episode[i].slot == slot)
			start = i;
	/* first guess: only that file's ops since it was opened */
	for (i = start; i <= k; i++)
		if (episode[i].slot == slot)
			t[n++] = episode[i];
	d = replay(t, n, false);
	if (d < 0) {	/* other files matter: the whole episode */
		n = k + 1;
		memcpy(t, episode, n * sizeof(*t));
		d = replay(t, n, false);
	}
	if (d < 0) {
		ksft_print_msg("it does not diverge again on fresh opens "
			       "(state kept across opens?);"
			       " the last ops were:\n");
		for (i = k > 20 ? k - 20 : 0; i <= k; i++)
			ksft_print_msg("  %s\n", op_str(&t[i]));
		return;
	}
	n = shrink(t, d + 1);
	ksft_print_msg("shortest trace found (%ld ops, %ld replays), on fresh "
		       "opens:\n", n, replays);
	replay(t, n, true);
	ksft_print_msg("  -> %s\n", why);
	reset();
}

/* ---- the run ------------------------------------------------------------- */

enum { R_POS, R_ZERO, R_EFAULT, R_EINVAL, R_EBADF, R_ENOSPC, R_ENXIO,
       R_OTHER, RESULTS };
static const char *const result_name[RESULTS] = {
	">0", "0", "EFAULT", "EINVAL", "EBADF", "ENOSPC", "ENXIO", "other" };
static uint64_t stats[KINDS][RESULTS], edge_copies;

static void count(const struct op *op, int64_t r)
{
	int i;

	for (i = 0; i < op->nseg && r > 0; i++)
		edge_copies += op->seg[i].where == B_EDGE;
	int c = r > 0 ? R_POS : r == 0 ? R_ZERO : r == -EFAULT ? R_EFAULT :
		r == -EINVAL ? R_EINVAL : r == -EBADF ? R_EBADF :
		r == -ENOSPC ? R_ENOSPC : r == -ENXIO ? R_ENXIO : R_OTHER;

	stats[op->kind][c]++;
}

static void print_stats(void)
{
	char line[256];
	size_t len;
	int k, c;

	for (k = 0; k < KINDS; k++) {
		len = snprintf(line, sizeof(line), "%-8s", kind_name[k]);
		for (c = 0; c < RESULTS; c++)
			if (stats[k][c])
				len += snprintf(line + len, sizeof(line) - len,
						" %s:%" PRIu64, result_name[c],
						stats[k][c]);
		ksft_print_msg("  %s\n", line);
	}
}

/*
 * The longest length access_ok() passes (user_len_max), with fd at the end
 * of the file: read() there copies nothing, so it fails with EFAULT
 * exactly when access_ok() does (vfs_read() asks it first).
 */
static int probe_len_max(int fd)
{
	/* lo passes, hi fails on every 64-bit kernel */
	uint64_t lo = 1, hi = 1ULL << 62;

	if (read(fd, ARENA, lo) != 0) {
		ksft_perror("read 1 byte at the end: not 0");
		return -1;
	}
	if (read(fd, ARENA, hi) >= 0 || errno != EFAULT) {
		ksft_perror("read 2^62 bytes: not EFAULT");
		return -1;
	}
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		ssize_t n = read(fd, ARENA, mid);

		if (n != 0 && errno != EFAULT) {
			ksft_print_msg("read %" PRIu64 " bytes: %zd (%s)\n",
				       mid, n, strerror(errno));
			return -1;
		}
		*(n == 0 ? &lo : &hi) = mid;
	}
	user_len_max = lo;
	return 0;
}

/* Ask the kernel what differs between kernels (see vec_mode_first). */
static int probe_vfs(void)
{
	struct iovec v = { ARENA, SIZE_MAX };
	int fd = open(HELLO_DEV, O_WRONLY | O_CLOEXEC);
	long ret;

	if (fd < 0) {
		ksft_perror("open O_WRONLY");
		return -1;
	}
	ret = readv(fd, &v, 1) < 0 ? errno : 0;
	close(fd);
	if (ret != EBADF && ret != EINVAL) {
		ksft_print_msg("readv(O_WRONLY, {SIZE_MAX}) gave %ld\n", ret);
		return -1;
	}
	vec_mode_first = ret == EBADF;

	fd = open(HELLO_DEV, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_perror("open O_RDONLY");
		return -1;
	}
	v.iov_len = LLONG_MAX;
	ret = readv(fd, &v, 1);
	if (ret < 0)
		ret = -errno;
	close(fd);
	if (ret != -EFAULT && ret != SZ) {
		ksft_print_msg("readv(O_RDONLY, {LLONG_MAX}) gave %ld\n", ret);
		return -1;
	}
	vec_one_ubuf = ret == SZ;

	fd = open(HELLO_DEV, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ksft_perror("open O_RDONLY");
		return -1;
	}
	if (lseek(fd, SZ, SEEK_SET) != SZ) {
		ksft_perror("lseek to the end");
		ret = -1;
	} else {
		ret = probe_len_max(fd);
	}
	close(fd);
	if (ret)
		return -1;
	ksft_print_msg("access_ok() passes at most %" PRIu64 " bytes at %p\n",
		       user_len_max, (void *)ARENA);
	ksft_print_msg("readv/writev check the access mode %s the iovec;"
		       " one segment is %s\n",
		       vec_mode_first ? "before" : "after", vec_one_ubuf ?
		       "clamped to MAX_RW_COUNT before access_ok()" :
		       "checked by access_ok() whole");
	return 0;
}

/* The fuzzing itself: true if the device matched the model throughout. */
static bool fuzz_run(void)
{
	uint64_t done = 0, next_note = 200000;
	double t0 = now(), dt;
	long k;

	if (probe_vfs())
		return false;
	rng_state = opt_seed;
	while (done < opt_ops) {
		reset();
		for (k = 0; k < EPISODE && done < opt_ops; k++) {
			gen(&episode[k]);
			done++;
			if (step(&episode[k])) {
				report(k, done);
				return false;
			}
			count(&episode[k], last_result);
		}
		if (done >= next_note && done < opt_ops) {
			ksft_print_msg("%" PRIu64 " ops, %.0f ops/s\n", done,
				       done / (now() - t0));
			next_note += 200000;
		}
	}
	reset();
	dt = now() - t0;
	ksft_print_msg("%" PRIu64
		       " ops in %.1f s: %.0f ops/s (each op plus its offset "
		       "and buffer checks);"
		       " results per call:\n", done, dt, done / dt);
	print_stats();
	ksft_print_msg("  %" PRIu64
		       " calls copied bytes next to an unmapped page\n",
		       edge_copies);
	return true;
}

static bool no_leak(void)
{
	reset();
	return none_live();
}

static bool unloads(void)
{
	int ret = mod_unload();

	if (ret)
		ksft_print_msg("delete_module: %s\n", strerror(-ret));
	return ret == 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: fuzz [-s SEED] [-n OPS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char *end;
	int c, ret;
	bool ok;

	while ((c = getopt(argc, argv, "s:n:")) != -1) {
		switch (c) {
		case 's':
			opt_seed = strtoull(optarg, &end, 0);
			seed_given = true;
			break;
		case 'n':
			opt_ops = strtoull(optarg, &end, 0);
			break;
		default:
			usage();
		}
		if (*end || !*optarg)
			usage();
	}
	if (optind != argc)
		usage();
	if (!seed_given &&
	    getrandom(&opt_seed, sizeof(opt_seed), GRND_NONBLOCK) !=
	    sizeof(opt_seed))
		opt_seed = (uint64_t)now() * 1000003 ^ getpid();
	ksft_print_header();
	ksft_set_plan(4);
	ksft_print_msg("fuzz: seed %" PRIu64 ", %" PRIu64
		       " ops (make fuzz SEED=%" PRIu64 " OPS=%" PRIu64
		       " replays them)\n",
		       opt_seed, opt_ops, opt_seed, opt_ops);
	if (arena_init())
		ksft_exit_fail_perror("mapping the buffers at 0x200000000");

	/* loaded here, or already */
	ret = mod_load("");
	if (ret && ret != -EEXIST)
		ksft_print_msg("finit_module(" HELLO_KO "): %s\n",
			       strerror(-ret));
	ksft_test_result(ret == 0 || ret == -EEXIST, "fuzz.module_loads\n");
	/* a hang must not outlive the job */
	alarm(FUZZ_TIMEOUT);
	ok = fuzz_run();
	alarm(0);
	ksft_test_result(ok, "fuzz.ops_match_model\n");
	ksft_test_result(no_leak(), "fuzz.no_live_allocation\n");
	ksft_test_result(unloads(), "fuzz.module_unloads\n");
	ksft_finished();
}
