"""Reads the DCAT-AP_IT catalogue in both serialisations with rdflib and
prints, as JSON, what test_opendata.py asserts. Run by Debian's own python3
(/usr/bin/python3), where Debian's python3-rdflib lives:

    rdf_check.py CATALOG.rdf CATALOG.ttl"""

import json
import sys

from rdflib import Graph
from rdflib.compare import isomorphic

PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcatapit: <http://dati.gov.it/onto/dcatapit#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
"""

# Each class of the profile with the properties it must have: the query
# lists the subjects of the class that lack one.
MANDATORY = {
    "catalog": """SELECT ?s WHERE { ?s a dcatapit:Catalog .
        FILTER NOT EXISTS { ?s dct:title ?t . FILTER(lang(?t) = "it")
          ?s dct:description ?d . FILTER(lang(?d) = "it")
          ?s dct:publisher ?p . ?p a dcatapit:Agent .
          ?s dct:modified ?m . ?s foaf:homepage ?h . ?s dcat:dataset ?x } }""",
    "dataset": """SELECT ?s WHERE { ?s a dcatapit:Dataset .
        FILTER NOT EXISTS { ?s a dcat:Dataset ; dct:identifier ?id ; dct:title ?t ; dct:description ?d ;
          dct:modified ?m ; dcat:theme <http://publications.europa.eu/resource/authority/data-theme/SOCI> ;
          dct:rightsHolder ?rh ; dct:publisher ?pub ; dct:accrualPeriodicity ?f ; dcat:contactPoint ?cp ;
          dcat:distribution ?dist .
          ?rh a dcatapit:Agent ; dct:identifier ?ipa ; foaf:name ?rn .
          ?pub a dcatapit:Agent .
          ?cp a dcatapit:Organization ; vcard:fn ?fn ; vcard:hasEmail ?mail .
          FILTER(lang(?t) = "it" && lang(?d) = "it")
          FILTER(STRSTARTS(STR(?f), "http://publications.europa.eu/resource/authority/frequency/")) } }""",
    "distribution": """SELECT ?s WHERE { ?s a dcatapit:Distribution .
        FILTER NOT EXISTS { ?s a dcat:Distribution ; dct:format ?fmt ; dcat:accessURL ?u ; dcat:downloadURL ?dl ;
          dct:license ?l . ?l a dcatapit:LicenseDocument ; dct:type ?lt ; foaf:name ?ln .
          FILTER(STRSTARTS(STR(?fmt), "http://publications.europa.eu/resource/authority/file-type/")) } }""",
}


def main():
    xml, ttl = Graph(), Graph()
    xml.parse(sys.argv[1], format="xml")
    ttl.parse(sys.argv[2], format="turtle")
    out = {"triples": len(xml), "isomorphic": isomorphic(xml, ttl), "lacking": {}}
    for name, q in MANDATORY.items():
        out["lacking"][name] = sorted(str(r[0]) for r in xml.query(PREFIXES + q))
    count = lambda cls: len(list(xml.query(PREFIXES + "SELECT ?s WHERE { ?s a %s }" % cls)))
    out["counts"] = {c: count(c) for c in ("dcatapit:Catalog", "dcatapit:Dataset", "dcatapit:Distribution",
                                          "dcatapit:Agent", "dcatapit:Organization", "dcatapit:LicenseDocument")}
    out["identifiers"] = sorted(str(r[0]) for r in xml.query(
        PREFIXES + "SELECT ?id WHERE { ?s a dcatapit:Dataset ; dct:identifier ?id }"))
    out["downloads"] = sorted(str(r[0]) for r in xml.query(
        PREFIXES + "SELECT ?u WHERE { ?s a dcatapit:Distribution ; dcat:downloadURL ?u }"))
    out["emails"] = sorted(str(r[0]) for r in xml.query(
        PREFIXES + "SELECT ?m WHERE { ?s vcard:hasEmail ?m }"))
    out["agent_ipa"] = sorted(str(r[0]) for r in xml.query(
        PREFIXES + "SELECT ?i WHERE { ?s a dcatapit:Agent ; dct:identifier ?i }"))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
