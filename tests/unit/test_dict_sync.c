/*
 * test_dict_sync.c - a fuzz target's dictionary agrees with the op table
 * and with the target's op subset (after curl-fuzzer
 * tests/test_tlv_constants_sync.py).
 *
 * dicts/<target>.dict belongs to fuzz target <target> (src/harness/
 * targets.c), whose opcode byte is the op's index in the target's subset
 * ("ops": the enum value).  Every entry is one whole op in that target's
 * canonical bytes, or a few whole ops in a row (a race op and the writer
 * op after it): every opcode byte is the canonical byte of an op of the
 * subset (ff_target_code / ff_target_byte), the key is op_<name>[_...]
 * with <name> the first op's name in ff_op_table, each op has exactly its
 * nargs argument bytes, every argument is inside its range, and the
 * target's codec decodes the entry to exactly those ops and encodes it
 * back unchanged.  Every op of the subset has at least one entry (an op a
 * target lists twice is covered through its canonical byte).  A
 * renumbered or renamed op, a reordered subset, or a changed argument
 * list, fails here instead of silently wasting the fuzzer's dictionary.
 *
 * usage: test_dict_sync PATH/TO/<target>.dict [TARGET]
 * The target defaults to the dictionary's file name without ".dict".
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

#define MAX_ENTRY 64

static const char *dict_path;
static int nr_errors;

static void __attribute__((format(printf, 2, 3)))
dict_error(int line, const char *fmt, ...)
{
	va_list ap;

	if (line)
		fprintf(stderr, "%s:%d: ", dict_path, line);
	else
		fprintf(stderr, "%s: ", dict_path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	nr_errors++;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses the libFuzzer dictionary syntax KEY="VALUE" with the escapes
 * libFuzzer accepts (\\, \", \xHH).  Returns the value length or -1. */
static int parse_entry(char *s, char **key, uint8_t *val)
{
	char *eq = strchr(s, '=');
	char *p;
	int n = 0;

	if (!eq || eq == s || eq[1] != '"')
		return -1;
	*eq = '\0';
	*key = s;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return -1;
	for (p = eq + 2; *p && *p != '"'; p++) {
		int c = (unsigned char)*p;

		if (n == MAX_ENTRY)
			return -1;
		if (c == '\\') {
			p++;
			if (*p == '\\' || *p == '"') {
				c = *p;
			} else if (*p == 'x' && hexval(p[1]) >= 0 &&
				   hexval(p[2]) >= 0) {
				c = hexval(p[1]) * 16 + hexval(p[2]);
				p += 2;
			} else {
				return -1;
			}
		}
		val[n++] = (uint8_t)c;
	}
	if (*p != '"')
		return -1;
	for (p++; *p; p++)
		if (!isspace((unsigned char)*p))
			return -1;
	return n;
}

/*
 * One entry: one whole op, or a few whole ops in a row (a race op and the
 * writer op after it, which only mean something together).  The key names
 * the first op.  covered[] is indexed by op code, so an op that a target
 * lists twice (a weight) is covered by its canonical byte.
 */
static void check_entry(const struct ff_target *t, int line, const char *key,
			const uint8_t *val, int len, int *covered)
{
	struct ff_op want[MAX_ENTRY];
	uint8_t got[MAX_ENTRY + 8];
	struct ff_prog prog;
	int pos = 0, nr = 0;
	size_t elen;

	if (strncmp(key, "op_", 3) != 0) {
		dict_error(line, "key %s: want op_<name>[_...]", key);
		return;
	}
	if (len == 0) {
		dict_error(line, "%s: empty entry", key);
		return;
	}
	while (pos < len) {
		const struct ff_op_desc *d;
		uint8_t b = val[pos], code;

		if (b >= t->nr_ops) {
			dict_error(line,
				   "%s: byte %u at offset %d is not a "
				   "canonical opcode of target '%s' (< %zu)",
				   key, b, pos, t->name, t->nr_ops);
			return;
		}
		code = ff_target_code(t, b);
		if (code >= FF_NR_OPS || ff_target_byte(t, code) != b) {
			dict_error(line,
				   "%s: target '%s' maps byte %u to op "
				   "%u, whose canonical byte is %d",
				   key, t->name, b, code,
				   code < FF_NR_OPS ? ff_target_byte(t, code) :
						      -1);
			return;
		}
		d = &ff_op_table[code];
		if (nr == 0) {
			size_t nlen = strlen(d->name);

			if (strncmp(key + 3, d->name, nlen) != 0 ||
			    (key[3 + nlen] != '\0' && key[3 + nlen] != '_')) {
				dict_error(line,
					   "%s: opcode byte %u is op '%s' "
					   "in target '%s'",
					   key, b, d->name, t->name);
				return;
			}
		}
		if (pos + 1 + d->nargs > len) {
			dict_error(line,
				   "%s: op %d (%s) at offset %d has %d "
				   "argument bytes, want %u",
				   key, nr, d->name, pos, len - pos - 1,
				   d->nargs);
			return;
		}
		for (int i = 0; i < d->nargs; i++) {
			if (d->args[i].range &&
			    val[pos + 1 + i] >= d->args[i].range) {
				dict_error(line,
					   "%s: op %d (%s): argument "
					   "%s=%u is not below %u",
					   key, nr, d->name, d->args[i].name,
					   val[pos + 1 + i], d->args[i].range);
				return;
			}
		}
		memset(&want[nr], 0, sizeof(want[nr]));
		want[nr].code = code;
		memcpy(want[nr].arg, val + pos + 1, d->nargs);
		nr++;
		pos += 1 + d->nargs;
	}
	for (int k = 0; k < nr; k++)
		covered[want[k].code] = 1;

	ff_prog_init(&prog);
	ff_decode_target(t, val, (size_t)len, &prog);
	if (prog.nr != (size_t)nr) {
		dict_error(line, "%s: decodes to %zu ops, want %d", key,
			   (size_t)prog.nr, nr);
	} else {
		for (int k = 0; k < nr; k++) {
			const struct ff_op_desc *d = &ff_op_table[want[k].code];

			if (prog.ops[k].code != want[k].code ||
			    memcmp(prog.ops[k].arg, want[k].arg, d->nargs)) {
				dict_error(line,
					   "%s: op %d does not decode to "
					   "that %s op",
					   key, k, d->name);
				ff_prog_free(&prog);
				return;
			}
		}
		elen = ff_encode_target(t, &prog, got, sizeof(got));
		if (elen != (size_t)len || memcmp(got, val, elen) != 0)
			dict_error(line,
				   "%s: ff_encode_target does not give "
				   "it back",
				   key);
	}
	ff_prog_free(&prog);
}

/* "dir/<name>.dict" -> "<name>" in buf. */
static const char *target_from_path(const char *path, char *buf, size_t cap)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".dict") == 0)
		n -= 5;
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, base, n);
	buf[n] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	int covered[FF_NR_OPS] = { 0 };
	char line[512], keys[256][64], tname[64];
	const struct ff_target *t;
	const char *name;
	int lineno = 0, nr = 0;
	FILE *f;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s PATH/TO/<target>.dict [TARGET]\n",
			argv[0]);
		return 2;
	}
	dict_path = argv[1];
	name = argc == 3 ? argv[2] :
			   target_from_path(dict_path, tname, sizeof(tname));
	t = ff_target_by_name(name);
	if (!t) {
		fprintf(stderr, "%s: no fuzz target '%s' (known:", dict_path,
			name);
		for (size_t i = 0; i < ff_nr_targets; i++)
			fprintf(stderr, " %s", ff_targets[i].name);
		fprintf(stderr, ")\n");
		return 2;
	}
	if (t->nr_ops == 0 || t->nr_ops > 256) {
		fprintf(stderr, "target '%s': %zu ops\n", t->name, t->nr_ops);
		return 1;
	}
	f = fopen(dict_path, "r");
	if (!f) {
		perror(dict_path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		uint8_t val[MAX_ENTRY];
		char *s = line, *key;
		int len;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			dict_error(lineno, "line too long");
			break;
		}
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		len = parse_entry(s, &key, val);
		if (len < 0) {
			dict_error(lineno, "not KEY=\"VALUE\"");
			continue;
		}
		for (int i = 0; i < nr; i++)
			if (strcmp(keys[i], key) == 0)
				dict_error(lineno, "duplicate key %s", key);
		if (nr < 256 && strlen(key) < sizeof(keys[0]))
			strcpy(keys[nr++], key);
		else
			dict_error(lineno,
				   "too many entries, or key too long: %s",
				   key);
		check_entry(t, lineno, key, val, len, covered);
	}
	fclose(f);

	for (size_t k = 0; k < t->nr_ops; k++)
		if (!covered[ff_target_code(t, (uint8_t)k)])
			dict_error(
				0,
				"no entry for op '%s' (byte %zu of "
				"target '%s')",
				ff_op_table[ff_target_code(t, (uint8_t)k)].name,
				k, t->name);
	if (nr_errors) {
		fprintf(stderr, "test_dict_sync: %d error(s)\n", nr_errors);
		return 1;
	}
	printf("test_dict_sync: target %s: %d entries, all %zu ops "
	       "covered\n",
	       t->name, nr, t->nr_ops);
	return 0;
}
