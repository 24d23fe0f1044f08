/* Line diff (see text_diff.h). The texts are cut into lines, each with a
 * hash so that most comparisons are one integer; the common head and tail are
 * set aside (most edits touch a few lines of a long text); Myers' greedy
 * search then runs forward over what is left, keeping each round's frontier
 * for the walk back that reads the edit script off it. */
#include "base/text_diff.h"

#include <stdint.h>
#include <string.h>

/* The search indexes lines with 32-bit integers to halve its memory. */
#define TEXT_DIFF_MAX_LINES (INT32_MAX / 2)

typedef struct line {
	const char *s;
	size_t len;
	uint64_t hash;
} line;

/* FNV-1a: cheap, and collisions only cost a memcmp. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static line *split_lines(arena *a, const char *s, size_t n, size_t *count)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++)
		cap += s[i] == '\n';
	line *out = arena_alloc(a, cap * sizeof(*out));
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		if (i == n && start == n)
			break; /* a final line end starts no new line */
		size_t len = i - start;
		if (len > 0 && s[start + len - 1] == '\r')
			len--;
		out[k++] = (line){s + start, len, hash_bytes(s + start, len)};
		start = i + 1;
	}
	*count = k;
	return out;
}

static bool same(const line *x, const line *y)
{
	return x->hash == y->hash && x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

/* Frontier of round d: the furthest x reached on diagonal k (x - y = k),
 * -1 when the round did not reach that diagonal. */
static int32_t reached(int32_t *const *trace, long d, long k)
{
	return k < -d || k > d ? -1 : trace[d][k + d];
}

/* Whether round d reaches diagonal k by a step down (an added line) from
 * diagonal k + 1 rather than right (a removed line) from k - 1; *x gets the
 * point's x before its snake, -1 when neither step stays in the n × m grid.
 * The same rule serves the search and the walk back. */
static bool step_down(int32_t *const *trace, long d, long k, long n, long m, long *x)
{
	long xd = reached(trace, d - 1, k + 1), xr = reached(trace, d - 1, k - 1);
	if (xd >= 0 && xd - k > m)
		xd = -1;
	if (xr >= 0 && ++xr > n)
		xr = -1;
	*x = xd >= xr ? xd : xr;
	return xd >= xr;
}

/* Writes the shortest edit script of a against b into ops, backwards from
 * ops[n + m]; returns where it starts, or -1 when it needs more than the
 * edit limit or the work left in *budget (decreased by the steps taken).
 * Scratch memory comes from tmp. */
static long myers(arena *tmp, const line *a, long n, const line *b, long m, size_t *budget, char *ops)
{
	long dmax = n + m < TEXT_DIFF_MAX_EDITS ? n + m : TEXT_DIFF_MAX_EDITS;
	int32_t **trace = arena_alloc(tmp, (size_t)(dmax + 1) * sizeof(*trace));
	size_t steps = 0;
	long found = -1;
	for (long d = 0; d <= dmax && found < 0; d++) {
		int32_t *v = arena_alloc(tmp, (size_t)(2 * d + 1) * sizeof(*v));
		trace[d] = v;
		for (long k = -d; k <= d; k++)
			v[k + d] = -1;
		for (long k = -d; k <= d; k += 2) {
			long x = 0;
			if (d > 0)
				step_down(trace, d, k, n, m, &x);
			steps++;
			if (x < 0)
				continue;
			long y = x - k;
			while (x < n && y < m && same(&a[x], &b[y])) {
				x++;
				y++;
				steps++;
			}
			v[k + d] = (int32_t)x;
			if (x == n && y == m) {
				found = d;
				break;
			}
		}
		if (steps > *budget)
			break;
	}
	*budget -= steps < *budget ? steps : *budget;
	if (found < 0)
		return -1;
	long pos = n + m, x = n, y = m;
	for (long d = found; d > 0; d--) {
		long k = x - y, px;
		bool down = step_down(trace, d, k, n, m, &px);
		long py = px - k; /* the point after the step, before the snake */
		while (x > px) {
			ops[--pos] = '=';
			x--;
			y--;
		}
		ops[--pos] = down ? '+' : '-';
		x = down ? px : px - 1;
		y = down ? py - 1 : py;
	}
	while (x > 0) {
		ops[--pos] = '=';
		x--;
	}
	return pos;
}

/* Within each run of changes, removed lines first, then added ones: the
 * order readers expect, and equally short. */
static void removals_first(char *ops, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (ops[i] == '=') {
			i++;
			continue;
		}
		size_t j = i, minus = 0;
		for (; j < n && ops[j] != '='; j++)
			minus += ops[j] == '-';
		memset(ops + i, '-', minus);
		memset(ops + i + minus, '+', j - i - minus);
		i = j;
	}
}

static void emit(text_diff *out, char op, const line *l, size_t from_line, size_t to_line)
{
	out->lines[out->n++] = (text_diff_line){op, l->s, l->len, from_line, to_line};
	out->removed += op == '-';
	out->added += op == '+';
}

void text_diff_run(arena *a, const char *old, size_t old_len, const char *new_text, size_t new_len, size_t *work,
                   text_diff *out)
{
	arena *tmp = arena_new();
	size_t na, nb;
	line *la = split_lines(tmp, old, old_len, &na);
	line *lb = split_lines(tmp, new_text, new_len, &nb);
	size_t budget = TEXT_DIFF_MAX_WORK;
	if (work != NULL && *work < budget)
		budget = *work;
	size_t allowed = budget;

	*out = (text_diff){.lines = arena_alloc(a, (na + nb + 1) * sizeof(*out->lines))};
	size_t head = 0, tail = 0;
	while (head < na && head < nb && same(&la[head], &lb[head]))
		head++;
	while (tail < na - head && tail < nb - head && same(&la[na - 1 - tail], &lb[nb - 1 - tail]))
		tail++;
	size_t n = na - head - tail, m = nb - head - tail;

	char *ops = arena_alloc(tmp, n + m + 1);
	long start = -1;
	if (n > 0 && m > 0 && n < TEXT_DIFF_MAX_LINES && m < TEXT_DIFF_MAX_LINES)
		start = myers(tmp, la + head, (long)n, lb + head, (long)m, &budget, ops);
	if (start < 0) {
		/* One side is empty, or a limit was hit: the middle is replaced. */
		out->truncated = n > 0 && m > 0;
		memset(ops, '-', n);
		memset(ops + n, '+', m);
		start = 0;
	}
	removals_first(ops + start, n + m - (size_t)start);

	for (size_t i = 0; i < head; i++)
		emit(out, '=', &la[i], i + 1, i + 1);
	size_t x = head, y = head;
	for (size_t i = (size_t)start; i < n + m; i++) {
		if (ops[i] == '=') {
			emit(out, '=', &la[x], x + 1, y + 1);
			x++;
			y++;
		} else if (ops[i] == '-') {
			emit(out, '-', &la[x], x + 1, 0);
			x++;
		} else {
			emit(out, '+', &lb[y], 0, y + 1);
			y++;
		}
	}
	for (size_t i = 0; i < tail; i++, x++, y++)
		emit(out, '=', &la[x], x + 1, y + 1);
	if (work != NULL)
		*work -= allowed - budget;
	arena_free(tmp);
}

void text_diff_context(text_diff *d, size_t context)
{
	size_t kept = 0, next = 0, last = SIZE_MAX;
	for (size_t i = 0; i < d->n; i++) {
		bool keep = d->lines[i].op != '=';
		if (keep) {
			last = i;
		} else {
			if (next < i)
				next = i;
			while (next < d->n && d->lines[next].op == '=')
				next++;
			keep = (last != SIZE_MAX && i - last <= context) || (next < d->n && next - i <= context);
		}
		if (keep)
			d->lines[kept++] = d->lines[i];
	}
	d->n = kept;
}
