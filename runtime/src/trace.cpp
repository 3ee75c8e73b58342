#include "runtime/trace.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <string_view>

namespace rt {

namespace {

std::int64_t threshold_from_env() {
    const char* ms = std::getenv("RT_LONG_POLL_MS");
    const long value = ms != nullptr ? std::strtol(ms, nullptr, 10) : 0;
    return (value > 0 ? value : 10) * 1'000'000;
}

std::atomic<std::int64_t>& threshold_ns() {
    static std::atomic<std::int64_t> ns{threshold_from_env()};
    return ns;
}

// Observer and file share one lock: reports arrive from any runtime thread.
struct sink {
    std::mutex mutex;
    std::function<void(const long_poll&)> observer;
    std::FILE* file = nullptr;
    std::atomic<bool> has_file{false}; ///< file != nullptr, readable without the lock

    sink() {
        if (const char* path = std::getenv("RT_TRACE_FILE"); path != nullptr && *path != '\0') {
            file = std::fopen(path, "a");
            has_file.store(file != nullptr);
        }
    }
    ~sink() {
        if (file != nullptr) {
            std::fclose(file);
        }
    }
};

sink& the_sink() {
    static sink s;
    return s;
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

long long micros(std::chrono::nanoseconds d) {
    return static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
}

long long now_us() { return micros(std::chrono::steady_clock::now().time_since_epoch()); }

void write_line(sink& s, const std::string& line) {
    if (s.file != nullptr) {
        std::fputs(line.c_str(), s.file);
        std::fputc('\n', s.file);
        std::fflush(s.file); // a candidate's program may be killed at its deadline
    }
}

std::string thread_name() {
    char name[32] = {};
    ::pthread_getname_np(::pthread_self(), name, sizeof name);
    return name;
}

} // namespace

std::chrono::nanoseconds trace::long_poll_threshold() noexcept {
    return std::chrono::nanoseconds(threshold_ns().load(std::memory_order_relaxed));
}

void trace::set_long_poll_threshold(std::chrono::nanoseconds threshold) noexcept {
    threshold_ns().store(threshold.count(), std::memory_order_relaxed);
}

void trace::set_long_poll_observer(std::function<void(const long_poll&)> observer) {
    auto& s = the_sink();
    std::lock_guard lock(s.mutex);
    s.observer = std::move(observer);
}

void trace::set_trace_file(const std::string& path) {
    auto& s = the_sink();
    std::lock_guard lock(s.mutex);
    if (s.file != nullptr) {
        std::fclose(s.file);
        s.file = nullptr;
    }
    if (!path.empty()) {
        s.file = std::fopen(path.c_str(), "a");
    }
    s.has_file.store(s.file != nullptr);
}

std::string detail::format_location(const std::source_location& where) {
    return std::string(where.file_name()) + ":" + std::to_string(where.line());
}

bool detail::end_poll(task_record& record, std::chrono::nanoseconds took) {
    // A task's resumes run one at a time, except that the tail of one may overlap the start of
    // the next on another thread (rare). Plain relaxed load + store keeps locked instructions
    // off the hot path; an update lost to that overlap undercounts a statistic, never the
    // watchdog, which looks only at `took`.
    constexpr auto relaxed = std::memory_order_relaxed;
    const auto ns = took.count();
    record.polls.store(record.polls.load(relaxed) + 1, relaxed);
    record.busy_ns.store(record.busy_ns.load(relaxed) + ns, relaxed);
    if (ns > record.longest_poll_ns.load(relaxed)) {
        record.longest_poll_ns.store(ns, relaxed);
    }
    if (took <= trace::long_poll_threshold()) {
        return false;
    }
    const long_poll report{
        record.id, record.name(), format_location(record.spawned_at()), thread_name(), took};
    auto& s = the_sink();
    std::lock_guard lock(s.mutex);
    if (s.observer) {
        s.observer(report);
    }
    write_line(s,
               "{\"event\":\"long_poll\",\"task_id\":" + std::to_string(report.task_id) +
                   ",\"task\":" + json_string(report.task) + ",\"spawned_at\":" +
                   json_string(report.spawned_at) + ",\"thread\":" + json_string(report.thread) +
                   ",\"duration_us\":" + std::to_string(micros(took)) +
                   ",\"at_us\":" + std::to_string(now_us()) + "}");
    return true;
}

bool detail::report_task_end(task_record& record) noexcept {
    auto& s = the_sink();
    // Without a trace file there is nothing to write: no lock, no clock read afterwards.
    if (record.id == 0 || !s.has_file.load(std::memory_order_relaxed) || !record.mark_reported()) {
        return false;
    }
    std::lock_guard lock(s.mutex);
    if (s.file == nullptr) {
        return false;
    }
    try {
        write_line(s,
                   "{\"event\":\"task_end\",\"task_id\":" + std::to_string(record.id) +
                       ",\"task\":" + json_string(record.name()) + ",\"spawned_at\":" +
                       json_string(detail::format_location(record.spawned_at())) +
                       ",\"polls\":" + std::to_string(record.polls.load()) + ",\"busy_us\":" +
                       std::to_string(record.busy_ns.load() / 1000) + ",\"longest_poll_us\":" +
                       std::to_string(record.longest_poll_ns.load() / 1000) + "}");
    } catch (...) {
        // Statistics are best effort; a failed allocation must not take the task down.
    }
    return true;
}

} // namespace rt
