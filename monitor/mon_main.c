/* SPDX-License-Identifier: MIT */
/*
 * monitor/mon_main.c: vmi-run's entry: parse the command line, read and
 * validate the image (all before /dev/kvm is touched), run it, and exit
 * with one of the statuses of mon_exit.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mon_elf.h"
#include "mon_run.h"
#include "pers.h"

/* Read the whole image; returns 0, MON_EXIT_NOINPUT or MON_EXIT_DATAERR. */
static int read_image(const char *path, uint8_t **buf, size_t *len,
		      char *err, size_t errlen)
{
	struct stat st;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open image '%s': %s", path,
			 strerror(errno));
		return MON_EXIT_NOINPUT;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read image '%s': not a regular "
			 "file", path);
		goto err_fd;
	}
	if ((uint64_t)st.st_size > MON_IMAGE_MAX) {
		snprintf(err, errlen, "bad image '%s': larger than 1 GiB", path);
		close(fd);
		return MON_EXIT_DATAERR;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf) {
		snprintf(err, errlen, "out of memory reading '%s'", path);
		close(fd);
		return MON_EXIT_HOST;
	}
	while (done < *len) {
		ssize_t n = read(fd, *buf + done, *len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "cannot read image '%s': %s",
				 path, n < 0 ? strerror(errno) : "short read");
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

static int usage_error(const char *msg)
{
	fprintf(stderr, "vmi-run: %s (see vmi-run --help)\n", msg);
	return MON_EXIT_USAGE;
}

int main(int argc, char *argv[])
{
	static struct mon mon;
	struct mon_image img;
	char err[256];
	uint8_t *file;
	size_t len;
	int status;

	if (mon_args_parse(argc, (const char *const *)argv, &mon.cfg, err,
			   sizeof(err)) < 0)
		return usage_error(err);
	if (mon.cfg.help) {
		mon_usage(STDOUT_FILENO);
		return 0;
	}
	mon.pers = mon_pers_find(mon.cfg.hv);
	if (!mon.pers->available) {
		char list[64];
		mon_pers_list(list, sizeof(list));
		fprintf(stderr, "vmi-run: personality '%s' is not implemented "
			"yet (available: %s)\n", mon.pers->name, list);
		return MON_EXIT_USAGE;
	}
	status = read_image(mon.cfg.image, &file, &len, err, sizeof(err));
	if (status) {
		fprintf(stderr, "vmi-run: %s\n", err);
		return status;
	}
	if (mon_elf_check(file, len, mon.cfg.mem, &img, err, sizeof(err)) < 0) {
		fprintf(stderr, "vmi-run: bad image '%s': %s\n", mon.cfg.image,
			err);
		free(file);
		return MON_EXIT_DATAERR;
	}
	mon.out_fd = STDOUT_FILENO;
	mon_dev_init(&mon.dev);
	status = mon_run(&mon, &img, file);
	free(file);
	return status;
}
