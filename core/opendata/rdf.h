/* A small RDF graph written as RDF/XML or as Turtle from the same nodes, so
 * the two serialisations of the catalogue cannot say different things. A
 * node is a subject IRI with its types and properties; predicates and types
 * are prefixed names of the table in rdf.c (dct:, dcat:, dcatapit:, foaf:,
 * vcard:, rdf:, xsd:). */
#ifndef AMBITO_RDF_H
#define AMBITO_RDF_H

#include <stddef.h>

#include "base/arena.h"

typedef enum {
	RDF_IRI,     /* an absolute IRI, or a prefixed name such as dcat:Dataset */
	RDF_TEXT_IT, /* a literal in Italian */
	RDF_TEXT,    /* a plain literal */
	RDF_DATE,    /* xsd:date, YYYY-MM-DD */
	RDF_DATETIME /* xsd:dateTime */
} rdf_kind;

typedef struct rdf_graph rdf_graph;
typedef struct rdf_node rdf_node;

rdf_graph *rdf_graph_new(arena *a);
/* A node with its first type (more with rdf_type). */
rdf_node *rdf_node_new(rdf_graph *g, const char *iri, const char *type);
void rdf_type(rdf_node *n, const char *type);
void rdf_add(rdf_node *n, const char *predicate, rdf_kind kind, const char *value);

typedef void (*rdf_sink)(void *ctx, const char *buf, size_t len);
void rdf_write_xml(const rdf_graph *g, rdf_sink sink, void *ctx);
void rdf_write_turtle(const rdf_graph *g, rdf_sink sink, void *ctx);

#endif
