/*
 * trace.c - the codec: bytes <-> ops <-> text.
 *
 * Bytes: an opcode byte (a slot of the target's fixed opcode space,
 * targets.c; unassigned slots decode to the reserved op) followed by one
 * byte per argument (taken modulo the argument's range; a missing byte
 * reads as 0).  Every byte string decodes, so every mutation is a program.
 * Canonical bytes (what ff_encode writes) decode back to the same ops.
 *
 * Text: "# foliofuzz trace" then one op per line, "name key=value ...",
 * values as numbers or as the argument's symbolic names; '#' starts a
 * comment.  Parsing is strict (unknown op or key, duplicate key, value out
 * of range) and reports "file:line:col: message"; it never aborts.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/harness.h"

void ff_prog_init(struct ff_prog *p)
{
	memset(p, 0, sizeof(*p));
}

void ff_prog_free(struct ff_prog *p)
{
	free(p->ops);
	ff_prog_init(p);
}

int ff_prog_push(struct ff_prog *p, const struct ff_op *op)
{
	if (p->nr >= FF_MAX_PROG)
		return -1;
	if (p->nr == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct ff_op *n = realloc(p->ops, cap * sizeof(*n));

		if (!n)
			return -1;
		p->ops = n;
		p->cap = cap;
	}
	p->ops[p->nr++] = *op;
	return 0;
}

void ff_decode(const uint8_t *data, size_t size, struct ff_prog *out)
{
	ff_decode_target(&ff_targets[0], data, size, out);
}

void ff_decode_target(const struct ff_target *t, const uint8_t *data,
		      size_t size, struct ff_prog *out)
{
	size_t i = 0;

	out->nr = 0;
	while (i < size && out->nr < FF_MAX_PROG) {
		struct ff_op op = { 0 };
		const struct ff_op_desc *d;

		op.code = ff_target_code(t, data[i++]);
		d = &ff_op_table[op.code];
		for (int a = 0; a < d->nargs; a++) {
			unsigned int v = i < size ? data[i++] : 0;

			op.arg[a] = (uint8_t)(v % d->args[a].range);
		}
		if (ff_prog_push(out, &op))
			break;
	}
}

size_t ff_encode(const struct ff_prog *p, uint8_t *out, size_t cap)
{
	return ff_encode_target(&ff_targets[0], p, out, cap);
}

size_t ff_encode_target(const struct ff_target *t, const struct ff_prog *p,
			uint8_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t k = 0; k < p->nr; k++) {
		const struct ff_op *op = &p->ops[k];
		const struct ff_op_desc *d = &ff_op_table[op->code];
		int byte = ff_target_byte(t, op->code);

		if (byte < 0)
			return (size_t)-1;
		if (n < cap)
			out[n] = (uint8_t)byte;
		n++;
		for (int a = 0; a < d->nargs; a++) {
			if (n < cap)
				out[n] = op->arg[a];
			n++;
		}
	}
	return n;
}

void ff_op_print(FILE *f, const struct ff_op *op)
{
	const struct ff_op_desc *d = &ff_op_table[op->code];

	fputs(d->name, f);
	for (int a = 0; a < d->nargs; a++) {
		const struct ff_arg_desc *ad = &d->args[a];

		if (ad->names)
			fprintf(f, " %s=%s", ad->name, ad->names[op->arg[a]]);
		else
			fprintf(f, " %s=%u", ad->name, op->arg[a]);
	}
}

const char *ff_trace_target;

void ff_trace_print(FILE *f, const struct ff_prog *p, size_t upto)
{
	fputs("# foliofuzz trace\n", f);
	if (ff_trace_target)
		fprintf(f, "# target: %s\n", ff_trace_target);
	for (size_t k = 0; k < p->nr && k < upto; k++) {
		ff_op_print(f, &p->ops[k]);
		fputc('\n', f);
	}
}

int ff_is_text_trace(const uint8_t *data, size_t size, const char *fname)
{
	static const char magic[] = "# foliofuzz trace";
	size_t len = fname ? strlen(fname) : 0;

	if (len >= 6 && strcmp(fname + len - 6, ".trace") == 0)
		return 1;
	return size >= sizeof(magic) - 1 &&
	       memcmp(data, magic, sizeof(magic) - 1) == 0;
}

/* --- parser */

struct lexer {
	const char *s, *end, *fname;
	unsigned line;
	const char *line_start;
	char *err;
	size_t errlen;
};

static int perr(struct lexer *lx, const char *at, const char *fmt,
		const char *a, const char *b)
{
	int col = (int)(at - lx->line_start) + 1;
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
	snprintf(lx->err, lx->errlen, "%s:%u:%d: %s", lx->fname, lx->line, col,
		 msg);
	return -1;
}

static bool is_word(int c)
{
	return isalnum(c) || c == '_';
}

/* Copies [a, b) into buf as a NUL-terminated token (truncated safely). */
static void tok(char *buf, size_t n, const char *a, const char *b)
{
	size_t len = (size_t)(b - a);

	if (len >= n)
		len = n - 1;
	memcpy(buf, a, len);
	buf[len] = 0;
}

static int parse_value(struct lexer *lx, const struct ff_arg_desc *ad,
		       const char *a, const char *b, uint8_t *out)
{
	char buf[64];

	tok(buf, sizeof(buf), a, b);
	if (a == b)
		return perr(lx, a, "missing value for '%s'%s", ad->name, NULL);
	if (isdigit((unsigned char)*a)) {
		char *endp;
		unsigned long v;

		const char *d = a;

		while (d + 1 < b && *d == '0') /* leading zeros: 007 is 7 */
			d++;
		if ((size_t)(b - d) > 10)
			return perr(lx, a, "number '%s' out of range for '%s'",
				    buf, ad->name);
		v = strtoul(buf, &endp, 10);
		if (*endp)
			return perr(lx, a, "bad number '%s' for '%s'", buf,
				    ad->name);
		if (v >= ad->range) {
			char lim[32];

			snprintf(lim, sizeof(lim), "%u", ad->range - 1);
			return perr(lx, a, "value %s out of range 0..%s", buf,
				    lim);
		}
		*out = (uint8_t)v;
		return 0;
	}
	if (ad->names)
		for (unsigned v = 0; v < ad->range; v++)
			if (strcmp(ad->names[v], buf) == 0) {
				*out = (uint8_t)v;
				return 0;
			}
	return perr(lx, a, "unknown value '%s' for '%s'", buf, ad->name);
}

static int parse_line(struct lexer *lx, const char *p, const char *eol,
		      struct ff_prog *out)
{
	const struct ff_op_desc *d = NULL;
	struct ff_op op = { 0 };
	bool seen[FF_MAX_ARGS] = { 0 };
	const char *a;
	char name[64];

	while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p == eol || *p == '#')
		return 0;
	a = p;
	while (p < eol && is_word((unsigned char)*p))
		p++;
	if (p == a)
		return perr(lx, a, "expected an op name%s%s", NULL, NULL);
	tok(name, sizeof(name), a, p);
	for (int c = 0; c < FF_NR_OPS; c++)
		if (strcmp(ff_op_table[c].name, name) == 0) {
			d = &ff_op_table[c];
			op.code = (uint8_t)c;
		}
	if (!d)
		return perr(lx, a, "unknown op '%s'%s", name, NULL);
	for (;;) {
		const char *k, *v;
		int idx = -1;

		while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
			p++;
		if (p == eol || *p == '#')
			break;
		k = p;
		while (p < eol && is_word((unsigned char)*p))
			p++;
		if (p == k || p == eol || *p != '=')
			return perr(lx, p == k ? k : p,
				    "expected key=value after '%s'%s", name,
				    NULL);
		tok(name, sizeof(name), k, p);
		for (int i = 0; i < d->nargs; i++)
			if (strcmp(d->args[i].name, name) == 0)
				idx = i;
		if (idx < 0)
			return perr(lx, k, "unknown argument '%s' for '%s'",
				    name, d->name);
		if (seen[idx])
			return perr(lx, k, "duplicate argument '%s'%s", name,
				    NULL);
		seen[idx] = true;
		v = ++p;
		while (p < eol && is_word((unsigned char)*p))
			p++;
		if (p < eol && *p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '#')
			return perr(lx, p, "unexpected character after '%s'%s",
				    name, NULL);
		if (parse_value(lx, &d->args[idx], v, p, &op.arg[idx]))
			return -1;
	}
	/* A missing argument is 0, as a missing byte is in the encoding. */
	if (ff_prog_push(out, &op))
		return perr(lx, lx->line_start, "too many ops (limit %s)%s",
			    "4096", NULL);
	return 0;
}

int ff_trace_parse(const char *text, size_t len, const char *fname,
		   struct ff_prog *out, char *err, size_t errlen)
{
	struct lexer lx = { text,  text + len, fname ? fname : "<trace>",
			    0,	   text,       err,
			    errlen };
	const char *p = text;

	out->nr = 0;
	while (p < lx.end) {
		const char *eol = memchr(p, '\n', (size_t)(lx.end - p));

		if (!eol)
			eol = lx.end;
		lx.line++;
		lx.line_start = p;
		if (memchr(p, 0, (size_t)(eol - p)))
			return perr(&lx, p, "NUL byte in text trace%s%s", NULL,
				    NULL);
		if (parse_line(&lx, p, eol, out))
			return -1;
		p = eol + 1;
	}
	return 0;
}
