/*
 * readfile.c - reading a whole input file (readfile.h): "-" is standard
 * input; a regular file over FF_READ_MAX is refused before it is read.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "foliofuzz/readfile.h"

char *ff_read_file(const char *path, size_t *size, char *err, size_t errlen)
{
	bool in = strcmp(path, "-") == 0; /* standard input */
	FILE *f = in ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	struct stat st;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	/* a regular file over the limit is refused before reading it */
	if (!in && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size > FF_READ_MAX) {
		snprintf(err, errlen,
			 "%s: too large (%llu bytes; inputs are limited to "
			 "%u MiB)",
			 path, (unsigned long long)st.st_size,
			 FF_READ_MAX >> 20);
		fclose(f);
		return NULL;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb = NULL;

			cap = cap ? cap * 2 : 4096;
			if (cap <= FF_READ_MAX)
				nb = realloc(buf, cap + 1);
			if (!nb) {
				snprintf(err, errlen,
					 "%s: too large (inputs are limited to "
					 "%u MiB)",
					 path, FF_READ_MAX >> 20);
				free(buf);
				if (!in)
					fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		free(buf);
		if (!in)
			fclose(f);
		return NULL;
	}
	if (!in)
		fclose(f);
	if (!buf)
		buf = malloc(1);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	buf[n] = 0;
	*size = n;
	return buf;
}
