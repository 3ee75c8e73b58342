// Fills the explainer's entries (explanations.cpp) from one diagnostic: the variable, type and
// line come from rustc's spans, labels and children (or GCC/Clang's text), and the fix is the
// candidate's own line with the smallest change applied.

#include "grader/diagnostics/explain.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <sstream>

namespace grader {

using nlohmann::json;

namespace {

using placeholders = std::map<std::string, std::string>;

std::string fill(std::string_view text, const placeholders& values) {
    std::string out(text);
    for (const auto& [key, value] : values) {
        const std::string mark = "{" + key + "}";
        for (auto at = out.find(mark); at != std::string::npos;
             at = out.find(mark, at + value.size())) {
            out.replace(at, mark.size(), value);
        }
    }
    return out;
}

// The text between the first pair of backticks after `after` in `s`.
std::string backticked(const std::string& s, std::string_view after = "") {
    auto from = after.empty() ? 0 : s.find(after);
    if (from == std::string::npos) {
        return {};
    }
    const auto open = s.find('`', from + after.size());
    const auto close = open == std::string::npos ? open : s.find('`', open + 1);
    return close == std::string::npos ? std::string() : s.substr(open + 1, close - open - 1);
}

std::string text_of(const json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>()
                                                                  : std::string();
}

int line_of(const json& span) {
    return span.is_object() && span.contains("line_start") && span["line_start"].is_number()
               ? span["line_start"].get<int>()
               : 0;
}

// The source line a span starts on, as rustc quoted it.
std::string line_text(const json& span) {
    if (!span.is_object() || !span.contains("text") || !span["text"].is_array() ||
        span["text"].empty()) {
        return {};
    }
    return text_of(span["text"][0], "text");
}

// The highlighted part of that line, as byte offsets [first, last).
std::pair<std::size_t, std::size_t> highlight(const json& span) {
    const auto line = line_text(span);
    const auto& t = span["text"][0];
    const auto start = t.value("highlight_start", 1);
    const auto end = t.value("highlight_end", start);
    const auto first =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(start, 1) - 1), line.size());
    const auto last =
        std::clamp<std::size_t>(static_cast<std::size_t>(std::max(end, 1) - 1), first, line.size());
    return {first, last};
}

std::string highlighted(const json& span) {
    if (line_text(span).empty()) {
        return {};
    }
    const auto [first, last] = highlight(span);
    return line_text(span).substr(first, last - first);
}

std::string indent_of(const std::string& line) {
    return line.substr(0,
                       line.find_first_not_of(" \t") == std::string::npos
                           ? line.size()
                           : line.find_first_not_of(" \t"));
}

// Every span of the diagnostic and of its children, the diagnostic's own first.
std::vector<const json*> all_spans(const json& d) {
    std::vector<const json*> spans;
    const auto add = [&](const json& m) {
        if (m.contains("spans") && m["spans"].is_array()) {
            for (const auto& s : m["spans"]) {
                spans.push_back(&s);
            }
        }
    };
    add(d);
    if (d.contains("children") && d["children"].is_array()) {
        for (const auto& c : d["children"]) {
            add(c);
        }
    }
    return spans;
}

const json* span_labelled(const json& d, std::string_view needle) {
    for (const auto* s : all_spans(d)) {
        if (text_of(*s, "label").find(needle) != std::string::npos) {
            return s;
        }
    }
    return nullptr;
}

const json* primary_span(const json& d) {
    for (const auto* s : all_spans(d)) {
        if (s->value("is_primary", false)) {
            return s;
        }
    }
    return nullptr;
}

std::string replace_first(std::string s, std::string_view from, std::string_view to) {
    const auto at = s.find(from);
    if (at != std::string::npos) {
        s.replace(at, from.size(), to);
    }
    return s;
}

// The result for `code`, its texts filled from `values`.
std::optional<explanation>
make(std::string_view code, placeholders values, int line, std::string before, std::string after) {
    const auto* e = find_explainer(code);
    if (e == nullptr) {
        return std::nullopt;
    }
    explanation x;
    x.code = std::string(e->code);
    x.title = std::string(e->title);
    x.text = fill(e->specific.empty() ? e->meaning : e->specific, values);
    x.fix_line = before.empty() ? 0 : line;
    x.before = std::move(before);
    x.after = x.before.empty() ? std::string() : std::move(after);
    return x;
}

std::string at_line(int line) { return std::to_string(line); }

std::optional<explanation> e0373(const json& d, const json& primary) {
    const auto var = backticked(text_of(d, "message"), "borrows ");
    const int line = line_of(primary);
    auto before = line_text(primary);
    std::string after;
    // rustc's own suggestion ("move ") when it is on the same line; else insert it ourselves.
    for (const auto* s : all_spans(d)) {
        if (s->contains("suggested_replacement") && (*s)["suggested_replacement"].is_string() &&
            line_of(*s) == line && !line_text(*s).empty()) {
            const auto [first, last] = highlight(*s);
            after = before;
            after.replace(first, last - first, (*s)["suggested_replacement"].get<std::string>());
            break;
        }
    }
    if (after.empty() && !before.empty()) {
        after = before;
        after.insert(highlight(primary).first, "move ");
    }
    return make("E0373", {{"var", var}, {"line", at_line(line)}}, line, before, after);
}

std::optional<explanation> e0597(const json& d, const json& primary) {
    const auto var = backticked(text_of(d, "message"));
    const int line = line_of(primary);
    const auto* declared = span_labelled(d, "declared here");
    const auto before = line_text(primary);
    std::string after;
    if (highlighted(primary) == "&" + var) {
        const auto [first, last] = highlight(primary);
        after = before;
        after.replace(first, last - first, var + ".clone()");
    } else if (!before.empty()) {
        after = indent_of(before) + "let " + var + " = " + var + ".clone();\n" + before;
    }
    const auto* forever = span_labelled(d, "'static");
    const auto* dropped = span_labelled(d, "dropped here while still borrowed");
    const auto why =
        forever != nullptr
            ? "and the borrow must live for 'static because line " + at_line(line_of(*forever)) +
                  " hands it to something that may outlive the function (a spawned task or "
                  "thread), but `" +
                  var + "` is dropped when its scope ends"
            : "but `" + var + "` is dropped" +
                  (dropped ? " at line " + at_line(line_of(*dropped)) : std::string()) +
                  " while still borrowed";
    return make("E0597",
                {{"why", why},
                 {"var", var},
                 {"line", at_line(line)},
                 {"line2", declared ? at_line(line_of(*declared)) : "?"}},
                line,
                before,
                after);
}

// "base_url: &str" in "async fn fetch_all(base_url: &str) {" -> "&str".
std::string parameter_type(const std::string& signature, const std::string& var) {
    const auto at = signature.find(var + ":");
    if (at == std::string::npos) {
        return "a reference";
    }
    auto from = at + var.size() + 1;
    int depth = 0;
    auto to = from;
    for (; to < signature.size(); ++to) {
        const char c = signature[to];
        depth += (c == '<' || c == '(' || c == '[')   ? 1
                 : (c == '>' || c == ')' || c == ']') ? -1
                                                      : 0;
        if (depth < 0 || (depth == 0 && c == ',')) {
            break;
        }
    }
    auto type = signature.substr(from, to - from);
    type.erase(0, type.find_first_not_of(' '));
    return "`" + type + "`";
}

std::optional<explanation> e0521(const json& d, const json& primary) {
    const auto* param = span_labelled(d, "is a reference that is only valid");
    const auto var = param ? backticked(text_of(*param, "label")) : std::string();
    const int line = line_of(primary);
    const auto before = line_text(primary);
    const auto after =
        before.empty() ? std::string()
                       : indent_of(before) + "let " + var + " = " + var + ".to_owned();\n" + before;
    const bool forever = span_labelled(d, "'static") != nullptr;
    return make("E0521",
                {{"why",
                  forever ? "into something that requires 'static (a spawned task or thread)"
                          : "the function body"},
                 {"var", var},
                 {"type", param ? parameter_type(line_text(*param), var) : "a reference"},
                 {"line", at_line(line)},
                 {"line2", param ? at_line(line_of(*param)) : "?"}},
                line,
                before,
                after);
}

// `let seen = Rc::new(5);` above `line` in the candidate's file, through `read_line`.
std::string declaration_of(const std::string& var, int line, const source_lines& read_line) {
    if (!read_line) {
        return {};
    }
    for (int l = line; l > 0 && l > line - 200; --l) {
        const auto text = read_line(l);
        if (text.find("let " + var + " ") != std::string::npos ||
            text.find("let " + var + ":") != std::string::npos ||
            text.find("let mut " + var + " ") != std::string::npos) {
            return std::to_string(l) + "\n" + text;
        }
    }
    return {};
}

// A line with Rc/RefCell/MutexGuard's thread-safe counterpart, or empty when none applies.
std::string send_fix(const std::string& text, const std::string& type) {
    if (type.find("MutexGuard") != std::string::npos &&
        text.find(".lock().unwrap()") != std::string::npos) {
        return replace_first(text, ".lock().unwrap()", ".lock().await") +
               " // with tokio::sync::Mutex";
    }
    if (type.rfind("Rc<", 0) == 0 && text.find("Rc::new") != std::string::npos) {
        return replace_first(text, "Rc::new", "Arc::new") + " // std::sync::Arc";
    }
    return {};
}

std::optional<explanation> not_send(const json& d, const json& primary, const source_lines& read) {
    const auto* typed = span_labelled(d, "which is not `Send`");
    auto type = typed ? backticked(text_of(*typed, "label"), "has type") : std::string();
    if (type.empty()) { // "`Rc<i32>` cannot be sent between threads safely" (E0277)
        type = backticked(text_of(d, "message"));
    }
    const auto* awaited = span_labelled(d, "await occurs here");
    if (awaited != nullptr) {
        auto var = backticked(text_of(*awaited, "label"), "with");
        if (var.rfind("mut ", 0) == 0) {
            var.erase(0, 4);
        }
        const int line = line_of(*awaited);
        const int held = typed ? line_of(*typed) : 0;
        auto before = typed ? line_text(*typed) : std::string();
        auto after = send_fix(before, type);
        int fix_line = held;
        if (after.empty()) {
            before = line_text(*awaited);
            after = indent_of(before) + "drop(" + var + ");\n" + before;
            fix_line = line;
        }
        auto x = make("future-not-send",
                      {{"var", var},
                       {"type", "`" + type + "`"},
                       {"line", at_line(line)},
                       {"line2", at_line(held)}},
                      fix_line,
                      before,
                      after);
        return x;
    }
    // Not across an .await: a captured value that is not Send (E0277).
    const auto var = typed ? highlighted(*typed) : highlighted(primary);
    const int line = line_of(primary);
    std::string before;
    std::string after;
    int fix_line = line;
    if (const auto decl = declaration_of(var, line, read); !decl.empty()) {
        const auto nl = decl.find('\n');
        before = decl.substr(nl + 1);
        after = send_fix(before, type);
        fix_line = std::stoi(decl.substr(0, nl));
    }
    return make("E0277",
                {{"var", var}, {"type", "`" + type + "`"}, {"line", at_line(line)}},
                fix_line,
                after.empty() ? std::string() : before,
                after);
}

std::optional<explanation> e0728(const json& d, const json& primary) {
    const auto* fn = span_labelled(d, "this is not `async`");
    const auto signature = fn ? line_text(*fn) : std::string();
    std::string name;
    auto at = signature.find("fn ");
    if (at != std::string::npos) {
        const auto from = at + 3;
        const auto to = signature.find_first_of("(<", from);
        name = signature.substr(from, to == std::string::npos ? to : to - from);
    }
    auto after = signature;
    if (at != std::string::npos) {
        after.insert(at, "async ");
    }
    const int line = line_of(primary);
    return make("E0728",
                {{"var", name.empty() ? "this function" : name},
                 {"line", at_line(line)},
                 {"line2", fn ? at_line(line_of(*fn)) : "?"}},
                fn ? line_of(*fn) : 0,
                signature,
                after);
}

std::optional<explanation> unused_future(const json& primary) {
    const auto expr = highlighted(primary);
    const int line = line_of(primary);
    auto before = line_text(primary);
    auto after = before;
    if (!before.empty()) {
        after.insert(highlight(primary).second, ".await");
    }
    return make("unused_must_use",
                {{"var", expr.empty() ? "expression" : expr}, {"line", at_line(line)}},
                line,
                before,
                after);
}

} // namespace

const explainer_entry* find_explainer(std::string_view code) {
    const auto& table = explainer_table();
    const auto same = [&](const explainer_entry& e) {
        return e.code.size() == code.size() &&
               std::equal(e.code.begin(), e.code.end(), code.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
               });
    };
    const auto it = std::find_if(table.begin(), table.end(), same);
    return it == table.end() ? nullptr : &*it;
}

std::optional<explanation> explain_rustc(const json& d, const source_lines& read_line) {
    if (!d.is_object()) {
        return std::nullopt;
    }
    const auto code =
        d.contains("code") && d["code"].is_object() ? text_of(d["code"], "code") : std::string();
    const auto message = text_of(d, "message");
    const auto* primary = primary_span(d);
    if (primary == nullptr) {
        return std::nullopt;
    }
    if (code == "E0373") {
        return e0373(d, *primary);
    }
    if (code == "E0597") {
        return e0597(d, *primary);
    }
    if (code == "E0521") {
        return e0521(d, *primary);
    }
    if (message.find("cannot be sent between threads safely") != std::string::npos) {
        return not_send(d, *primary, read_line);
    }
    if (code == "E0752") {
        const auto before = line_text(*primary);
        return make("E0752",
                    {{"line", at_line(line_of(*primary))}},
                    line_of(*primary),
                    before,
                    indent_of(before) + "#[tokio::main]\n" + before);
    }
    if (code == "E0728") {
        return e0728(d, *primary);
    }
    if (code == "unused_must_use" && message.find("`Future`") != std::string::npos) {
        return unused_future(*primary);
    }
    return std::nullopt;
}

namespace {

// Clang names no type in its nodiscard warning: the callee on the line (the last name before
// its first '(') must be declared in the file as returning a task, or nothing is claimed.
std::optional<std::string> task_returned_by_callee(const std::string& line_text,
                                                   const std::string& file_text) {
    static const std::regex callee(R"(([A-Za-z_]\w{0,100})\s*\()");
    std::smatch m;
    if (file_text.empty() || !std::regex_search(line_text, m, callee)) {
        return std::nullopt;
    }
    const std::regex declared(R"((?:rt::)?task<[^;{}()]{0,200}>\s+(?:\w+::){0,4})" + m[1].str() +
                              R"(\s*\()");
    std::smatch d;
    if (!std::regex_search(file_text, d, declared)) {
        return std::nullopt;
    }
    std::string type = d[0].str();
    return type.substr(0, type.find('>') + 1);
}

} // namespace

std::optional<explanation>
explain_cxx(const finding& f, const std::string& line_text, const std::string& file_text) {
    // GCC: "ignoring returned value of type 'rt::task<int>', declared with attribute
    // 'nodiscard'"; Clang: "ignoring return value of function declared with 'nodiscard'
    // attribute". GCC quotes with ‘ ’ in a UTF-8 locale.
    const auto& m = f.message;
    if (m.find("nodiscard") == std::string::npos ||
        m.find("ignoring return") == std::string::npos) {
        return std::nullopt;
    }
    std::string type = "a task";
    if (m.find("of type ") == std::string::npos) {
        const auto returned = task_returned_by_callee(line_text, file_text);
        if (!returned) {
            return std::nullopt; // Clang, and no task in sight: not claimed to be one
        }
        type = "`" + *returned + "`";
    }
    const auto at = m.find("of type ");
    if (at != std::string::npos) {
        auto rest = m.substr(at + 8);
        const auto end = rest.find(',');
        type = "`" + rest.substr(0, end) + "`";
        for (const char* quote : {"\xe2\x80\x98", "\xe2\x80\x99", "'"}) {
            for (auto q = type.find(quote); q != std::string::npos; q = type.find(quote)) {
                type.erase(q, std::string_view(quote).size());
            }
        }
    }
    if (type.find("task") == std::string::npos) {
        return std::nullopt; // a [[nodiscard]] of something else: not the async mistake
    }
    std::string after;
    if (!line_text.empty()) {
        const auto first = line_text.find_first_not_of(" \t");
        after = line_text;
        after.insert(first == std::string::npos ? 0 : first, "co_await ");
    }
    return make("cpp-task-not-awaited",
                {{"type", type}, {"line", at_line(f.line)}},
                f.line,
                line_text,
                after);
}

std::string render_explainer_entry(const explainer_entry& e) {
    std::ostringstream out;
    out << e.code << " (" << e.language << "): " << e.title << "\n\n"
        << e.meaning << "\n\nfix: " << e.fix << "\n\n  before: " << e.example_before
        << "\n  after:  ";
    std::string after(e.example_after);
    for (auto nl = after.find('\n'); nl != std::string::npos; nl = after.find('\n', nl + 11)) {
        after.replace(nl, 1, "\n          ");
    }
    out << after << "\n";
    return out.str();
}

} // namespace grader
