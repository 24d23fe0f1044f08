/* JSON-lines logger. Messages are escaped here; invalid UTF-8 is replaced so a
 * log line is always valid JSON. */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/utf8.h"

#define LOG_LINE_MAX 4096

static log_level min_level = LOG_INFO;

void log_set_level(log_level min)
{
	min_level = min;
}

static const char *level_name(log_level l)
{
	switch (l) {
	case LOG_DEBUG: return "debug";
	case LOG_INFO: return "info";
	case LOG_WARN: return "warn";
	default: return "error";
	}
}

char *log_escape(char *out, unsigned long outlen, const char *s)
{
	unsigned long o = 0;
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);
	while (*p && o + 8 < outlen) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
			p++;
		} else if (c < 0x20) {
			o += (unsigned long)snprintf(out + o, outlen - o, "\\u%04x", c);
			p++;
		} else {
			/* Strict UTF-8 passes; anything else (such as a truncated
			 * or overlong sequence) becomes '?'. */
			size_t n = utf8_seq_len((const char *)p, (size_t)(end - p));
			if (n == 0) {
				out[o++] = '?';
				p++;
				continue;
			}
			if (o + (unsigned long)n + 8 >= outlen)
				break;
			memcpy(out + o, p, n);
			o += (unsigned long)n;
			p += n;
		}
	}
	out[o] = '\0';
	return out;
}

void log_event(log_level level, const char *msg, const char *fields)
{
	if (level < min_level)
		return;
	char line[LOG_LINE_MAX], esc[LOG_LINE_MAX / 2], ts[40];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - n, ".%03ldZ", now.tv_nsec / 1000000);
	int len = snprintf(line, sizeof(line), "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\"%s%s}\n", ts,
	                   level_name(level), log_escape(esc, sizeof(esc), msg), fields && *fields ? "," : "",
	                   fields ? fields : "");
	if (len < 0)
		return;
	if ((size_t)len >= sizeof(line)) {
		/* Too long: keep it valid JSON by dropping the extra fields. */
		len = snprintf(line, sizeof(line),
		               "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\",\"truncated\":true}\n", ts,
		               level_name(level), esc);
		if (len < 0 || (size_t)len >= sizeof(line))
			return;
	}
	ssize_t w = write(STDERR_FILENO, line, (size_t)len);
	(void)w;
}

void log_msg(log_level level, const char *fmt, ...)
{
	if (level < min_level)
		return;
	char msg[LOG_LINE_MAX / 2];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_event(level, msg, NULL);
}
