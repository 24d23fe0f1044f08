"""Reads back the spreadsheets the server writes, as a spreadsheet program
would: zipfile and the XML of a sheet, its shared strings and its styles
(no third-party reader on the test machines)."""

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal as D

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def sheet_names(data):
    """The workbook's sheet names, in order."""
    z = zipfile.ZipFile(io.BytesIO(data))
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    return [s.get("name") for s in wb.find("m:sheets", NS).findall("m:sheet", NS)]


def read_xlsx(data, sheet=1):
    """Sheet number sheet (1 the first) as rows of (kind, value, number
    format) cells, and whether its first row is frozen."""
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    shared = []
    if "xl/sharedStrings.xml" in names:
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    styles = ET.fromstring(z.read("xl/styles.xml"))
    fmts = {f.get("numFmtId"): f.get("formatCode") for f in styles.iter("{%s}numFmt" % NS["m"])}
    fmts.setdefault("10", "0.00%")  # a built-in format: written by id alone
    xfs = styles.find("m:cellXfs", NS).findall("m:xf", NS)
    sheet = ET.fromstring(z.read("xl/worksheets/sheet%d.xml" % sheet))
    rows = []
    for row in sheet.find("m:sheetData", NS).findall("m:row", NS):
        cells = {}
        for c in row.findall("m:c", NS):
            t = c.get("t")
            fmt = fmts.get(xfs[int(c.get("s", "0"))].get("numFmtId"), "")
            if t == "s":
                cells[col_index(c.get("r"))] = ("text", shared[int(c.find("m:v", NS).text)], fmt)
            elif t == "inlineStr":
                text = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
                cells[col_index(c.get("r"))] = ("text", text, fmt)
            elif t in (None, "n"):
                v = c.find("m:v", NS)
                if v is not None:
                    # As a spreadsheet reads it: the double nearest the
                    # text (libxlsxwriter writes 16 digits, 0.81 as
                    # 0.8100000000000001, which is the same double).
                    cells[col_index(c.get("r"))] = ("number", D(repr(float(v.text))), fmt)
            else:
                cells[col_index(c.get("r"))] = (t, c.find("m:v", NS).text, fmt)
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, ("blank", None, "")) for i in range(width)])
    pane = sheet.find(".//m:pane", NS)
    frozen = pane is not None and pane.get("state") == "frozen" and pane.get("ySplit") == "1"
    return rows, frozen
