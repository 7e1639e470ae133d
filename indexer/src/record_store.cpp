// Encoding of the records kept with a database (see citego/record_store.h).
#include "citego/record_store.h"

#include <cstdint>
#include <stdexcept>

namespace citego {

namespace {

constexpr char kFormat = 1;
constexpr char kTagDocument = 'D';
constexpr char kTagEntry = 'E';

class Writer {
 public:
  void byte(char c) { out_.push_back(c); }
  void number(std::int64_t value) {
    auto v = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);  // zigzag
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void text(std::string_view s) {
    number(static_cast<std::int64_t>(s.size()));
    out_.append(s);
  }
  // Locations are not kept: the same records read from a file or a pipe make the same database.
  void where(const SourceLocation&) {
    text("");
    number(0);
    number(0);
  }
  void reference(const Reference& r) {
    text(r.ref);
    text(r.role);
    where(r.where);
  }
  void optional_number(const std::optional<int>& v) {
    byte(v ? 1 : 0);
    if (v) number(*v);
  }
  void optional_reference(const std::optional<Reference>& r) {
    byte(r ? 1 : 0);
    if (r) reference(*r);
  }
  template <typename T, typename F>
  void list(const std::vector<T>& items, F each) {
    number(static_cast<std::int64_t>(items.size()));
    for (const T& item : items) each(item);
  }
  void references(const std::vector<Reference>& refs) {
    list(refs, [this](const Reference& r) { reference(r); });
  }
  void texts(const std::vector<std::string>& items) {
    list(items, [this](const std::string& s) { text(s); });
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  char byte() {
    if (pos_ >= in_.size()) fail();
    return in_[pos_++];
  }
  std::int64_t number() {
    std::uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      if (shift > 63) fail();
      const auto b = static_cast<unsigned char>(byte());
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    return static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1));
  }
  int small() {
    const std::int64_t v = number();
    if (v < INT32_MIN || v > INT32_MAX) fail();
    return static_cast<int>(v);
  }
  // Each read into an existing value reuses its memory: an update decodes every fact of a database into one record.
  void text(std::string& s) {
    const std::int64_t n = number();
    if (n < 0 || static_cast<std::uint64_t>(n) > in_.size() - pos_) fail();
    s.assign(in_.substr(pos_, static_cast<std::size_t>(n)));
    pos_ += static_cast<std::size_t>(n);
  }
  void where(SourceLocation& w) {
    text(w.file);
    w.line = small();
    w.column = small();
  }
  void reference(Reference& r) {
    text(r.ref);
    text(r.role);
    where(r.where);
  }
  void optional_number(std::optional<int>& v) {
    if (byte()) {
      v = small();
    } else {
      v.reset();
    }
  }
  void optional_reference(std::optional<Reference>& r) {
    if (!byte()) {
      r.reset();
      return;
    }
    if (!r) r.emplace();
    reference(*r);
  }
  template <typename T, typename F>
  void list(std::vector<T>& out, F each) {
    const std::int64_t n = number();
    if (n < 0 || static_cast<std::uint64_t>(n) > in_.size() - pos_) fail();  // each item takes a byte at least
    out.resize(static_cast<std::size_t>(n));
    for (T& item : out) each(item);
  }
  void references(std::vector<Reference>& out) {
    list(out, [this](Reference& r) { reference(r); });
  }
  void texts(std::vector<std::string>& out) {
    list(out, [this](std::string& s) { text(s); });
  }
  template <typename E>
  E enumerated(int count) {
    const int v = small();
    if (v < 0 || v >= count) fail();
    return static_cast<E>(v);
  }
  void finish() const {
    if (pos_ != in_.size()) fail();
  }
  [[noreturn]] static void fail() { throw std::invalid_argument("not a record kept by citego-index"); }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

void write_record(Writer& w, const ExportRecord& r) {
  w.byte(kFormat);
  w.byte(kTagDocument);
  w.number(static_cast<int>(r.doc_type));
  w.text(r.id);
  w.number(static_cast<int>(r.lang));
  w.where(r.where);
  w.text(r.title);
  w.text(r.url);
  w.text(r.summary);
  w.text(r.body);
  w.text(r.acronym);
  w.text(r.kind);
  w.text(r.relation);
  w.text(r.country);
  w.text(r.project_type);
  w.optional_number(r.start_year);
  w.optional_number(r.end_year);
  w.references(r.participants);
  w.text(r.category);
  w.optional_number(r.year);
  w.texts(r.authors);
  w.texts(r.keywords);
  w.references(r.links);
  w.optional_reference(r.coordinator);
  w.references(r.partners);
  w.list(r.author_refs, [&w](const AuthorRef& a) {
    w.text(a.ref);
    w.text(a.name);
    w.where(a.where);
  });
  w.references(r.descriptors);
  w.references(r.places);
  w.text(r.fiche_type);
  w.byte(r.date ? 1 : 0);
  if (r.date) {
    w.number(r.date->year);
    w.number(r.date->month);
    w.number(r.date->day);
  }
  w.references(r.dossiers);
  w.optional_reference(r.translation_of);
  w.text(r.source);
}

void read_record(Reader& in, ExportRecord& r) {
  r.doc_type = in.enumerated<schema::DocType>(static_cast<int>(schema::kDocTypes.size()));
  in.text(r.id);
  r.lang = in.enumerated<schema::Lang>(static_cast<int>(schema::kLangs.size()));
  in.where(r.where);
  in.text(r.title);
  in.text(r.url);
  in.text(r.summary);
  in.text(r.body);
  in.text(r.acronym);
  in.text(r.kind);
  in.text(r.relation);
  in.text(r.country);
  in.text(r.project_type);
  in.optional_number(r.start_year);
  in.optional_number(r.end_year);
  in.references(r.participants);
  in.text(r.category);
  in.optional_number(r.year);
  in.texts(r.authors);
  in.texts(r.keywords);
  in.references(r.links);
  in.optional_reference(r.coordinator);
  in.references(r.partners);
  in.list(r.author_refs, [&in](AuthorRef& a) {
    in.text(a.ref);
    in.text(a.name);
    in.where(a.where);
  });
  in.references(r.descriptors);
  in.references(r.places);
  in.text(r.fiche_type);
  if (in.byte()) {
    Date d;
    d.year = in.small();
    d.month = in.small();
    d.day = in.small();
    r.date = d;
  } else {
    r.date.reset();
  }
  in.references(r.dossiers);
  in.optional_reference(r.translation_of);
  in.text(r.source);
  in.finish();
}

void read_entry(Reader& in, ThesaurusEntry& e) {
  e.kind = in.enumerated<ThesaurusKind>(3);
  in.text(e.id);
  in.where(e.where);
  for (std::string& label : e.labels) in.text(label);
  in.text(e.name);
  in.optional_reference(e.affiliation);
  in.text(e.family);
  in.references(e.related);
  in.text(e.level);
  in.text(e.code);
  in.optional_reference(e.parent);
  in.finish();
}

void clear_roles(std::vector<Reference>& refs) {
  for (Reference& r : refs) r.role.clear();
}

}  // namespace

ExportRecord slim(const ExportRecord& record) {
  using schema::DocType;
  ExportRecord s = record;
  if (s.doc_type != DocType::Organisation && s.doc_type != DocType::Dossier) s.title.clear();
  s.url.clear();
  s.summary.clear();
  s.body.clear();
  s.relation.clear();
  s.country.clear();
  s.category.clear();
  s.authors.clear();
  s.keywords.clear();
  s.source.clear();
  std::erase_if(s.author_refs, [](const AuthorRef& a) { return a.ref.empty(); });
  for (AuthorRef& a : s.author_refs) a.name.clear();
  clear_roles(s.participants);
  clear_roles(s.partners);
  clear_roles(s.links);
  return s;
}

std::string encode_fact(const ExportRecord& record) {
  Writer w;
  write_record(w, slim(record));
  return w.take();
}

std::string encode_fact(const ThesaurusEntry& e) {
  Writer w;
  w.byte(kFormat);
  w.byte(kTagEntry);
  w.number(static_cast<int>(e.kind));
  w.text(e.id);
  w.where(e.where);
  for (const std::string& label : e.labels) w.text(label);
  w.text(e.name);
  w.optional_reference(e.affiliation);
  w.text(e.family);
  w.references(e.related);
  w.text(e.level);
  w.text(e.code);
  w.optional_reference(e.parent);
  return w.take();
}

void decode_fact(std::string_view bytes, StoredFact& into) {
  Reader in(bytes);
  if (in.byte() != kFormat) Reader::fail();
  const char tag = in.byte();
  if (tag == kTagDocument) {
    if (!std::holds_alternative<ExportRecord>(into)) into.emplace<ExportRecord>();
    read_record(in, std::get<ExportRecord>(into));
  } else if (tag == kTagEntry) {
    if (!std::holds_alternative<ThesaurusEntry>(into)) into.emplace<ThesaurusEntry>();
    read_entry(in, std::get<ThesaurusEntry>(into));
  } else {
    Reader::fail();
  }
}

StoredFact decode_fact(std::string_view bytes) {
  StoredFact fact;
  decode_fact(bytes, fact);
  return fact;
}

std::string encode_record(const ExportRecord& record) {
  ExportRecord r = record;
  r.title.clear();
  r.url.clear();
  r.summary.clear();
  r.body.clear();
  r.source.clear();
  Writer w;
  write_record(w, r);
  return w.take();
}

ExportRecord decode_record(std::string_view bytes, std::string_view stored_data) {
  Reader in(bytes);
  if (in.byte() != kFormat || in.byte() != kTagDocument) Reader::fail();
  ExportRecord r;
  read_record(in, r);
  schema::StoredDocument stored = schema::decode_stored(stored_data);
  if (stored.id != r.id) Reader::fail();
  r.title = std::move(stored.title);
  r.url = std::move(stored.url);
  r.summary = std::move(stored.summary);
  r.body = std::move(stored.body);
  r.source = std::move(stored.source);
  return r;
}

}  // namespace citego
