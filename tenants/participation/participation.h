/* Participation (SPEC §7): an ATS's thematic tables (tavoli tematici) with
 * their participants, and the tables' meetings with agenda, minutes and
 * attendance. Three parts share this header: the model (part_model.c:
 * reading bodies into structs with field errors, writing them as JSON, the
 * snapshot's groups, the iCalendar feed; no database, no HTTP), the data
 * access (part_store.c, every statement scoped by tenant_id) and the routes
 * (part_routes.c). The plans module reads the groups for a section's
 * working_group block and for its snapshots. */
#ifndef AMBITO_PARTICIPATION_H
#define AMBITO_PARTICIPATION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/field_errors.h"
#include "base/json.h"
#include "cycles/cycles.h"
#include "db/db.h"
#include "http/http.h"

/* Limits, checked where the input arrives. */
#define PART_NAME_MAX 300          /* a table's name, referent, organisation */
#define PART_PERSON_NAME_MAX 100   /* first or last name */
#define PART_KIND_MAX 64           /* the kind of body a participant stands for */
#define PART_ROLE_MAX 200          /* a participant's role in the table */
#define PART_DESCRIPTION_MAX 5000  /* a table's objectives and method */
#define PART_MAX_PARTICIPANTS 300  /* per table */
#define PART_MAX_SECTIONS 100      /* template sections a table serves */
#define PART_PLACE_MAX 300         /* where a meeting is held */
#define PART_AGENDA_MAX 10000      /* a meeting's agenda */
#define PART_MINUTES_MAX 100000    /* a meeting's minutes (CommonMark) */
#define PART_ICS_MAX_MEETINGS 2000 /* the feed's most recent meetings */
/* Bodies: a table with PART_MAX_PARTICIPANTS participants of about 1 KB each
 * (every character may come as a 6-byte escape); a meeting's minutes. */
#define PART_GROUP_BODY_MAX (2 * 1024 * 1024)
#define PART_MEETING_BODY_MAX (1024 * 1024)

/* Codes beyond DB_E*. */
enum {
	PART_ENOGROUP = -200,  /* no such table in the tenant */
	PART_ENOMEETING = -201 /* no such meeting in the tenant */
};

typedef struct part_participant {
	long long id; /* 0 for one a body adds */
	const char *first_name, *last_name, *organization;
	const char *kind, *role, *email; /* NULL when not given */
} part_participant;

typedef struct part_group {
	long long id, cycle_id, version;
	const char *cycle_slug;
	const char *name, *referent;
	const char *area;        /* a catalogue area code, NULL when none */
	const char *description; /* NULL when none */
	const char **sections;   /* template section keys */
	size_t nsections;
	part_participant *participants;
	size_t nparticipants;
	const char *created_at, *updated_at; /* DATETIME text */
} part_group;

typedef struct part_meeting {
	long long id, group_id, version;
	const char *group_name;          /* when loaded with it */
	const char *starts_at, *ends_at; /* DATETIME text, UTC; ends_at NULL when not given */
	const char *place;
	const char *agenda, *minutes; /* NULL when none */
	long long *attendees;         /* participant ids */
	size_t nattendees;
	const char *created_at, *updated_at; /* DATETIME text */
} part_meeting;

/* ---- model (part_model.c) ----
 * The parsers add one error per broken rule to e, with the field's path
 * ("participants[2].last_name"), and return how many they added. Read-only
 * members a GET answered (id, cycle, version, times) are ignored. */

/* A table against its cycle's template and catalogue: name, referent, an
 * area of the catalogue or template sections (or both), participants. */
size_t part_group_parse(field_errors *e, const json_value *obj, const cycle_template *t, const cycle_catalog *cat,
                        part_group *out);
/* A meeting: starts_at (RFC 3339 UTC), ends_at after it, place, agenda,
 * minutes, attendees (ids; that they belong to the table is the store's
 * check). */
size_t part_meeting_parse(field_errors *e, const json_value *obj, part_meeting *out);
/* The API's JSON of a table (with e-mails) and of a meeting. */
void part_group_render(jw *w, const part_group *g);
void part_meeting_render(jw *w, const part_meeting *m);
/* The snapshot's "groups": every table of the cycle with its participants'
 * names, organisations, kinds and roles (never e-mails) and its meetings
 * (time, place, agenda, number attending), as a JSON tree in a, written in
 * canonical order by the snapshot's writer. meetings[i] are those of
 * groups[i]. NULL when it could not be written. */
json_value *part_snapshot_groups(arena *a, const part_group *groups, size_t ngroups, part_meeting *const *meetings,
                                 const size_t *nmeetings);

/* The iCalendar (RFC 5545) of the tenant's meetings: CRLF lines folded at
 * 75 octets, text escaped, times in UTC, a UID stable per meeting
 * (meeting-ID@host), DTSTAMP the meeting's last change. In a. */
const char *part_ics(arena *a, const char *tenant_slug, const char *tenant_name, const char *host,
                     const part_meeting *m, size_t n, size_t *len);

/* ---- data access (part_store.c) ----
 * DB_OK or a negative DB_E* / PART_E* code; data live in a; writes run in
 * the caller's transaction. */

/* A page of the tenant's tables after id `after`, by id; cycle_id 0 for
 * every cycle. Participants loaded. */
int part_store_groups(db *d, arena *a, long long tenant_id, long long cycle_id, long long after, int limit,
                      part_group **out, size_t *n, bool *more);
/* PART_ENOGROUP when the tenant has no such table. */
int part_store_group(db *d, arena *a, long long tenant_id, long long id, bool for_update, part_group **out);
int part_store_group_insert(db *d, long long tenant_id, part_group *g);
/* Replaces the table's fields and participants: those named by an id of the
 * table are kept (and updated), the others removed, new ones added.
 * PART_ENOGROUP when a participant's id is not one of the table's. */
int part_store_group_update(db *d, long long tenant_id, part_group *g);
/* Whether the tenant has table id in the cycle. */
int part_store_group_in_cycle(db *d, long long tenant_id, long long cycle_id, long long id, bool *found);

int part_store_meetings(db *d, arena *a, long long tenant_id, long long group_id, part_meeting **out, size_t *n);
/* The tenant's meetings of every table, latest first, at most limit. */
int part_store_all_meetings(db *d, arena *a, long long tenant_id, int limit, part_meeting **out, size_t *n);
int part_store_meeting(db *d, arena *a, long long tenant_id, long long id, bool for_update, part_meeting **out);
/* PART_ENOGROUP when an attendee is not a participant of the meeting's
 * table (its id then in *bad). */
int part_store_meeting_insert(db *d, long long tenant_id, part_meeting *m, long long *bad);
int part_store_meeting_update(db *d, long long tenant_id, part_meeting *m, long long *bad);

/* The snapshot's groups of the tenant's tables in the cycle, read in a
 * fixed number of statements. */
int part_store_snapshot(db *d, arena *a, long long tenant_id, long long cycle_id, json_value **out);

/* ---- public calls and candidacies (part_calls.c, part_call_store.c) ---- */

#define PART_CALL_TITLE_MAX 300
#define PART_CALL_TEXT_MAX 20000 /* the call's text */
#define PART_CALL_MAX_GROUPS 50  /* tables one may join through a call */
#define PART_CONTACT_MAX 200     /* a candidate's name */
#define PART_MOTIVATION_MAX 4000 /* why the candidate wants to join */
#define PART_CANDIDACY_FREE 5    /* candidacies per client address in 15 minutes: the 5th blocks */
#define PART_CALL_BODY_MAX (256 * 1024)
/* A candidacy's fields at their limits, every character a 6-byte escape. */
#define PART_CANDIDACY_BODY_MAX (64 * 1024)
#define PART_PUBLIC_CALLS_MAX 500 /* open calls listed at once, all tenants */

enum {
	PART_ENOCALL = -202,      /* no such call (in the tenant, or open) */
	PART_ECLOSED = -203,      /* the call is not open now */
	PART_ENOCANDIDACY = -204, /* no such candidacy in the tenant */
	PART_ESTATE = -205,       /* the candidacy's status does not allow it */
	PART_EINVALID = -206      /* the body breaks a rule: see the field errors */
};

typedef struct part_call_group {
	long long id;
	const char *name;
} part_call_group;

typedef struct part_call {
	long long id, cycle_id, tenant_id;
	const char *tenant_slug, *tenant_name, *cycle_slug;
	const char *title, *description;
	const char *opens_at, *closes_at; /* DATETIME text, UTC */
	part_call_group *groups;
	size_t ngroups;
	bool open;             /* opens_at <= now < closes_at */
	long long candidacies; /* how many received, when loaded for the ATS */
	const char *created_at;
} part_call;

typedef struct part_candidacy {
	long long id, call_id;
	const char *status; /* received, accepted, rejected, withdrawn */
	const char *organization, *kind, *contact_name, *email, *motivation; /* NULL once erased */
	long long *groups;
	size_t ngroups;
	const char *received_at, *decided_at, *erased_at;
} part_candidacy;

/* {"title","description","opens_at","closes_at","groups":[ids]}: the ids'
 * existence and cycle are the store's check. */
size_t part_call_parse(field_errors *e, const json_value *obj, part_call *out);
/* {"organization","kind","contact_name","email","groups","motivation",
 * "privacy_consent":true}: consent required, groups among the call's. */
size_t part_candidacy_parse(field_errors *e, const json_value *obj, const part_call *call, part_candidacy *out);
/* with_tenant adds the tenant; with_count the number of candidacies. */
void part_call_render(jw *w, const part_call *c, bool with_tenant, bool with_count);
void part_candidacy_render(jw *w, const part_candidacy *c);

/* The tenant's calls, newest first (tenant_id 0: every tenant's calls open
 * now, for the public). */
int part_store_calls(db *d, arena *a, long long tenant_id, part_call **out, size_t *n);
/* PART_ENOCALL when missing; tenant_id 0: any tenant (the public route). */
int part_store_call(db *d, arena *a, long long tenant_id, long long id, part_call **out);
/* Checks the groups are the tenant's and of one cycle (PART_ENOGROUP,
 * *bad the first that is not) and stores the call. */
int part_store_call_insert(db *d, long long tenant_id, part_call *c, long long *bad);
int part_store_candidacies(db *d, arena *a, long long tenant_id, long long call_id, part_candidacy **out, size_t *n);
int part_store_candidacy(db *d, arena *a, long long tenant_id, long long id, bool for_update, part_candidacy **out);
int part_store_candidacy_insert(db *d, long long tenant_id, part_candidacy *c);
/* received -> accepted: the person joins each chosen table as a
 * participant (PART_ESTATE when not received). */
int part_store_candidacy_accept(db *d, long long tenant_id, const part_candidacy *c, long long user_id);
int part_store_candidacy_reject(db *d, long long tenant_id, const part_candidacy *c, long long user_id);
/* Erases the personal data of a rejected or withdrawn candidacy, keeping
 * the row (status, times) as a tombstone; PART_ESTATE otherwise. */
int part_store_candidacy_erase(db *d, long long tenant_id, const part_candidacy *c);

/* ---- the map of local bodies (part_stakeholders.c, part_stakeholder_store.c) ---- */

#define PART_STAKEHOLDERS_MAX 5000 /* bodies on one ATS's map */
#define PART_COMUNE_MAX 200
#define PART_STAKEHOLDER_BODY_MAX (16 * 1024)

typedef struct part_stakeholder {
	long long id;
	const char *name, *kind;
	const char *comune, *contact; /* NULL when not given */
	bool public;
	const char *created_at;
} part_stakeholder;

/* {"name","kind","comune","contact","public"}. */
size_t part_stakeholder_parse(field_errors *e, const json_value *obj, part_stakeholder *out);
/* with_contact false for the public: no contact at all, since whether it
 * names a person cannot be told. */
void part_stakeholder_render(jw *w, const part_stakeholder *s, bool with_contact);

/* The tenant's bodies by kind, Comune and name; public_only for the map. */
int part_store_stakeholders(db *d, arena *a, long long tenant_id, bool public_only, part_stakeholder **out, size_t *n);
int part_store_stakeholder_insert(db *d, long long tenant_id, part_stakeholder *s);
/* The tenant of a slug with a public map: *tenant_id 0 when there is no
 * such tenant or it has no public body (the same answer either way). */
int part_store_public_map(db *d, arena *a, const char *slug, long long *tenant_id, const char **name);

/* ---- routes ---- */
void participation_register(void);     /* participation.c: tables, meetings, feed */
void part_calls_register(void);        /* part_calls.c: calls and candidacies */
void part_stakeholders_register(void); /* part_stakeholders.c: the map, its public page and CSV */
/* Counts a candidacy attempt against the client's address: 0 to go on,
 * the seconds the address is still blocked, or a DB_E* code. */
long long part_candidacy_rate(http_req *r);
/* A candidacy to call_id from anyone, for the API and the public form:
 * PART_ENOCALL, PART_ECLOSED (not open now), PART_EINVALID (e says why), a
 * DB_E* code, or DB_OK once stored, audited and committed in its own
 * transaction, or dropped when the honeypot field is filled (the caller
 * answers both the same). *call is set once found. */
int part_candidacy_receive(http_req *r, long long call_id, const json_value *body, field_errors *e, part_call **call);

#endif
