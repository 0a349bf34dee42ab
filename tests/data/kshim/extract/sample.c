/*
 * sample.c - a made-up file in the kernel's style for
 * tests/scripts/test_kshim_extract.sh.  Written for foliofuzz: no kernel
 * code.  It has the shapes `scripts/kshim_tool.py extract` must get
 * right: return types on their own line, a prototype before its
 * definition, braces in comments, strings and char literals, #ifdef in a
 * body (also one whose branches each open a brace), multi-line macros, a
 * struct, an enum and a union, a name defined under both #ifdef and
 * #else, kernel-doc above a function, macro invocations with no ';'.
 *
 * The test's expected files hold its line numbers: edit them together.
 */
#define SMP_SHIFT	3
#define SMP_TAG_MASK	((1UL << SMP_SHIFT) - 1)
#define SMP_LIMIT	64	/* a comment that goes
				   on to the next line */

/* a brace in a comment: { */
#define SMP_EMPTY_INIT	{ 0, NULL, NULL }
#define SMP_BEGIN	do {
#define SMP_END		} while (0)

struct smp_box {
	unsigned long val;
	const char *label;	/* "}" */
	int (*check)(const struct smp_box *box);
};

enum smp_state {
	SMP_IDLE,
	SMP_BUSY = 2,
};

union smp_word {
	unsigned long raw;
	unsigned char bytes[sizeof(unsigned long)];
};

static int smp_box_tag(const struct smp_box *box);
extern int smp_only_declared(int x);

#define smp_for_each_set_bit(bit, word)				\
	for ((bit) = 0; (bit) < 8 * (int)sizeof(word); (bit)++)	\
		if (!((word) & (1UL << (bit)))) {		\
		} else

/**
 * smp_box_tag() - The low bits of a box's value.
 * @box: The box; a { in kernel-doc.
 *
 * Return: the tag.
 */
static inline int
smp_box_tag(const struct smp_box *box)
{
	return box->val & SMP_TAG_MASK;	/* never } here */
}

static __always_inline unsigned long
smp_box_value(const struct smp_box *box)
{
	// a line comment with a brace {
	return box->val >> SMP_SHIFT;
}

static const char *smp_box_name(const struct smp_box *box)
{
	const char *open = "{", *close = "}\"{";
	char c = '}', q = '\'';

	if (!box->label)
		return c == '{' || q == '"' ? open : close;
	return box->label;
}

#ifdef SMP_DEBUG
static int smp_check(const struct smp_box *box)
{
	return smp_box_tag(box) != 0;
}
#else
static int smp_check(const struct smp_box *box)
{
	return 0;
}
#endif

static noinline int smp_count(const struct smp_box *box, int n)
{
	int i, bit, count = 0;

	for (i = 0; i < n; i++) {
#ifdef SMP_DEBUG
		if (smp_check(&box[i])) {
			count += SMP_LIMIT;
			continue;
		}
#endif
		smp_for_each_set_bit(bit, box[i].val)
			count++;
	}
	return count;
}

static int smp_sum(const unsigned char *p, int n)
{
	int i, sum = 0;

#ifdef SMP_BACKWARDS
	for (i = n - 1; i >= 0; i--) {
#else
	for (i = 0; i < n; i++) {
#endif
		sum += p[i];
	}
	return sum;
}

static void smp_reset(struct smp_box *box)
	__must_hold(box)
{
	SMP_BEGIN
		box->val = 0;
	SMP_END;
}

static int smp_total(const struct smp_box *box)
{
	return smp_count(box, 1) + smp_box_tag(box) + smp_check(box);
}

#define SMP_GEN(name) static inline int smp_gen_##name(void) { return 1; }
SMP_GEN(one)
SMP_GEN(two)
static inline int smp_after_gen(void)
{
	return smp_gen_one() + smp_gen_two();
}

unsigned long smp_where(const char **file)
{
	*file = __FILE__;
	return __LINE__;
}
