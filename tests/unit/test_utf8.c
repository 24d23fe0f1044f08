/* Unit tests for core/utf8.c: strict validation (RFC 3629 table: no
 * overlongs, no surrogates, nothing past U+10FFFF, nothing truncated) and
 * counting of characters. Expected values are literals. */
#include "base/utf8.h"

#include "base/log.h"

#include <string.h>

#include "check.h"

static bool valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static size_t chars(const char *s)
{
	return utf8_chars(s, strlen(s));
}

static void test_valid(void)
{
	CHECK(utf8_valid("", 0), "empty string is valid");
	CHECK(valid("Ambito territoriale 20"), "ASCII is valid");
	CHECK(valid("\x01\x7f"), "ASCII control bytes are valid UTF-8");
	CHECK(valid("\xc3\xa0\xc3\xa8\xc3\xac\xc3\xb2\xc3\xb9"), "\"àèìòù\" is valid");
	CHECK(valid("àèìòù"), "\"àèìòù\" (source literal) is valid");
	CHECK(valid("\xe2\x82\xac"), "\"€\" is valid");
	CHECK(valid("\xf0\x9f\x98\x80"), "4-byte emoji U+1F600 is valid");
	CHECK(valid("\xc2\x80"), "U+0080 (smallest 2-byte) is valid");
	CHECK(valid("\xdf\xbf"), "U+07FF (largest 2-byte) is valid");
	CHECK(valid("\xe0\xa0\x80"), "U+0800 (smallest 3-byte) is valid");
	CHECK(valid("\xed\x9f\xbf"), "U+D7FF (just below the surrogates) is valid");
	CHECK(valid("\xee\x80\x80"), "U+E000 (just above the surrogates) is valid");
	CHECK(valid("\xef\xbf\xbf"), "U+FFFF is valid");
	CHECK(valid("\xf0\x90\x80\x80"), "U+10000 (smallest 4-byte) is valid");
	CHECK(valid("\xf4\x8f\xbf\xbf"), "U+10FFFF (the last code point) is valid");
	CHECK(utf8_valid("a\0b", 3), "an embedded NUL is valid UTF-8");
	CHECK(utf8_valid("\xe2\x82\xac"
	                 "xyz",
	                 3),
	      "only the first len bytes are checked");
}

static void test_invalid(void)
{
	CHECK(!valid("\x80"), "lone continuation byte 0x80 is invalid");
	CHECK(!valid("a\xbf"
	             "b"),
	      "lone continuation byte 0xBF is invalid");
	CHECK(!valid("\xc0\xaf"), "overlong \"\\xC0\\xAF\" is invalid");
	CHECK(!valid("\xc1\xbf"), "overlong \"\\xC1\\xBF\" is invalid");
	CHECK(!valid("\xe0\x80\xaf"), "overlong \"\\xE0\\x80\\xAF\" is invalid");
	CHECK(!valid("\xe0\x9f\xbf"), "overlong \"\\xE0\\x9F\\xBF\" is invalid");
	CHECK(!valid("\xf0\x80\x80\xaf"), "overlong 4-byte \"\\xF0\\x80\\x80\\xAF\" is invalid");
	CHECK(!valid("\xf0\x8f\xbf\xbf"), "overlong 4-byte \"\\xF0\\x8F\\xBF\\xBF\" is invalid");
	CHECK(!valid("\xed\xa0\x80"), "surrogate U+D800 is invalid");
	CHECK(!valid("\xed\xbf\xbf"), "surrogate U+DFFF is invalid");
	CHECK(!valid("\xf4\x90\x80\x80"), "U+110000 (past U+10FFFF) is invalid");
	CHECK(!valid("\xf5\x80\x80\x80"), "lead byte 0xF5 is invalid");
	CHECK(!valid("\xf8\x88\x80\x80\x80"), "5-byte form is invalid");
	CHECK(!valid("\xff"), "0xFF is invalid");
	CHECK(!valid("\xfe"), "0xFE is invalid");
	CHECK(!valid("abc\xc3"), "truncated 2-byte sequence at the end is invalid");
	CHECK(!valid("abc\xe2\x82"), "truncated 3-byte sequence at the end is invalid");
	CHECK(!valid("abc\xe2"), "3-byte lead alone at the end is invalid");
	CHECK(!valid("abc\xf0\x9f\x98"), "truncated 4-byte sequence at the end is invalid");
	CHECK(!utf8_valid("\xe2\x82\xac", 2), "a sequence cut by len is invalid");
	CHECK(!valid("\xc3"
	             "a"),
	      "2-byte lead followed by ASCII is invalid");
	CHECK(!valid("\xe2\x82"
	             "a"),
	      "3-byte sequence with an ASCII third byte is invalid");
	CHECK(!valid("\xf0\x9f\x98"
	             "a"),
	      "4-byte sequence with an ASCII fourth byte is invalid");
	CHECK(!valid("\xe2\xc3\xa0"), "3-byte lead followed by a lead byte is invalid");
}

static void test_chars(void)
{
	CHECK(utf8_chars("", 0) == 0, "empty string has 0 characters");
	CHECK(chars("abc") == 3, "\"abc\" has 3 characters");
	CHECK(chars("Attivit\xc3\xa0") == 8, "\"Attività\" has 8 characters");
	CHECK(strlen("Attivit\xc3\xa0") == 9, "\"Attività\" has 9 bytes");
	CHECK(chars("citt\xc3\xa0\xe2\x80\x94pi\xc3\xb9") == 9, "\"città—più\" has 9 characters");
	CHECK(chars("città—più") == 9, "\"città—più\" (source literal) has 9 characters");
	CHECK(chars("\xe2\x82\xac") == 1, "\"€\" is 1 character");
	CHECK(chars("\xf0\x9f\x98\x80!") == 2, "emoji plus '!' is 2 characters");
	CHECK(utf8_chars("a\0b", 3) == 3, "an embedded NUL counts as a character");
}

/* One sequence at a time: what the logger and the JSON checks share. */
static void test_seq_len(void)
{
	CHECK(utf8_seq_len("a", 1) == 1, "ASCII: 1 byte");
	CHECK(utf8_seq_len("\xc3\xa0x", 3) == 2, "\"à\": 2 bytes, the rest not read");
	CHECK(utf8_seq_len("\xe2\x82\xac", 3) == 3, "\"€\": 3 bytes");
	CHECK(utf8_seq_len("\xf0\x9f\x98\x80", 4) == 4, "U+1F600: 4 bytes");
	CHECK(utf8_seq_len("\xe2\x82\xac", 2) == 0, "\"€\" cut by avail: 0");
	CHECK(utf8_seq_len("", 0) == 0, "nothing to read: 0");
	CHECK(utf8_seq_len("\xc0\xaf", 2) == 0, "overlong '/': 0");
	CHECK(utf8_seq_len("\xe0\x80\xaf", 3) == 0, "3-byte overlong: 0");
	CHECK(utf8_seq_len("\xed\xa0\x80", 3) == 0, "surrogate U+D800: 0");
	CHECK(utf8_seq_len("\xf4\x90\x80\x80", 4) == 0, "past U+10FFFF: 0");
	CHECK(utf8_seq_len("\x80", 1) == 0, "lone continuation byte: 0");
}

/* The log keeps valid UTF-8 and turns every invalid byte into '?' by the
 * same strict rules (overlongs and surrogates included). */
static void test_log_escape(void)
{
	char out[64];
	CHECK_STR(log_escape(out, sizeof(out), "città €"), "città €", "log keeps valid UTF-8");
	CHECK_STR(log_escape(out, sizeof(out),
	                     "a\xc0\xaf"
	                     "b"),
	          "a??b", "log replaces an overlong, byte by byte");
	CHECK_STR(log_escape(out, sizeof(out), "\xed\xa0\x80"), "???", "log replaces a surrogate");
	CHECK_STR(log_escape(out, sizeof(out), "x\xe2\x82"), "x??", "log replaces a truncated sequence");
	CHECK_STR(log_escape(out, sizeof(out), "\"\\\n"), "\\\"\\\\\\u000a", "log escapes quote, backslash, control");
}

int main(void)
{
	test_valid();
	test_invalid();
	test_chars();
	test_seq_len();
	test_log_escape();
	return check_done();
}
