#include "grader/evidence/runtime_trace.hpp"

#include "grader/evidence/untrusted.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace grader {

using nlohmann::json;

namespace {

std::string text_of(const json& doc, const char* key) {
    const auto it = doc.find(key);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One event of the runtime's trace; false when it is not one the grader knows.
bool read_event(const json& doc,
                const std::filesystem::path& source_dir,
                runtime_trace_evidence& out) {
    const std::string event = text_of(doc, "event");
    if (event == "task_end") {
        ++out.tasks_ended;
        return true;
    }
    const auto d = doc.find("duration_us");
    if (event != "long_poll" || d == doc.end() || !d->is_number()) {
        return false;
    }
    ++out.long_polls_total;
    out.long_polls.push_back({text_of(doc, "task"),
                              relative_to_source(text_of(doc, "spawned_at"), source_dir),
                              text_of(doc, "thread"),
                              d->get<double>() / 1000.0});
    return true;
}

} // namespace

runtime_trace_evidence read_runtime_trace(const std::filesystem::path& file,
                                          const std::filesystem::path& source_dir,
                                          std::size_t cap_bytes,
                                          std::size_t keep) {
    runtime_trace_evidence out;
    const auto read = read_untrusted_file(file, cap_bytes);
    out.present = read.exists;
    out.refused = read.refused;
    if (!read.exists || !read.refused.empty()) {
        return out;
    }
    out.truncated = read.truncated;
    // The runtime's lines are flat (depth 1): 4 leaves room and refuses anything deeper.
    out.unreadable_lines = for_each_json_line(read.text, read.truncated, 4, [&](const json& doc) {
        return read_event(doc, source_dir, out);
    });
    std::stable_sort(out.long_polls.begin(),
                     out.long_polls.end(),
                     [](const auto& a, const auto& b) { return a.duration_ms > b.duration_ms; });
    if (out.long_polls.size() > keep) {
        out.long_polls.resize(keep);
    }
    return out;
}

} // namespace grader
