#include "report.hpp"

#include "context.hpp"
#include "json_line.hpp"
#include "log.hpp"
#include "script_stack.hpp"
#include "stack.hpp"
#include "sys.hpp"

#include <atomic>
#include <cstring>

namespace tg::probe {

namespace {

constexpr std::uint32_t max_sites = 1024; // a power of two
constexpr std::uint32_t max_probes = 64;
constexpr std::uint32_t full_lines_per_async_site = 3;
constexpr std::uint32_t full_lines_per_excused_site = 1;
constexpr int max_excused_lines = 100;
// The innermost frames that identify a call site: past the libc and standard-library frames
// of the call, into the program's own functions and their callers.
constexpr int site_frames = 12;

// A call site: the call, its decision and its stacks, hashed. Slots are claimed lock-free.
struct site {
    std::atomic<std::uint64_t> key{0};
    std::atomic<std::uint32_t> count{0};
    std::atomic<std::uint32_t> logged{0}; // the count the log last saw
};

struct report_state {
    site sites[max_sites];
    std::atomic<std::uint64_t> checked{0};
    std::atomic<std::uint64_t> async_calls{0};
    std::atomic<std::uint64_t> excused_calls{0};
    std::atomic<std::uint64_t> outside_calls{0};
    std::atomic<int> excused_lines{0};
};
constinit report_state report;

std::uint64_t fnv(std::uint64_t h, const void* data, std::size_t n) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }
    return h;
}

std::uint64_t site_key(const call_info& info,
                       const call_context& c,
                       const native_stack& stack,
                       const char* script) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, info.call(), std::strlen(info.call()));
    h = fnv(h, &c.kind, sizeof c.kind);
    const int frames = stack.count < site_frames ? stack.count : site_frames;
    h = fnv(h, stack.pcs, sizeof(stack.pcs[0]) * static_cast<std::size_t>(frames));
    h = fnv(h, script, std::strlen(script));
    return h == 0 ? 1 : h;
}

site* find_site(std::uint64_t key) noexcept {
    for (std::uint32_t i = 0; i < max_probes; ++i) {
        site& s = report.sites[(key + i) & (max_sites - 1)];
        std::uint64_t seen = s.key.load(std::memory_order_acquire);
        if (seen == 0 && s.key.compare_exchange_strong(seen, key)) {
            return &s;
        }
        if (seen == key) {
            return &s;
        }
    }
    return nullptr;
}

// The path rule naming `file`, or null.
const rules::path_rule* excusing_path(const char* file) noexcept {
    for (const auto& rule : rules::path_rules) {
        if (file != nullptr && std::strncmp(file, rule.prefix, std::strlen(rule.prefix)) == 0) {
            return &rule;
        }
    }
    return nullptr;
}

void write_repeat(std::uint64_t key, std::uint32_t n) noexcept {
    line_buffer<160> storage;
    json_line line("repeat", storage);
    line.add_hex("site", key);
    line.add_int("n", n);
    line.write();
}

struct call_record {
    call_info& info;
    std::int64_t duration_ns;
    const call_context& context;
    const native_stack& stack;
    const char* script;
    std::uint64_t key;
    std::uint32_t n;
};

void write_call(const call_record& r) noexcept {
    line_buffer<max_line_bytes> storage;
    json_line line("call", storage);
    char name[16];
    thread_name(name);
    line.add_int("tid", current_tid());
    line.add_string("thread", name);
    line.add_string("call", r.info.call());
    line.add_string("detail", r.info.detail());
    line.add_milli("ms", r.duration_ns / 1000);
    const bool async = r.context.kind == context_kind::async_poll;
    line.add_string("verdict", async ? "async" : "excused");
    line.add_string("runtime", rules::runtimes[r.context.runtime]);
    line.add_string("context", r.context.context);
    line.add_int("rule_frame", r.context.rule_frame);
    line.add_string("by", r.context.by);
    line.add_hex("site", r.key);
    line.add_int("n", r.n);
    if (r.script[0] != '\0') {
        line.add_string("script", r.script, 2000);
    }
    add_frames(line, r.stack);
    line.write();
}

bool take_line_for(context_kind kind) noexcept {
    return kind == context_kind::async_poll ? take_call_line()
                                            : report.excused_lines.fetch_add(1) < max_excused_lines;
}

} // namespace

void report_blocking_call(call_info& info, std::int64_t duration_ns) noexcept {
    report.checked.fetch_add(1, std::memory_order_relaxed);
    // Enough of the stack to decide and to name the site; all of it only for a full line.
    native_stack stack;
    capture_stack(stack, {site_frames, needs_native_stack() ? is_rule_frame : nullptr});
    call_context c = classify(&stack);
    if (c.kind == context_kind::outside || c.runtime < 0) {
        report.outside_calls.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const rules::path_rule* rule =
        c.kind == context_kind::async_poll ? excusing_path(info.file()) : nullptr;
    if (rule != nullptr) {
        c.kind = context_kind::excused;
        c.context = rule->context;
        c.rule_frame = -1;
        c.by = "path";
    }
    const bool async = c.kind == context_kind::async_poll;
    (async ? report.async_calls : report.excused_calls).fetch_add(1, std::memory_order_relaxed);
    char script[2048] = {};
    if (async) {
        read_script_stack(c.script, script, sizeof script);
    }
    const std::uint64_t key = site_key(info, c, stack, script);
    site* s = find_site(key);
    const std::uint32_t n = s != nullptr ? s->count.fetch_add(1) + 1 : 1;
    const std::uint32_t full = async ? full_lines_per_async_site : full_lines_per_excused_site;
    if (n <= full && take_line_for(c.kind)) {
        if (!stack.whole) {
            capture_stack(stack);
        }
        write_call({info, duration_ns, c, stack, script, key, n});
    } else if (n > full && (n & (n - 1)) == 0) {
        write_repeat(key, n);
    } else {
        return;
    }
    if (s != nullptr) {
        s->logged.store(n, std::memory_order_relaxed);
    }
}

void write_hello(const char* argv0) noexcept {
    line_buffer<1024> storage;
    json_line line("hello", storage);
    line.add_int("v", 1);
    line.add_int("ppid", raw_syscall(SYS_getppid));
    line.add_int("tid", current_tid());
    line.add_string("exe", executable_path(), 300);
    line.add_string("argv0", argv0 != nullptr ? argv0 : "", 200);
    line.add_int("time_us", now_ns() / 1000);
    timespec wall{};
    ::clock_gettime(CLOCK_REALTIME, &wall);
    line.add_int("unix_ms",
                 static_cast<std::int64_t>(wall.tv_sec) * 1000 + wall.tv_nsec / 1'000'000);
    line.write();
}

void write_bye() noexcept {
    for (auto& s : report.sites) {
        const std::uint32_t n = s.count.load();
        if (n > s.logged.load()) {
            write_repeat(s.key.load(), n);
            s.logged.store(n);
        }
    }
    line_buffer<512> storage;
    json_line line("bye", storage);
    line.add_int("checked", static_cast<std::int64_t>(report.checked.load()));
    line.add_int("async", static_cast<std::int64_t>(report.async_calls.load()));
    line.add_int("excused", static_cast<std::int64_t>(report.excused_calls.load()));
    line.add_int("outside", static_cast<std::int64_t>(report.outside_calls.load()));
    line.add_int("dropped", static_cast<std::int64_t>(dropped_lines()));
    line.write(true);
}

void reset_report_after_fork() noexcept {
    for (auto& s : report.sites) {
        s.key.store(0);
        s.count.store(0);
        s.logged.store(0);
    }
    report.checked.store(0);
    report.async_calls.store(0);
    report.excused_calls.store(0);
    report.outside_calls.store(0);
    report.excused_lines.store(0);
}

} // namespace tg::probe
