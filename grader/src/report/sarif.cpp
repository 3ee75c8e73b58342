#include "grader/report/sarif.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace grader {

using nlohmann::json;

namespace {

std::string sarif_level(severity s) {
    switch (s) {
    case severity::error:
        return "error";
    case severity::warning:
        return "warning";
    case severity::info:
        break;
    }
    return "note";
}

// A finding to report: a static one, or a located one of a failed check.
struct located {
    const finding* f;
    std::string category;
    std::string advice; ///< its failed check's (empty for a static finding)
};

std::vector<located> located_findings(const grade_result& r) {
    std::vector<located> out;
    for (const auto& f : r.statics.findings) {
        const auto rule = std::find_if(r.statics.rules.begin(),
                                       r.statics.rules.end(),
                                       [&](const static_rule& x) { return x.id == f.id; });
        out.push_back({&f, rule == r.statics.rules.end() ? "style" : rule->category, ""});
    }
    for (const auto& c : r.checks) {
        for (const auto& f : c.findings) {
            if (!c.passed && !f.file.empty() && f.line > 0 && f.id != "blocking-call-static") {
                out.push_back({&f, to_string(c.what), c.advice});
            }
        }
    }
    return out;
}

// "rust-thread-sleep-in-async" -> "RustThreadSleepInAsync": SARIF wants a readable name that
// differs from the opaque id.
std::string readable_name(const std::string& id) {
    std::string name;
    bool upper = true;
    for (const char c : id) {
        if (c == '-' || c == '_') {
            upper = true;
        } else {
            name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        }
    }
    return name;
}

json rule_of(const std::string& id, const grade_result& r, const located& first) {
    const auto rule = std::find_if(r.statics.rules.begin(),
                                   r.statics.rules.end(),
                                   [&](const static_rule& x) { return x.id == id; });
    std::string brief = first.category + ": " + id;
    std::string full = first.f->message;
    if (rule != r.statics.rules.end()) {
        brief = rule->message.empty() ? brief : rule->message;
        full = rule->explanation.empty() ? full : rule->explanation;
    }
    return {{"id", id},
            {"name", readable_name(id)},
            {"shortDescription", {{"text", brief}}},
            {"fullDescription", {{"text", full}}},
            {"help", {{"text", full}}},
            {"defaultConfiguration", {{"level", sarif_level(first.f->level)}}},
            {"properties", {{"category", first.category}}}};
}

// FNV-1a, 64 bits: stable across runs, machines and grader builds (std::hash is not promised
// to be).
std::uint64_t fnv1a(const std::string& text) {
    std::uint64_t h = 14695981039346656037ull;
    for (const char c : text) {
        h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    }
    return h;
}

// Stable across runs for the same rule at the same code (not the same line number).
std::string fingerprint(const finding& f) {
    std::string line_text = std::to_string(f.line);
    if (f.excerpt && f.line >= f.excerpt->first_line &&
        static_cast<std::size_t>(f.line - f.excerpt->first_line) < f.excerpt->lines.size()) {
        line_text = f.excerpt->lines[static_cast<std::size_t>(f.line - f.excerpt->first_line)];
    }
    char hex[17];
    std::snprintf(hex,
                  sizeof hex,
                  "%016llx",
                  static_cast<unsigned long long>(fnv1a(f.id + "|" + f.file + "|" + line_text)));
    return std::string(hex) + ":1";
}

// The finding's message, then what teaches (grader/README.md, "Findings that teach"): the
// compiler error explained with its before/after, and the failed check's advice.
std::string message_of(const located& l) {
    const finding& f = *l.f;
    std::string text = f.message;
    if (f.explained) {
        const explanation& e = *f.explained;
        text += "\n\n" + e.code + ": " + e.title + "\n" + e.text;
        if (!e.before.empty()) {
            text += "\nline " + std::to_string(e.fix_line) + " before: " + e.before +
                    "\nafter: " + e.after;
        }
    }
    if (!l.advice.empty()) {
        text += "\n\nWhat to do: " + l.advice;
    }
    return text;
}

json result_of(const located& l, std::size_t rule_index) {
    const finding& f = *l.f;
    json region{{"startLine", f.line}};
    if (f.column > 0) {
        region["startColumn"] = f.column;
    }
    return {{"ruleId", f.id},
            {"ruleIndex", rule_index},
            {"level", sarif_level(f.level)},
            {"message", {{"text", message_of(l)}}},
            {"locations",
             json::array({{{"physicalLocation",
                            {{"artifactLocation", {{"uri", f.file}, {"uriBaseId", "%SRCROOT%"}}},
                             {"region", region}}}}})},
            {"partialFingerprints", {{"primaryLocationLineHash", fingerprint(f)}}}};
}

} // namespace

std::string render_sarif(const grade_result& r) {
    const auto found = located_findings(r);
    json rules = json::array();
    std::vector<std::string> rule_ids;
    json results = json::array();
    for (const auto& l : found) {
        auto at = std::find(rule_ids.begin(), rule_ids.end(), l.f->id);
        if (at == rule_ids.end()) {
            rules.push_back(rule_of(l.f->id, r, l));
            rule_ids.push_back(l.f->id);
            at = rule_ids.end() - 1;
        }
        results.push_back(result_of(l, static_cast<std::size_t>(at - rule_ids.begin())));
    }
    json doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
             {"version", "2.1.0"},
             {"runs",
              json::array({{{"tool",
                             {{"driver",
                               {{"name", "takehome-grader"},
                                {"version", grader_version},
                                {"informationUri", "https://example.invalid/takehome-grader"},
                                {"rules", rules}}}}},
                            {"columnKind", "utf16CodeUnits"},
                            {"results", results}}})}};
    return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace grader
