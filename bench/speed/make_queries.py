#!/usr/bin/env python3
"""Pick ~50 realistic, deterministic benchmark queries from a corpus converted by export_to_peers.py.

    python3 bench/speed/make_queries.py DOCS.tsv [--seed 42] > queries.txt

The same TSV and seed give the same file. bench/speed/queries.txt was made from the 10,000-document corpus
(citego-generate --format-version 1 --docs 10000 --seed 42 --files 10); bench_query.sh uses it for every corpus size
(the generator's vocabulary and documents are the same at every size) unless QUERIES=auto asks for queries of the
corpus at hand.

Output: one query a line, QID<TAB>CATEGORY<TAB>FILTER<TAB>QUERY; FILTER is "-" or one citego --filter
FACET=VALUE (facets type, kind, lang, year, doctype). Lines starting with # are comments.

Words are runs of letters (no digits, apostrophes or hyphens), lower-cased, accents kept, at least 4 letters, and
not one of the generator's function words. Categories (the numbers are the counts):
  1w-high 5, 1w-mid 5, 1w-low 5  one word, document frequency in [2 %, 20 %), [0.2 %, 2 %), [3 docs, 0.2 %)
  domain 5                        1-2 of the generator's domain words of one language ("démocratie participative")
  2w 5, 3w 5, 4w 5                words of ONE random document, so that an AND query finds at least that document
                                  (with citego and FTS5; quest may not, see README); at least one domain word
                                  when the document has one
  phrase 5                        two words adjacent in one document's text (separated by one space, no
                                  punctuation), quoted; 3 of the 5 contain a domain word
  phrase+w 1                      such a phrase plus one more word of the same document
  unaccented 2, unaccented+w 2    an accented word of the mid band typed without accents (plus a word of a document
                                  that has it)
  filter 5                        a domain word with one --filter: type=mooc, type=showcase, kind=foundation,
                                  lang=es, year=2016 (see README for what each engine makes of it)
"""

import argparse
import random
import re
import sys
import unicodedata

WORD = re.compile(r"[^\W\d_]+")
PURE = re.compile(r"^[^\W\d_]+$")

FUNCTION = set("""
de la le et les des à en un une du pour dans sur que qui par est au il avec ce se plus aux ou elle sont leur ne
the of and to in a is for on that with as by are it this from at be or an their which its not
el y los las del por una para con no es su al lo como más o sus
do da em um uma com os as na mais dos das ao é não sua
""".split())

DOMAIN = {
    "fr": "gouvernance territoire territoires démocratie participative économie sociale solidaire habitants ville "
          "villes politique publique action collectivités développement local citoyens coopération réseau",
    "en": "governance territory territories democracy participatory economy social solidarity residents city cities "
          "policy public action authorities development local citizens cooperation network",
    "es": "gobernanza territorio territorios democracia participativa economía social solidaria habitantes ciudad "
          "ciudades política pública acción municipios desarrollo local ciudadanos cooperación red",
    "pt": "governança território territórios democracia participativa economia social solidária habitantes cidade "
          "cidades política pública ação municípios desenvolvimento local cidadãos cooperação rede",
}
DOMAIN_WORDS = {w for words in DOMAIN.values() for w in words.split()}


def usable(word):
    return len(word) >= 4 and word not in FUNCTION


def strip_accents(word):
    return "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")


def read_docs(path):
    """(lang, words in order, adjacent usable pairs) per document."""
    docs = []
    with open(path, encoding="utf-8") as tsv:
        for line in tsv:
            cells = line.rstrip("\n").split("\t")
            lang, title, text = cells[2], cells[3], cells[4]
            whole = (title + " " + text).lower()
            words = [w for w in WORD.findall(whole) if usable(w)]
            pairs = []
            for part in (title.lower(), text.lower()):
                tokens = part.split(" ")
                for a, b in zip(tokens, tokens[1:]):
                    if PURE.match(a) and PURE.match(b) and usable(a) and usable(b) and a != b:
                        pairs.append((a, b))
            docs.append((lang, words, pairs))
    return docs


def main():
    parser = argparse.ArgumentParser(description="deterministic benchmark queries from a converted corpus")
    parser.add_argument("tsv")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    docs = read_docs(args.tsv)
    n = len(docs)
    df = {}
    for _, words, _ in docs:
        for w in set(words):
            df[w] = df.get(w, 0) + 1
    vocab = sorted(df)

    def band(lo, hi):
        return [w for w in vocab if lo <= df[w] < hi]

    high = band(max(3, int(0.02 * n)), int(0.20 * n))
    mid = band(max(3, int(0.002 * n)), max(4, int(0.02 * n)))
    low = band(3, max(4, int(0.002 * n)))
    out = []

    def add(category, query, flt="-"):
        out.append((category, flt, query))

    for name, words in (("1w-high", high), ("1w-mid", mid), ("1w-low", low)):
        for w in rng.sample(words, 5):
            add(name, w)

    langs = sorted(DOMAIN)
    for i in range(5):
        lang = langs[rng.randrange(len(langs))]
        words = DOMAIN[lang].split()
        k = 1 if i < 2 else 2
        add("domain", " ".join(rng.sample(words, k)))

    def doc_words(k):
        while True:
            lang, words, _ = docs[rng.randrange(n)]
            distinct = sorted(set(words))
            if len(distinct) < k:
                continue
            domain = [w for w in distinct if w in DOMAIN_WORDS]
            picked = [rng.choice(domain)] if domain else []
            rest = [w for w in distinct if w not in picked]
            picked += rng.sample(rest, k - len(picked))
            rng.shuffle(picked)
            return picked

    for k in (2, 3, 4):
        for _ in range(5):
            add(f"{k}w", " ".join(doc_words(k)))

    def phrase(with_domain):
        while True:
            _, words, pairs = docs[rng.randrange(n)]
            if with_domain:
                pairs = [p for p in pairs if p[0] in DOMAIN_WORDS or p[1] in DOMAIN_WORDS]
            if pairs:
                a, b = rng.choice(pairs)
                return f'"{a} {b}"', words

    for i in range(5):
        add("phrase", phrase(i < 3)[0])
    quoted, words = phrase(True)
    extra = [w for w in sorted(set(words)) if w not in quoted]
    add("phrase+w", f"{quoted} {rng.choice(extra)}")

    accented = [w for w in mid if strip_accents(w) != w and strip_accents(w) not in df]
    for w in rng.sample(accented, 2):
        add("unaccented", strip_accents(w))
    for w in rng.sample(accented, 2):
        holders = [words for _, words, _ in docs if w in words]
        words = rng.choice(holders)
        other = rng.choice([x for x in sorted(set(words)) if x != w])
        add("unaccented+w", f"{strip_accents(w)} {other}")

    for flt in ("type=mooc", "type=showcase", "kind=foundation", "lang=es", "year=2016"):
        lang = langs[rng.randrange(len(langs))]
        add("filter", rng.choice(DOMAIN[lang].split()), flt)

    print(f"# made by bench/speed/make_queries.py --seed {args.seed} from {n} documents "
          f"(bands: high {len(high)}, mid {len(mid)}, low {len(low)} words)")
    print("# QID\tCATEGORY\tFILTER\tQUERY")
    for i, (category, flt, query) in enumerate(out, 1):
        print(f"q{i:02d}\t{category}\t{flt}\t{query}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
