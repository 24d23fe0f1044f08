/* The RDF writer: see rdf.h. */
#include "opendata/rdf.h"

#include <stdio.h>
#include <string.h>

typedef struct prop {
	const char *pred;
	rdf_kind kind;
	const char *value;
} prop;

struct rdf_node {
	arena *a;
	const char *iri;
	const char *types[4];
	size_t ntypes;
	prop *props;
	size_t n, cap;
};

struct rdf_graph {
	arena *a;
	rdf_node **nodes;
	size_t n, cap;
};

static const struct {
	const char *prefix, *ns;
} prefixes[] = {
    {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"dcat", "http://www.w3.org/ns/dcat#"},
    {"dcatapit", "http://dati.gov.it/onto/dcatapit#"},
    {"dct", "http://purl.org/dc/terms/"},
    {"foaf", "http://xmlns.com/foaf/0.1/"},
    {"vcard", "http://www.w3.org/2006/vcard/ns#"},
    {"xsd", "http://www.w3.org/2001/XMLSchema#"},
};
#define NPREFIXES (sizeof(prefixes) / sizeof(prefixes[0]))

rdf_graph *rdf_graph_new(arena *a)
{
	rdf_graph *g = arena_calloc(a, 1, sizeof(*g));
	g->a = a;
	return g;
}

rdf_node *rdf_node_new(rdf_graph *g, const char *iri, const char *type)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		rdf_node **nodes = arena_alloc(g->a, cap * sizeof(*nodes));
		if (g->n)
			memcpy(nodes, g->nodes, g->n * sizeof(*nodes));
		g->nodes = nodes;
		g->cap = cap;
	}
	rdf_node *n = arena_calloc(g->a, 1, sizeof(*n));
	n->a = g->a;
	n->iri = arena_strdup(g->a, iri);
	n->types[n->ntypes++] = type;
	g->nodes[g->n++] = n;
	return n;
}

void rdf_type(rdf_node *n, const char *type)
{
	if (n->ntypes < sizeof(n->types) / sizeof(n->types[0]))
		n->types[n->ntypes++] = type;
}

void rdf_add(rdf_node *n, const char *predicate, rdf_kind kind, const char *value)
{
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 16;
		prop *p = arena_alloc(n->a, cap * sizeof(*p));
		if (n->n)
			memcpy(p, n->props, n->n * sizeof(*p));
		n->props = p;
		n->cap = cap;
	}
	n->props[n->n++] = (prop){predicate, kind, arena_strdup(n->a, value)};
}

/* ---------------------------------------------------------------- output */

static void out(rdf_sink sink, void *ctx, const char *s)
{
	sink(ctx, s, strlen(s));
}

/* The namespace IRI of a prefixed name ("dcat:Dataset"), or NULL when the
 * value is an absolute IRI. */
static const char *ns_of(const char *name, size_t *prefix_len)
{
	const char *colon = strchr(name, ':');
	if (colon == NULL || strncmp(colon, "://", 3) == 0)
		return NULL;
	for (size_t i = 0; i < NPREFIXES; i++)
		if (strlen(prefixes[i].prefix) == (size_t)(colon - name) &&
		    strncmp(name, prefixes[i].prefix, (size_t)(colon - name)) == 0) {
			*prefix_len = (size_t)(colon - name) + 1;
			return prefixes[i].ns;
		}
	return NULL;
}

static void xml_escaped(rdf_sink sink, void *ctx, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': out(sink, ctx, "&amp;"); break;
		case '<': out(sink, ctx, "&lt;"); break;
		case '>': out(sink, ctx, "&gt;"); break;
		case '"': out(sink, ctx, "&quot;"); break;
		default: sink(ctx, s, 1);
		}
	}
}

/* A full IRI for an rdf:resource or rdf:about attribute. */
static void xml_iri(rdf_sink sink, void *ctx, const char *v)
{
	size_t pl = 0;
	const char *ns = ns_of(v, &pl);
	if (ns != NULL) {
		out(sink, ctx, ns);
		v += pl;
	}
	xml_escaped(sink, ctx, v);
}

static const char *xsd_type(rdf_kind k)
{
	return k == RDF_DATE ? "http://www.w3.org/2001/XMLSchema#date" : "http://www.w3.org/2001/XMLSchema#dateTime";
}

void rdf_write_xml(const rdf_graph *g, rdf_sink sink, void *ctx)
{
	out(sink, ctx, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rdf:RDF");
	for (size_t i = 0; i < NPREFIXES; i++) {
		out(sink, ctx, "\n    xmlns:");
		out(sink, ctx, prefixes[i].prefix);
		out(sink, ctx, "=\"");
		out(sink, ctx, prefixes[i].ns);
		out(sink, ctx, "\"");
	}
	out(sink, ctx, ">\n");
	for (size_t i = 0; i < g->n; i++) {
		const rdf_node *n = g->nodes[i];
		out(sink, ctx, "  <rdf:Description rdf:about=\"");
		xml_escaped(sink, ctx, n->iri);
		out(sink, ctx, "\">\n");
		for (size_t t = 0; t < n->ntypes; t++) {
			out(sink, ctx, "    <rdf:type rdf:resource=\"");
			xml_iri(sink, ctx, n->types[t]);
			out(sink, ctx, "\"/>\n");
		}
		for (size_t p = 0; p < n->n; p++) {
			const prop *pr = &n->props[p];
			out(sink, ctx, "    <");
			out(sink, ctx, pr->pred);
			if (pr->kind == RDF_IRI) {
				out(sink, ctx, " rdf:resource=\"");
				xml_iri(sink, ctx, pr->value);
				out(sink, ctx, "\"/>\n");
				continue;
			}
			if (pr->kind == RDF_TEXT_IT)
				out(sink, ctx, " xml:lang=\"it\"");
			else if (pr->kind == RDF_DATE || pr->kind == RDF_DATETIME) {
				out(sink, ctx, " rdf:datatype=\"");
				out(sink, ctx, xsd_type(pr->kind));
				out(sink, ctx, "\"");
			}
			out(sink, ctx, ">");
			xml_escaped(sink, ctx, pr->value);
			out(sink, ctx, "</");
			out(sink, ctx, pr->pred);
			out(sink, ctx, ">\n");
		}
		out(sink, ctx, "  </rdf:Description>\n");
	}
	out(sink, ctx, "</rdf:RDF>\n");
}

static void ttl_iri(rdf_sink sink, void *ctx, const char *v)
{
	size_t pl = 0;
	if (ns_of(v, &pl) != NULL) { /* a prefixed name as it is */
		out(sink, ctx, v);
		return;
	}
	out(sink, ctx, "<");
	for (; *v; v++) {
		if ((unsigned char)*v <= ' ' || strchr("<>\"{}|^`\\", *v) != NULL) {
			char esc[8];
			snprintf(esc, sizeof(esc), "\\u%04X", (unsigned char)*v);
			out(sink, ctx, esc);
		} else {
			sink(ctx, v, 1);
		}
	}
	out(sink, ctx, ">");
}

static void ttl_string(rdf_sink sink, void *ctx, const char *s)
{
	out(sink, ctx, "\"");
	for (; *s; s++) {
		switch (*s) {
		case '"': out(sink, ctx, "\\\""); break;
		case '\\': out(sink, ctx, "\\\\"); break;
		case '\n': out(sink, ctx, "\\n"); break;
		case '\r': out(sink, ctx, "\\r"); break;
		case '\t': out(sink, ctx, "\\t"); break;
		default: sink(ctx, s, 1);
		}
	}
	out(sink, ctx, "\"");
}

void rdf_write_turtle(const rdf_graph *g, rdf_sink sink, void *ctx)
{
	for (size_t i = 0; i < NPREFIXES; i++) {
		out(sink, ctx, "@prefix ");
		out(sink, ctx, prefixes[i].prefix);
		out(sink, ctx, ": <");
		out(sink, ctx, prefixes[i].ns);
		out(sink, ctx, "> .\n");
	}
	for (size_t i = 0; i < g->n; i++) {
		const rdf_node *n = g->nodes[i];
		out(sink, ctx, "\n");
		ttl_iri(sink, ctx, n->iri);
		out(sink, ctx, "\n    a ");
		for (size_t t = 0; t < n->ntypes; t++) {
			if (t > 0)
				out(sink, ctx, ", ");
			ttl_iri(sink, ctx, n->types[t]);
		}
		for (size_t p = 0; p < n->n; p++) {
			const prop *pr = &n->props[p];
			out(sink, ctx, " ;\n    ");
			out(sink, ctx, pr->pred);
			out(sink, ctx, " ");
			if (pr->kind == RDF_IRI) {
				ttl_iri(sink, ctx, pr->value);
				continue;
			}
			ttl_string(sink, ctx, pr->value);
			if (pr->kind == RDF_TEXT_IT)
				out(sink, ctx, "@it");
			else if (pr->kind == RDF_DATE)
				out(sink, ctx, "^^xsd:date");
			else if (pr->kind == RDF_DATETIME)
				out(sink, ctx, "^^xsd:dateTime");
		}
		out(sink, ctx, " .\n");
	}
}
