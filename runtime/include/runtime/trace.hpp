#pragma once
// Instrumentation: what each spawned task did, and the long-poll watchdog.
//
// Every resume goes through detail::run_one, which times it and charges it to the spawned task
// that owns the coroutine (its task_record). A single resume longer than the threshold (10 ms
// by default) is a long poll: the runtime's own evidence of a blocking call or a CPU hog
// inside async code, the way tokio-console flags "poll too long". Long polls go to an observer
// set in code and, like each task's final statistics, to the JSON-lines file named by the
// environment variable RT_TRACE_FILE (format in runtime/README.md); the grader sets it.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <source_location>
#include <string>

namespace rt {

/// Name, spawn site and statistics of one spawned task (or block_on's root). The counters are
/// atomic: the tail of one resume can overlap the next resume of the same task on another
/// thread. The task's statistics go to the trace file once, when it has ended: after the
/// resume that finished it (run_one), or when the runtime destroys it unfinished.
struct task_record {
    std::uint64_t id = 0;
    std::atomic<std::uint64_t> polls{0};
    std::atomic<std::int64_t> busy_ns{0};
    std::atomic<std::int64_t> longest_poll_ns{0};

    task_record() = default;
    task_record(const task_record&) = delete;
    task_record& operator=(const task_record&) = delete;
    ~task_record() {
        if (named_) {
            delete origin_.named;
        }
    }

    /// The name given to spawn() ("" if none).
    const std::string& name() const noexcept {
        static const std::string none;
        return named_ ? origin_.named->name : none;
    }
    /// Where spawn() was called.
    std::source_location spawned_at() const noexcept {
        return named_ ? origin_.named->at : origin_.at;
    }
    /// Sets both, once, before the task can run.
    void set_origin(std::string name, std::source_location at) {
        if (!name.empty()) {
            origin_.named = new named_origin{std::move(name), at};
            named_ = true;
        } else {
            origin_.at = at;
        }
    }

    /// Whether the task's frame is gone (task_cell::end_frame).
    bool ended() const noexcept { return (ends_.load(std::memory_order_relaxed) & ended_bit) != 0; }
    void mark_ended() noexcept { ends_.fetch_or(ended_bit); }
    /// Marks task_end as written; false if it already was.
    bool mark_reported() noexcept { return (ends_.fetch_or(reported_bit) & reported_bit) == 0; }

  private:
    // One word for the spawn site and the name: an unnamed task (the usual case) holds the
    // location itself, a named one a pointer to both, out of line. A std::string in place would
    // cost every task 32 bytes, and a pointer beside the location 8.
    struct named_origin {
        std::string name;
        std::source_location at;
    };
    union origin {
        std::source_location at;
        named_origin* named;
    };
    origin origin_{.at = {}};

    static constexpr std::uint8_t ended_bit = 1;
    static constexpr std::uint8_t reported_bit = 2;

    // Last, so that what follows a task_record (the cell's cancel state and count) packs into
    // its tail padding instead of 8 bytes more per task.
    bool named_ = false;
    std::atomic<std::uint8_t> ends_{0};
};

/// One resume that ran longer than the threshold.
struct long_poll {
    std::uint64_t task_id = 0;
    std::string task;       ///< the task's name ("" when spawned without one)
    std::string spawned_at; ///< "file:line"
    std::string thread;     ///< the thread it ran on, e.g. "rt-worker-1"
    std::chrono::nanoseconds duration{0};
};

namespace trace {

/// Resumes longer than this are long polls: 10 ms, or $RT_LONG_POLL_MS if set. Any thread.
std::chrono::nanoseconds long_poll_threshold() noexcept;
void set_long_poll_threshold(std::chrono::nanoseconds threshold) noexcept;
/// Calls `observer` for every long poll, on the runtime thread that saw it (calls are
/// serialised); an empty function removes it. Any thread.
void set_long_poll_observer(std::function<void(const long_poll&)> observer);
/// Appends JSON lines to `path` from now on ("" stops). By default: $RT_TRACE_FILE.
void set_trace_file(const std::string& path);

} // namespace trace

namespace detail {
/// Accounts one resume of `record` that took `took`; reports it if it was a long poll (and
/// then returns true).
bool end_poll(task_record& record, std::chrono::nanoseconds took);
/// Writes the task_end line of an ended task to the trace file, once (later calls do nothing);
/// returns whether it wrote. Never throws.
bool report_task_end(task_record& record) noexcept;
/// "file:line" of a source location.
std::string format_location(const std::source_location& where);
} // namespace detail

} // namespace rt
