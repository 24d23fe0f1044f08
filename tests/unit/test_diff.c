/* Unit tests for core/text_diff.c: literal expected diffs (insert, delete,
 * change, empty sides, identical texts, CRLF against LF, Italian multibyte
 * lines), the context trimming, the edit and work limits, and random texts
 * checked against a textbook LCS table for minimality; then core/plan_diff.c
 * on two hand-written snapshots, with the whole answer written out. */
#include "base/text_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tenants/plans/plan_diff.h"

/* The diff as "op text" lines, "-b\n+B\n", or with the line numbers as well
 * ("=2,3 c"). Lives in a. */
static const char *render(arena *a, const text_diff *d, int numbers)
{
	size_t cap = 1;
	for (size_t i = 0; i < d->n; i++)
		cap += d->lines[i].len + 48;
	char *buf = arena_alloc(a, cap), *p = buf;
	for (size_t i = 0; i < d->n; i++) {
		const text_diff_line *l = &d->lines[i];
		if (numbers)
			p += sprintf(p, "%c%zu,%zu %.*s\n", l->op, l->from_line, l->to_line, (int)l->len, l->text);
		else
			p += sprintf(p, "%c%.*s\n", l->op, (int)l->len, l->text);
	}
	*p = '\0';
	return buf;
}

static const char *diff(arena *a, const char *old, const char *new_text, int numbers)
{
	text_diff d;
	text_diff_run(a, old, strlen(old), new_text, strlen(new_text), NULL, &d);
	return render(a, &d, numbers);
}

static void test_literals(void)
{
	arena *a = arena_new();
	CHECK_STR(diff(a, "a\nb\nc\n", "a\nb\nX\nc\n", 0), "=a\n=b\n+X\n=c\n", "insert one line");
	CHECK_STR(diff(a, "a\nb\nc\n", "a\nb\nX\nc\n", 1), "=1,1 a\n=2,2 b\n+0,3 X\n=3,4 c\n", "insert: line numbers");
	CHECK_STR(diff(a, "a\nb\nc\nd\n", "a\nd\n", 1), "=1,1 a\n-2,0 b\n-3,0 c\n=4,2 d\n", "delete two lines");
	CHECK_STR(diff(a, "a\nb\nc", "a\nB\nc", 0), "=a\n-b\n+B\n=c\n", "change one line");
	CHECK_STR(diff(a, "a\nb\nc\nd\ne\nf", "a\nx\nc\nd\ny\nf", 0), "=a\n-b\n+x\n=c\n=d\n-e\n+y\n=f\n",
	          "two changes");
	CHECK_STR(diff(a, "a\nb\nc", "c\na\nb", 0), "+c\n=a\n=b\n-c\n", "a line moved up: two edits");
	CHECK_STR(diff(a, "uno\ndue\n", "tre\nquattro\n", 0), "-uno\n-due\n+tre\n+quattro\n",
	          "everything changed: removals first");
	CHECK_STR(diff(a, "", "x\ny\n", 1), "+0,1 x\n+0,2 y\n", "empty old text");
	CHECK_STR(diff(a, "x\ny", "", 1), "-1,0 x\n-2,0 y\n", "empty new text");
	CHECK_STR(diff(a, "", "", 0), "", "both empty");
	CHECK_STR(diff(a, "\n", "", 0), "-\n", "one empty line against no line");
	CHECK_STR(diff(a, "a\n\nb", "a\nb", 0), "=a\n-\n=b\n", "an empty line removed");
	CHECK_STR(diff(a, "a\nb\n", "a\nb", 0), "=a\n=b\n", "a final line end is no line");
	CHECK_STR(diff(a, "a\r\nb\r\nc\r\n", "a\nb\nc\n", 0), "=a\n=b\n=c\n", "CRLF and LF lines are equal");
	CHECK_STR(diff(a, "a\r\nb\r\n", "a\nB\n", 0), "=a\n-b\n+B\n", "CRLF against LF with a change: no \\r shown");
	CHECK_STR(
	    diff(a, "Attività di città\nperché sì\nÈ già così\n", "Attività di città\nperché no 😀\nÈ già così\n", 1),
	    "=1,1 Attività di città\n-2,0 perché sì\n+0,2 perché no 😀\n=3,3 È già così\n",
	    "Italian multibyte lines, byte-exact");
	CHECK_STR(diff(a, "città\n", "citta\n", 0), "-città\n+citta\n", "an accent is a change");

	text_diff d;
	text_diff_run(a, "x\ny\n", 4, "x\ny\n", 4, NULL, &d);
	CHECK(d.n == 2 && d.removed == 0 && d.added == 0 && !d.truncated, "identical: only kept lines");
	text_diff_context(&d, 3);
	CHECK(d.n == 0, "identical: nothing left after the context trim");
	text_diff_run(a, "a\nb\nc", 5, "a\nB\nc", 5, NULL, &d);
	CHECK(d.removed == 1 && d.added == 1 && !d.truncated, "counts of a change");
	arena_free(a);
}

/* Lines "L1".."Ln" with line k replaced by repl (0: none). */
static const char *numbered(arena *a, int n, int k, const char *repl)
{
	char *buf = arena_alloc(a, (size_t)n * 16 + 64), *p = buf;
	for (int i = 1; i <= n; i++)
		p += i == k ? sprintf(p, "%s\n", repl) : sprintf(p, "L%d\n", i);
	*p = '\0';
	return buf;
}

static void test_context(void)
{
	arena *a = arena_new();
	const char *old = numbered(a, 20, 0, NULL), *new_text = numbered(a, 20, 10, "dieci");
	text_diff d;
	text_diff_run(a, old, strlen(old), new_text, strlen(new_text), NULL, &d);
	text_diff_context(&d, 3);
	CHECK_STR(render(a, &d, 1),
	          "=7,7 L7\n=8,8 L8\n=9,9 L9\n-10,0 L10\n+0,10 dieci\n=11,11 L11\n=12,12 L12\n=13,13 L13\n",
	          "three lines of context around one change");

	new_text = numbered(a, 20, 2, "due");
	text_diff_run(a, old, strlen(old), new_text, strlen(new_text), NULL, &d);
	text_diff_context(&d, 1);
	CHECK_STR(render(a, &d, 1), "=1,1 L1\n-2,0 L2\n+0,2 due\n=3,3 L3\n", "context cut at the start");

	/* Two changes 5 lines apart with context 2: two hunks, lines 6-7 left out. */
	const char *two = "L1\nL2\nL3\nx\nL5\nL6\nL7\nL8\nL9\ny\nL11\n";
	const char *orig = numbered(a, 11, 0, NULL);
	text_diff_run(a, orig, strlen(orig), two, strlen(two), NULL, &d);
	text_diff_context(&d, 2);
	CHECK_STR(
	    render(a, &d, 1),
	    "=2,2 L2\n=3,3 L3\n-4,0 L4\n+0,4 x\n=5,5 L5\n=6,6 L6\n=8,8 L8\n=9,9 L9\n-10,0 L10\n+0,10 y\n=11,11 L11\n",
	    "two hunks: the gap shows in the line numbers");
	text_diff_run(a, orig, strlen(orig), two, strlen(two), NULL, &d);
	text_diff_context(&d, 0);
	CHECK_STR(render(a, &d, 0), "-L4\n+x\n-L10\n+y\n", "no context: changes only");
	arena_free(a);
}

static void test_limits(void)
{
	arena *a = arena_new();
	/* 600 different lines on each side, with a common head and tail: 1200
	 * edits, over TEXT_DIFF_MAX_EDITS. */
	char *old = arena_alloc(a, 20000), *new_text = arena_alloc(a, 20000), *p = old, *q = new_text;
	p += sprintf(p, "inizio\n");
	q += sprintf(q, "inizio\n");
	for (int i = 0; i < 600; i++) {
		p += sprintf(p, "vecchia %d\n", i);
		q += sprintf(q, "nuova %d\n", i);
	}
	sprintf(p, "fine\n");
	sprintf(q, "fine\n");
	text_diff d;
	text_diff_run(a, old, strlen(old), new_text, strlen(new_text), NULL, &d);
	CHECK(d.truncated, "over the edit limit: truncated");
	CHECK(d.removed == 600 && d.added == 600 && d.n == 1202, "truncated: every middle line removed then added");
	CHECK(d.n == 1202 && d.lines[0].op == '=' && d.lines[1].op == '-' && d.lines[600].op == '-' &&
	          d.lines[601].op == '+' && d.lines[1200].op == '+' && d.lines[1201].op == '=',
	      "truncated: kept head, removals, additions, kept tail");
	CHECK(d.n == 1202 && d.lines[601].to_line == 2 && d.lines[1201].from_line == 602 &&
	          d.lines[1201].to_line == 602,
	      "truncated: line numbers");

	/* 400 edits is under the limit but not under a budget of 1000 steps. */
	p = old;
	q = new_text;
	for (int i = 0; i < 200; i++) {
		p += sprintf(p, "riga %d\n", i);
		q += sprintf(q, "riga %d%s\n", i, i % 2 ? "" : " modificata");
	}
	size_t work = 1000;
	text_diff_run(a, old, strlen(old), new_text, strlen(new_text), &work, &d);
	CHECK(d.truncated && d.removed == 199 && d.added == 199, "work budget spent: truncated (199 + 199 lines)");
	CHECK(work == 0, "the budget is used up");
	work = TEXT_DIFF_MAX_WORK;
	text_diff_run(a, old, strlen(old), new_text, strlen(new_text), &work, &d);
	CHECK(!d.truncated && d.removed == 100 && d.added == 100, "with a budget: 100 lines changed");
	CHECK(work < TEXT_DIFF_MAX_WORK && work > TEXT_DIFF_MAX_WORK - 100000, "the steps taken are charged");
	size_t before = work;
	text_diff_run(a, "a\nb", 3, "a\nb", 3, &work, &d);
	CHECK(work == before, "equal texts cost no search");
	arena_free(a);
}

/* Length of the longest common subsequence of lines, by the textbook table. */
static size_t lcs(char **x, size_t n, char **y, size_t m)
{
	size_t *t = calloc((n + 1) * (m + 1), sizeof(*t));
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++)
			t[i * (m + 1) + j] = strcmp(x[i - 1], y[j - 1]) == 0 ? t[(i - 1) * (m + 1) + j - 1] + 1
			                     : t[(i - 1) * (m + 1) + j] > t[i * (m + 1) + j - 1]
			                         ? t[(i - 1) * (m + 1) + j]
			                         : t[i * (m + 1) + j - 1];
	size_t r = t[n * (m + 1) + m];
	free(t);
	return r;
}

static void test_random(void)
{
	static const char *const words[] = {"a", "b", "c", "città"};
	srand(20211231);
	int bad_apply = 0, bad_len = 0;
	for (int round = 0; round < 300; round++) {
		arena *a = arena_new();
		char *xs[40], *ys[40];
		size_t n = (size_t)(rand() % 30), m = (size_t)(rand() % 30);
		char old[400] = "", new_text[400] = "";
		for (size_t i = 0; i < n; i++) {
			xs[i] = (char *)words[rand() % 4];
			strcat(old, xs[i]);
			strcat(old, "\n");
		}
		for (size_t i = 0; i < m; i++) {
			ys[i] = (char *)words[rand() % 4];
			strcat(new_text, ys[i]);
			strcat(new_text, "\n");
		}
		text_diff d;
		text_diff_run(a, old, strlen(old), new_text, strlen(new_text), NULL, &d);
		/* Applying the script gives back both texts. */
		char back_old[400] = "", back_new[400] = "";
		for (size_t i = 0; i < d.n; i++) {
			const text_diff_line *l = &d.lines[i];
			if (l->op != '+')
				strncat(back_old, l->text, l->len), strcat(back_old, "\n");
			if (l->op != '-')
				strncat(back_new, l->text, l->len), strcat(back_new, "\n");
		}
		if (strcmp(back_old, old) != 0 || strcmp(back_new, new_text) != 0)
			bad_apply++;
		/* Shortest: n + m - 2 * LCS edits. */
		if (d.truncated || d.removed + d.added != n + m - 2 * lcs(xs, n, ys, m))
			bad_len++;
		arena_free(a);
	}
	CHECK(bad_apply == 0, "random texts: the script rebuilds both sides (%d wrong)", bad_apply);
	CHECK(bad_len == 0, "random texts: the script is a shortest one (%d wrong)", bad_len);
}

/* The plan diff's JSON for two snapshot texts, in a; NULL when refused. */
static const char *plan_diff_json(arena *a, long long from_rev, const char *from, long long to_rev, const char *to)
{
	json_value *f, *t;
	char err[128];
	if (json_parse(a, from, strlen(from), &f, err, sizeof(err)) != JSON_OK ||
	    json_parse(a, to, strlen(to), &t, err, sizeof(err)) != JSON_OK) {
		printf("# test snapshot does not parse: %s\n", err);
		abort();
	}
	jw *w = jw_new(NULL, NULL);
	const char *out = NULL;
	if (plan_diff_render(w, a, from_rev, f, to_rev, t)) {
		size_t len;
		const char *buf = jw_buffer(w, &len);
		out = arena_strndup(a, buf, len);
	}
	jw_free(w);
	return out;
}

static const char SNAP_1[] =
    "{\"cycle\":{\"slug\":\"2020-2022\"},\"finance\":{\"income\":[]},\"format\":\"ambito-plan-snapshot/1\","
    "\"revision\":1,\"sections\":["
    "{\"actions\":[],\"area\":null,\"indicators\":[],\"key\":\"I.1\","
    "\"parts\":{\"nota\":\"uno\\ndue\\ntre\",\"premessa\":\"Testo invariato\"},\"spending\":[],"
    "\"status\":\"complete\",\"title\":\"Premessa\"},"
    "{\"actions\":[\"OS1-A6\"],\"area\":null,\"indicators\":[],\"key\":\"A.1.2\","
    "\"parts\":{\"analisi\":\"Analisi già fatta\\r\\nseconda riga\"},\"spending\":[],\"status\":\"partial\","
    "\"title\":\"Confini di ATS\"},"
    "{\"actions\":[],\"area\":\"B1\",\"indicators\":[],\"key\":\"B.1\",\"parts\":{},\"spending\":[],"
    "\"status\":\"empty\",\"title\":\"Esclusione sociale\"},"
    "{\"actions\":[],\"area\":null,\"indicators\":[],\"key\":\"Z.9\",\"parts\":{\"x\":\"via\"},"
    "\"spending\":[],\"status\":\"partial\",\"title\":\"Tolta\"}]}";

/* I.1: one line of "nota" changed; A.1.2: "analisi" only moved to LF line
 * ends, "obiettivi" added, an indicator added; B.1: spending added; N.1 is
 * new; Z.9 is gone; an income line added. */
static const char SNAP_2[] =
    "{\"cycle\":{\"slug\":\"2020-2022\"},\"finance\":{\"income\":[{\"amount_eur\":1000.00,\"note\":null,"
    "\"source\":\"regione\",\"year\":2021}]},\"format\":\"ambito-plan-snapshot/1\",\"revision\":2,\"sections\":["
    "{\"actions\":[],\"area\":null,\"indicators\":[],\"key\":\"I.1\","
    "\"parts\":{\"nota\":\"uno\\nDUE è\\ntre\",\"premessa\":\"Testo invariato\"},\"spending\":[],"
    "\"status\":\"complete\",\"title\":\"Premessa\"},"
    "{\"actions\":[\"OS1-A6\"],\"area\":null,\"indicators\":[{\"baseline\":null,\"kind\":\"result\","
    "\"name\":\"Comuni coinvolti\",\"source\":null,\"target\":\"23\",\"unit\":null}],\"key\":\"A.1.2\","
    "\"parts\":{\"analisi\":\"Analisi già fatta\\nseconda riga\",\"obiettivi\":\"Nuovi obiettivi 😀\"},"
    "\"spending\":[],\"status\":\"complete\",\"title\":\"Confini di ATS\"},"
    "{\"actions\":[],\"area\":\"B1\",\"indicators\":[],\"key\":\"B.1\",\"parts\":{},\"spending\":["
    "{\"amount_eur\":1500.00,\"funding_source\":\"fnps\",\"service\":\"Sportello\",\"year\":2021}],"
    "\"status\":\"partial\",\"title\":\"Esclusione sociale\"},"
    "{\"actions\":[],\"area\":null,\"indicators\":[],\"key\":\"N.1\",\"parts\":{\"t\":\"nuovo\\n\"},"
    "\"spending\":[],\"status\":\"partial\",\"title\":\"Nuova\"}]}";

static void test_plan_diff(void)
{
	arena *a = arena_new();
	CHECK_STR(
	    plan_diff_json(a, 1, SNAP_1, 2, SNAP_2),
	    "{\"from\":1,\"to\":2,\"finance_changed\":true,\"sections\":["
	    "{\"key\":\"I.1\",\"title\":\"Premessa\",\"change\":\"changed\","
	    "\"status\":{\"from\":\"complete\",\"to\":\"complete\"},\"parts\":["
	    "{\"key\":\"nota\",\"change\":\"changed\",\"truncated\":false,\"lines_removed\":1,\"lines_added\":1,"
	    "\"lines\":[{\"op\":\"=\",\"text\":\"uno\",\"from_line\":1,\"to_line\":1},"
	    "{\"op\":\"-\",\"text\":\"due\",\"from_line\":2},{\"op\":\"+\",\"text\":\"DUE è\",\"to_line\":2},"
	    "{\"op\":\"=\",\"text\":\"tre\",\"from_line\":3,\"to_line\":3}]}],"
	    "\"indicators_changed\":false,\"spending_changed\":false},"
	    "{\"key\":\"A.1.2\",\"title\":\"Confini di ATS\",\"change\":\"changed\","
	    "\"status\":{\"from\":\"partial\",\"to\":\"complete\"},\"parts\":["
	    "{\"key\":\"obiettivi\",\"change\":\"added\",\"truncated\":false,\"lines_removed\":0,\"lines_added\":1,"
	    "\"lines\":[{\"op\":\"+\",\"text\":\"Nuovi obiettivi 😀\",\"to_line\":1}]}],"
	    "\"indicators_changed\":true,\"spending_changed\":false},"
	    "{\"key\":\"B.1\",\"title\":\"Esclusione sociale\",\"change\":\"changed\","
	    "\"status\":{\"from\":\"empty\",\"to\":\"partial\"},\"parts\":[],"
	    "\"indicators_changed\":false,\"spending_changed\":true},"
	    "{\"key\":\"N.1\",\"title\":\"Nuova\",\"change\":\"added\",\"status\":{\"from\":null,\"to\":\"partial\"},"
	    "\"parts\":[{\"key\":\"t\",\"change\":\"added\",\"truncated\":false,\"lines_removed\":0,"
	    "\"lines_added\":1,\"lines\":[{\"op\":\"+\",\"text\":\"nuovo\",\"to_line\":1}]}],"
	    "\"indicators_changed\":false,\"spending_changed\":false},"
	    "{\"key\":\"Z.9\",\"title\":\"Tolta\",\"change\":\"removed\",\"status\":{\"from\":\"partial\",\"to\":null},"
	    "\"parts\":[{\"key\":\"x\",\"change\":\"removed\",\"truncated\":false,\"lines_removed\":1,"
	    "\"lines_added\":0,\"lines\":[{\"op\":\"-\",\"text\":\"via\",\"from_line\":1}]}],"
	    "\"indicators_changed\":false,\"spending_changed\":false}]}",
	    "plan diff: changed, added and removed sections and parts, literal");
	CHECK_STR(plan_diff_json(a, 2, SNAP_2, 2, SNAP_2),
	          "{\"from\":2,\"to\":2,\"finance_changed\":false,\"sections\":[]}",
	          "plan diff of a snapshot with itself: no sections");
	CHECK_STR(plan_diff_json(a, 2, SNAP_2, 1, SNAP_1) != NULL ? "written" : NULL, "written", "plan diff backwards");
	CHECK(plan_diff_json(a, 1, "{\"sections\":{}}", 2, SNAP_2) == NULL, "plan diff refuses a non-snapshot");
	CHECK(plan_diff_json(a, 1, SNAP_1, 2, "{\"sections\":[{\"title\":\"no key\"}]}") == NULL,
	      "plan diff refuses a section without key");
	arena_free(a);
}

int main(void)
{
	test_literals();
	test_context();
	test_limits();
	test_random();
	test_plan_diff();
	return check_done();
}
