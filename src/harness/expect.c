/*
 * expect.c - the one parser of a trace's "# expect:" line (expect.h has
 * the grammar).  The CLI (`foliofuzz expect`, `foliofuzz verify`), the
 * unit tests and the configure-time checker (cmake/expect_check.c) all
 * read expectations through it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foliofuzz/bugs.h"
#include "foliofuzz/expect.h"
#include "foliofuzz/readfile.h"
#include "foliofuzz/fail.h"

#define WANT_ANY                                                               \
	"want 'pass', 'I_ID with bugs=KNOB[,KNOB]', 'ASAN with "               \
	"bugs=KNOB', 'I_ID' or 'I_ID finding=F_ID fix=KNOB'"

/* A token of an expect line: a word ([A-Za-z0-9_]+) or one other
 * character; n == 0 at the end of the line. */
struct tok {
	const char *s;
	size_t n;
};

struct lexer {
	const char *p, *end;
	const char *path;
	int line;
	char *err;
	size_t errlen;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static struct tok next(struct lexer *lx)
{
	struct tok t;

	while (lx->p < lx->end && is_blank(*lx->p))
		lx->p++;
	t.s = lx->p;
	if (lx->p == lx->end) {
		t.n = 0;
		return t;
	}
	if (is_word(*lx->p)) {
		while (lx->p < lx->end && is_word(*lx->p))
			lx->p++;
	} else {
		lx->p++;
	}
	t.n = (size_t)(lx->p - t.s);
	return t;
}

static bool is(struct tok t, const char *word)
{
	return t.n == strlen(word) && strncmp(t.s, word, t.n) == 0;
}

static bool has_prefix(struct tok t, const char *prefix)
{
	size_t n = strlen(prefix);

	return t.n > n && strncmp(t.s, prefix, n) == 0;
}

/* "'tok'" or "the end of the line", for messages. */
static const char *show(struct tok t, char *buf, size_t n)
{
	if (!t.n)
		return "the end of the line";
	snprintf(buf, n, "'%.*s'", (int)(t.n > 64 ? 64 : t.n), t.s);
	return buf;
}

static int fail(struct lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct lexer *lx, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(lx->err, lx->errlen, "%s:%d: ", lx->path, lx->line);

	if (n < 0 || (size_t)n >= lx->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* A knob name token to its enum ff_bug via bugs.c; -1 with a message. */
static int knob(struct lexer *lx, struct tok t, const char *after)
{
	char name[128], msg[1024], b[80];
	uint64_t mask;

	if (!t.n || !is_word(*t.s))
		return fail(lx, "want a knob name after '%s', not %s", after,
			    show(t, b, sizeof(b)));
	snprintf(name, sizeof(name), "%.*s", (int)(t.n > 100 ? 100 : t.n), t.s);
	if (ff_bugs_parse(name, &mask, msg, sizeof(msg)))
		return fail(lx, "%s", msg);
	for (int i = 0; i < FF_NR_BUGS; i++)
		if (mask == 1ULL << i)
			return i;
	return fail(lx, "bad knob '%s'", name);
}

static int inv_id(struct lexer *lx, struct tok t)
{
	char name[128];
	int inv;

	snprintf(name, sizeof(name), "%.*s", (int)(t.n > 100 ? 100 : t.n), t.s);
	inv = ff_inv_lookup(name);
	if (inv == FF_INV_NONE)
		fail(lx, "unknown invariant '%s' (foliofuzz explain --list)",
		     name);
	return inv;
}

static int expect_end(struct lexer *lx, const char *after)
{
	char b[80];
	struct tok t = next(lx);

	if (t.n)
		return fail(lx, "unexpected %s after %s", show(t, b, sizeof(b)),
			    after);
	return 0;
}

/* "with bugs=K[,K...]", the "with" already read. */
static int parse_bugs(struct lexer *lx, struct ff_expect *e)
{
	char b[80];
	struct tok t = next(lx);
	size_t used = 0;

	if (!is(t, "bugs"))
		return fail(lx, "want 'bugs=KNOB[,KNOB]' after 'with', not %s",
			    show(t, b, sizeof(b)));
	t = next(lx);
	if (!is(t, "="))
		return fail(lx, "want '=' after 'bugs', not %s",
			    show(t, b, sizeof(b)));
	for (const char *after = "bugs=";;) {
		int k;

		t = next(lx);
		k = knob(lx, t, after);
		if (k < 0)
			return -1;
		e->mask |= 1ULL << k;
		if (used + t.n + 2 > sizeof(e->bugs))
			return fail(lx, "too many knobs");
		used += (size_t)snprintf(e->bugs + used, sizeof(e->bugs) - used,
					 "%s%.*s", used ? "," : "", (int)t.n,
					 t.s);
		t = next(lx);
		if (!t.n)
			return 0;
		if (!is(t, ","))
			return fail(lx,
				    "want ',' and another knob, or the end of "
				    "the line, not %s",
				    show(t, b, sizeof(b)));
		after = ",";
	}
}

/* "finding=F_ID fix=K", the "finding" already read. */
static int parse_finding(struct lexer *lx, struct ff_expect *e)
{
	char b[80], name[128];
	struct tok t = next(lx);
	const struct ff_finding_info *fd;

	if (!is(t, "="))
		return fail(lx, "want '=' after 'finding', not %s",
			    show(t, b, sizeof(b)));
	t = next(lx);
	if (!has_prefix(t, "F_") || !is_word(*t.s))
		return fail(lx,
			    "want a finding id (F_*) after 'finding=', not %s",
			    show(t, b, sizeof(b)));
	snprintf(name, sizeof(name), "%.*s", (int)(t.n > 100 ? 100 : t.n), t.s);
	for (int i = 0; i < FF_NR_FINDINGS; i++)
		if (strcmp(ff_findings[i].id, name) == 0)
			e->finding = i;
	if (e->finding == FF_FINDING_NONE) {
		int n = fail(lx, "unknown finding '%s' (known:", name);
		size_t len = strlen(lx->err);

		for (int i = 0; i < FF_NR_FINDINGS && len < lx->errlen; i++)
			len += (size_t)snprintf(lx->err + len, lx->errlen - len,
						" %s", ff_findings[i].id);
		if (len < lx->errlen)
			snprintf(lx->err + len, lx->errlen - len, ")");
		return n;
	}
	fd = &ff_findings[e->finding];
	if (fd->inv != e->inv)
		return fail(lx, "%s breaks %s (findings.def), not %s", fd->id,
			    ff_invs[fd->inv].id, ff_invs[e->inv].id);
	t = next(lx);
	if (!is(t, "fix"))
		return fail(lx, "want 'fix=KNOB' after 'finding=%s', not %s",
			    fd->id, show(t, b, sizeof(b)));
	t = next(lx);
	if (!is(t, "="))
		return fail(lx, "want '=' after 'fix', not %s",
			    show(t, b, sizeof(b)));
	e->fix = knob(lx, next(lx), "fix=");
	if (e->fix < 0)
		return -1;
	e->kind = FF_EXPECT_FINDING;
	return expect_end(lx, "'fix=KNOB'");
}

/* The body after "# expect:". */
static int parse_body(struct lexer *lx, struct ff_expect *e)
{
	char b[80], idb[80];
	struct tok t = next(lx), id;

	if (!t.n)
		return fail(lx, "empty expectation; " WANT_ANY);
	if (is(t, "pass"))
		return expect_end(lx, "'pass'");
	if (is(t, "ASAN")) {
		e->asan = true;
	} else if (has_prefix(t, "I_") && is_word(*t.s)) {
		e->inv = inv_id(lx, t);
		if (e->inv == FF_INV_NONE)
			return -1;
	} else {
		return fail(lx, "%s", WANT_ANY);
	}
	e->kind = FF_EXPECT_BUG;
	id = t;
	t = next(lx);
	if (!t.n)
		return 0; /* breaks as it is, without knobs */
	if (is(t, "with"))
		return parse_bugs(lx, e);
	if (is(t, "finding") && !e->asan)
		return parse_finding(lx, e);
	return fail(lx, "after %s want 'with bugs=KNOB[,KNOB]'%s, not %s",
		    show(id, idb, sizeof(idb)),
		    e->asan ? "" : " or 'finding=F_ID fix=KNOB'",
		    show(t, b, sizeof(b)));
}

/*
 * Is [p, end) an expect line?  1 with lx->p after the ':', 0 if not, -1
 * (error set) for "# expect" followed by an expectation but no ':'.
 */
static int expect_line(struct lexer *lx)
{
	struct tok t = next(lx);

	if (!is(t, "#"))
		return 0;
	t = next(lx);
	if (!is(t, "expect"))
		return 0;
	t = next(lx);
	if (is(t, ":"))
		return 1;
	if (is(t, "pass") || is(t, "ASAN") || has_prefix(t, "I_"))
		return fail(lx, "want ':' after '# expect'");
	return 0;
}

int ff_expect_parse(const char *text, size_t len, const char *path,
		    struct ff_expect *e, char *err, size_t errlen)
{
	struct lexer lx = { .path = path, .err = err, .errlen = errlen };
	const char *p = text, *end = text + len;
	int first = 0;

	memset(e, 0, sizeof(*e));
	e->kind = FF_EXPECT_PASS;
	e->inv = FF_INV_NONE;
	e->finding = FF_FINDING_NONE;
	e->fix = -1;
	if (errlen)
		err[0] = 0;
	for (int line = 1; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int rc;

		if (le > p && le[-1] == '\r')
			le--;
		lx.p = p;
		lx.end = le;
		lx.line = line;
		rc = expect_line(&lx);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (first)
				return fail(&lx,
					    "a second '# expect:' line (the "
					    "first is line %d); want one",
					    first);
			first = line;
			e->line = line;
			if (parse_body(&lx, e))
				return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int ff_expect_read(const char *path, struct ff_expect *e, char *err,
		   size_t errlen)
{
	size_t n;
	char *buf = ff_read_file(path, &n, err, errlen);
	int rc;

	if (!buf)
		return -1;
	rc = ff_expect_parse(buf, n, path, e, err, errlen);
	free(buf);
	return rc;
}

const char *ff_expect_kind_name(enum ff_expect_kind kind)
{
	switch (kind) {
	case FF_EXPECT_BUG:
		return "bug";
	case FF_EXPECT_FINDING:
		return "finding";
	case FF_EXPECT_PASS:
		break;
	}
	return "pass";
}

void ff_expect_format(const struct ff_expect *e, char *buf, size_t n)
{
	const char *id = e->asan	       ? "ASAN" :
			 e->inv != FF_INV_NONE ? ff_invs[e->inv].id :
						 "-";

	snprintf(buf, n, "%s\t%s\t%s\t%s\t%s", ff_expect_kind_name(e->kind), id,
		 e->bugs[0] ? e->bugs : "-",
		 e->finding != FF_FINDING_NONE ? ff_findings[e->finding].id :
						 "-",
		 e->fix >= 0 ? ff_bug_table[e->fix].name : "-");
}
