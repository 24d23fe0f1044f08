/* Structured logs: one JSON object per line on stderr, written with a single
 * write() so lines from different threads never interleave. */
#ifndef AMBITO_LOG_H
#define AMBITO_LOG_H

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(log_level min);
/* fields: extra "key":value pairs already JSON-encoded (may be NULL), e.g.
 * "\"route\":\"/healthz\",\"status\":200". msg is escaped here. */
void log_event(log_level level, const char *msg, const char *fields);
void log_msg(log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Escapes s as the inside of a JSON string into out (always NUL-terminated,
 * cut at a character boundary). Returns out. */
char *log_escape(char *out, unsigned long outlen, const char *s);

#endif
