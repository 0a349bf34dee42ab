/*
 * readfile.h - reading a whole input file (a trace or raw bytes), for the
 * CLI and the "# expect:" parser alike.
 */
#ifndef FOLIOFUZZ_READFILE_H
#define FOLIOFUZZ_READFILE_H

#include <stddef.h>

/* Files larger than this are refused: no input of ours comes near it. */
#define FF_READ_MAX (64u << 20)

/*
 * Reads all of path into a malloc'd buffer with a NUL after the last byte
 * (so a text file is also a C string); *size is the byte count.  Returns
 * NULL with "PATH: reason" in err on error.
 */
char *ff_read_file(const char *path, size_t *size, char *err, size_t errlen);

#endif
