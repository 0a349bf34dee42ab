/*
 * replay_main.c - the engine-free driver: runs a fuzz target once on each
 * given file, and on every file inside given directories (recursively,
 * sorted, dotfiles skipped).  Arguments starting with '-' are ignored, so a
 * libFuzzer command line replays unchanged.
 *
 * Each input is copied into a heap buffer of exactly its size (c-ares
 * test/ares-fuzz.c), so AddressSanitizer sees any read past its end.  A
 * failing input aborts inside the target; the signal handler and the
 * sanitizer death callback name it first (SQLite fuzzcheck: the replay
 * names the failing file).  FF_REPLAY_VERBOSE=1 names every input.
 *
 * Exit: 0 when every input ran, 1 when a path could not be read, 2 on
 * usage; a failing input ends the process through abort() or the sanitizer.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

/* Set by ASan/UBSan when linked in; weak so gcc and plain builds link. */
void __sanitizer_set_death_callback(void (*callback)(void))
	__attribute__((weak));

#define MAX_DEPTH 16

static const char *volatile cur_input;
static unsigned long nr_inputs;
static int verbose;

static void name_failing_input(void)
{
	const char *name = cur_input;
	static const char pre[] = "replay: failing input: ";

	if (!name)
		return;
	/* Only async-signal-safe calls from here. */
	if (write(STDERR_FILENO, pre, sizeof(pre) - 1) < 0 ||
	    write(STDERR_FILENO, name, strlen(name)) < 0 ||
	    write(STDERR_FILENO, "\n", 1) < 0)
		return;
}

static void on_fatal_signal(int sig)
{
	name_failing_input();
	/* SA_RESETHAND restored the default action: die by the same signal. */
	raise(sig);
}

static void install_handlers(void)
{
	static const int sigs[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	/* ASan and UBSan exit rather than abort; they call this first. */
	if (__sanitizer_set_death_callback)
		__sanitizer_set_death_callback(name_failing_input);
}

/* Returns 0, or -1 with a message on stderr. */
static int replay_file(const char *path, off_t size)
{
	uint8_t *buf;
	size_t got = 0;
	FILE *f;

	/* Exactly size bytes; malloc(0) may return NULL, and the engines
	 * never pass NULL, so an empty input gets a 1-byte buffer. */
	buf = malloc(size ? (size_t)size : 1);
	if (!buf) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		return -1;
	}
	f = fopen(path, "rb");
	if (f) {
		got = fread(buf, 1, (size_t)size, f);
		fclose(f);
	}
	if (!f || got != (size_t)size) {
		fprintf(stderr, "replay: %s: cannot read: %s\n", path,
			f ? "short read" : strerror(errno));
		free(buf);
		return -1;
	}

	if (verbose)
		fprintf(stderr, "running: %s\n", path);
	cur_input = path;
	LLVMFuzzerTestOneInput(buf, (size_t)size);
	cur_input = NULL;
	nr_inputs++;
	free(buf);
	return 0;
}

static int filter_dotfiles(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int replay_path(const char *path, int depth)
{
	struct dirent **names;
	struct stat st;
	int n, err = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode))
		return replay_file(path, st.st_size);
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "replay: %s: not a file or directory\n", path);
		return -1;
	}
	if (depth >= MAX_DEPTH) {
		fprintf(stderr, "replay: %s: nested too deep\n", path);
		return -1;
	}

	n = scandir(path, &names, filter_dotfiles, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
		char *child = malloc(len);

		if (!child) {
			fprintf(stderr, "replay: out of memory\n");
			err = -1;
		} else {
			snprintf(child, len, "%s/%s", path, names[i]->d_name);
			if (replay_path(child, depth + 1) < 0)
				err = -1;
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	const char *v = getenv("FF_REPLAY_VERBOSE");
	int nr_paths = 0, bad = 0;

	verbose = v && strcmp(v, "1") == 0;
	if (argc < 2) {
		fprintf(stderr,
			"usage: %s FILE|DIR...\n"
			"Runs the fuzz target once on each file (directories "
			"recursively).\nFF_REPLAY_VERBOSE=1 names each input.\n",
			argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	install_handlers();

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		nr_paths++;
		if (replay_path(argv[i], 0) < 0)
			bad++;
	}
	printf("replayed %lu inputs from %d paths\n", nr_inputs, nr_paths);
	if (bad) {
		fprintf(stderr, "replay: %d of %d paths could not be read\n",
			bad, nr_paths);
		return 1;
	}
	return 0;
}
