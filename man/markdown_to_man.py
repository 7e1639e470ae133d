#!/usr/bin/env python3
"""Writes citego-export(5) from schema/README.md: its sections from "The export format" up to "Facets".

    markdown_to_man.py schema/README.md citego-export.5

The Markdown of schema/README.md is the one source of the page; this turns the little of Markdown it uses into man(7)
roff: headings, paragraphs, fenced code, lists, tables (one indented paragraph per row), `code`, **bold** and links.
"""
import re
import sys

FIRST_SECTION = "## The export format"
END_SECTION = "## Facets"


def inline(text):
    text = text.replace("\\", "\\e")
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # a link: its text
    text = text.replace("-", "\\-")
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fR", text)
    return text


def line_safe(text):
    # A line of roff that starts with '.' or "'" is a request: put a zero-width character before it.
    return "\\&" + text if text[:1] in (".", "'") else text


def cells(row):
    return [c.strip() for c in row.strip().strip("|").split("|")]


def convert(markdown):
    lines = markdown.splitlines()
    start = lines.index(FIRST_SECTION)
    end = lines.index(END_SECTION)
    out = [
        '.TH CITEGO-EXPORT 5 "" "citego-search" "File Formats"',
        ".SH NAME",
        "citego-export \\- the XML export format read by citego-index",
        ".SH DESCRIPTION",
        "This page is schema/README.md of citego-search, its sections on the export format and its validation; the",
        "XSD is /usr/share/doc/citego-search/citego-export.xsd.",
    ]
    i = start
    header = None
    while i < end:
        line = lines[i]
        if line.startswith("```"):
            out.append(".PP")
            out.append(".nf")
            i += 1
            while not lines[i].startswith("```"):
                out.append(line_safe(lines[i].replace("\\", "\\e").replace("-", "\\-")))
                i += 1
            out.append(".fi")
        elif line.startswith("## "):
            out.append(".SH " + inline(line[3:].upper()))
        elif line.startswith("### "):
            out.append(".SS " + inline(line[4:]))
        elif line.startswith("|"):
            row = cells(line)
            if header is None:
                header = row
            elif not all(set(c) <= set("-: ") for c in row):
                out.append(".TP")
                out.append(line_safe(inline(row[0])))
                details = ["%s: %s" % (inline(h), inline(c)) for h, c in zip(header[1:], row[1:]) if c]
                out.append(line_safe("; ".join(details)))
        elif re.match(r"^\s*(- |\d+\. )", line):
            marker, text = re.match(r"^\s*(- |\d+\. )(.*)", line).groups()
            out.append(".IP " + ("\\(bu" if marker == "- " else marker.strip()) + " 4")
            out.append(line_safe(inline(text)))
        elif not line.strip():
            header = None
            if out[-1] != ".PP":
                out.append(".PP")
        else:
            if header is not None:
                header = None
            out.append(line_safe(inline(line.strip())))
        i += 1
    out.append(".SH SEE ALSO")
    out.append(".BR citego-index (1),")
    out.append(".BR citego-search (1)")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: markdown_to_man.py schema/README.md OUTPUT")
    with open(sys.argv[1], encoding="utf-8") as f:
        page = convert(f.read())
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(page)


if __name__ == "__main__":
    main()
