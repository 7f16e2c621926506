/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_main.c: vmi-run's entry: parse the command line, read and
 * validate the image (all before /dev/kvm is touched), run it, and exit
 * with one of the statuses of mon_exit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mon_elf.h"
#include "mon_run.h"
#include "mon_pers.h"

/* Read the whole image; returns 0, MON_EXIT_NOINPUT or MON_EXIT_DATAERR.
 * Errors name it as (shown), the path made one printable line.  The open
 * does not wait: a named pipe with no writer (or a terminal line) would
 * block it before the watchdog runs and with the stop signals blocked,
 * so that neither --timeout nor SIGTERM could end vmi-run; O_NONBLOCK
 * makes it return at once, and fstat refuses anything but a regular file
 * (where O_NONBLOCK changes nothing).  O_NOCTTY: a terminal never becomes
 * vmi-run's controlling one. */
static int read_image(const char *path, const char *shown, uint8_t **buf,
		      size_t *len, char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open image '%s': %s", shown,
			 strerror(errno));
		return MON_EXIT_NOINPUT;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read image '%s': not a regular "
			 "file", shown);
		goto err_fd;
	}
	if ((uint64_t)st.st_size > MON_IMAGE_MAX) {
		snprintf(err, errlen, "bad image '%s': larger than 1 GiB", shown);
		close(fd);
		return MON_EXIT_DATAERR;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		snprintf(err, errlen, "out of memory reading '%s'", shown);
		close(fd);
		return MON_EXIT_HOST;
	}
	while (done < *len) {
		ssize_t n = read(fd, *buf + done, *len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot read image '%s': %s",
				 shown, n < 0 ? strerror(errno) : "short read");
			free(*buf);
			goto err_fd;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
err_fd:
	close(fd);
	return MON_EXIT_NOINPUT;
}

/* --help on stdout, a PIPE_BUF at a time once poll() says it takes one,
 * given up (status 0 all the same) if it takes nothing for
 * MON_OUT_GRACE_NS: the stop signals are blocked from the start, so a
 * write that waited on a full pipe nobody reads could never be ended. */
static void print_usage(void)
{
	char text[8192];
	size_t len = mon_usage(text, sizeof(text)), off = 0;

	while (off < len && mon_fd_ready(NULL, STDOUT_FILENO,
					 mon_now_ns() + MON_OUT_GRACE_NS)) {
		size_t k = len - off < PIPE_BUF ? len - off : PIPE_BUF;
		ssize_t n = write(STDOUT_FILENO, text + off, k);

		if (n > 0)
			off += (size_t)n;
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			break;
	}
}

static int usage_error(const char *msg)
{
	mon_say("%s (see vmi-run --help)", msg);
	return MON_EXIT_USAGE;
}

/*
 * A descriptor 0-2 that the caller left closed is opened on /dev/null,
 * so that no file vmi-run opens (the image, /dev/kvm) becomes its stdout
 * or stderr.  Guest output to a closed stdout is then dropped and counted
 * as a write error (EBADF) would be; returns that errno, or 0.
 */
static int std_fds(void)
{
	int err = 0;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lowest free descriptor: fd.  If even this fails, a
		 * write to it fails with EBADF, which is the same. */
		if (open("/dev/null", fd ? O_WRONLY : O_RDONLY) < 0)
			continue;
		if (fd == STDOUT_FILENO)
			err = EBADF;
	}
	return err;
}

int main(int argc, char *argv[])
{
	static struct mon mon;
	struct mon_image img;
	char err[256], image[128];
	uint8_t *file;
	size_t len;
	int status;

	mon.start_ns = mon_now_ns();
	mon_signals_init();
	mon.out.err = std_fds();
	if (mon_args_parse(argc, (const char *const *)argv, &mon.cfg, err,
			   sizeof(err)) < 0)
		return usage_error(err);
	if (mon.cfg.help) {
		print_usage();
		return 0;
	}
	mon.pers = mon_pers_find(mon.cfg.hv);
	if (!mon.pers->available) {
		char list[64];
		mon_pers_list(list, sizeof(list));
		mon_say("personality '%s' is not implemented yet (available: "
			"%s)", mon.pers->name, list);
		return MON_EXIT_USAGE;
	}
	mon_oneline(image, sizeof(image), mon.cfg.image, strlen(mon.cfg.image));
	status = read_image(mon.cfg.image, image, &file, &len, err, sizeof(err));
	if (status) {
		mon_say("%s", err);
		return status;
	}
	if (mon_elf_check(file, len, mon.cfg.mem, &img, err, sizeof(err)) < 0) {
		mon_say("bad image '%s': %s", image, err);
		free(file);
		return MON_EXIT_DATAERR;
	}
	mon.out_fd = STDOUT_FILENO;
	mon_dev_init(&mon.dev);
	status = mon_run(&mon, &img, file);
	free(file);
	return status;
}
