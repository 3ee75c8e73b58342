#include "context.hpp"

#include "elf_symbols.hpp"
#include "json_line.hpp"
#include "stack.hpp"
#include "sys.hpp"

#include <atomic>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>

namespace tg::probe {

namespace {

constexpr int max_ranges = 512;

struct context_tables {
    std::atomic<int> state{0}; // 0 not built, 1 being built, 2 built
    code_range ranges[max_ranges];
    int range_count = 0;
    int loop_rule = -1;                 // index in rules::loop_rules
    std::atomic<unsigned> announced{0}; // runtimes named in the log, a bit each
};
constinit context_tables tables;

constexpr signed char not_known = -2;
thread_local constinit signed char thread_rule_of_thread [[gnu::tls_model("initial-exec")]] =
    not_known;
thread_local constinit int loop_epoll_fd [[gnu::tls_model("initial-exec")]] = -1;

// Writes a "runtime" line the first time the process shows runtime `index`.
void announce(int index, const char* how) noexcept {
    const unsigned bit = 1U << static_cast<unsigned>(index);
    if (index < 0 || (tables.announced.fetch_or(bit) & bit) != 0) {
        return;
    }
    line_buffer<256> storage;
    json_line line("runtime", storage);
    line.add_string("runtime", rules::runtimes[index]);
    line.add_string("how", how);
    line.write();
}

int main_program_bias(dl_phdr_info* info, std::size_t, void* data) noexcept {
    *static_cast<std::uintptr_t*>(data) = info->dlpi_addr;
    return 1; // the first object is the main program
}

void build_tables() noexcept {
    std::uintptr_t bias = 0;
    dl_iterate_phdr(main_program_bias, &bias);
    const long fd = raw_syscall(SYS_openat, AT_FDCWD, "/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        tables.range_count =
            find_rule_symbols(static_cast<int>(fd), bias, tables.ranges, max_ranges);
        raw_syscall(SYS_close, fd);
    }
    for (int i = 0; i < tables.range_count; ++i) {
        announce(rules::runtime_index(rules::frame_rules[tables.ranges[i].rule].runtime),
                 "symbols");
    }
}

void ensure_tables() noexcept {
    int state = tables.state.load(std::memory_order_acquire);
    if (state == 2) {
        return;
    }
    if (state == 0 && tables.state.compare_exchange_strong(state, 1)) {
        build_tables();
        tables.state.store(2, std::memory_order_release);
        return;
    }
    while (tables.state.load(std::memory_order_acquire) != 2) {
        raw_syscall(SYS_sched_yield); // another thread is reading the symbols: ~ms, once
    }
}

int thread_rule_index() noexcept {
    if (thread_rule_of_thread == not_known) {
        char name[16];
        thread_name(name);
        thread_rule_of_thread = -1;
        signed char index = 0;
        for (const auto& rule : rules::thread_rules) {
            std::size_t n = 0;
            while (rule.name_prefix[n] != '\0' && rule.name_prefix[n] == name[n]) {
                ++n;
            }
            if (rule.name_prefix[n] == '\0') {
                thread_rule_of_thread = index;
                break;
            }
            ++index;
        }
    }
    return thread_rule_of_thread;
}

context_kind kind_of(rules::verdict v) noexcept {
    return v == rules::verdict::excused ? context_kind::excused : context_kind::async_poll;
}

} // namespace

void prepare_context() noexcept {
    int index = 0;
    for (const auto& rule : rules::loop_rules) {
        if (dlsym(RTLD_DEFAULT, rule.exe_symbol) != nullptr) {
            tables.loop_rule = index;
            break;
        }
        ++index;
    }
}

bool may_be_async() noexcept {
    ensure_tables();
    return tables.range_count > 0 || loop_epoll_fd >= 0 || thread_rule_index() >= 0;
}

bool needs_native_stack() noexcept { return tables.range_count > 0; }

bool is_rule_frame(std::uintptr_t pc) noexcept {
    // A return address may be one past a call that ends its function: look just before.
    return find_range(tables.ranges, tables.range_count, pc - 1) != nullptr;
}

call_context classify(const native_stack* stack) noexcept {
    call_context c;
    for (int i = 0; stack != nullptr && i < stack->count; ++i) {
        // A return address may be one past a call that ends its function: look just before.
        const code_range* r = find_range(tables.ranges, tables.range_count, stack->pcs[i] - 1);
        if (r != nullptr) {
            const auto& rule = rules::frame_rules[r->rule];
            return {
                kind_of(rule.what), rules::runtime_index(rule.runtime), rule.context, i, "frame"};
        }
    }
    if (const int t = thread_rule_index(); t >= 0) {
        const auto& rule = rules::thread_rules[t];
        return {kind_of(rule.what), rules::runtime_index(rule.runtime), rule.context, -1, "thread"};
    }
    if (loop_epoll_fd >= 0 && tables.loop_rule >= 0) {
        const auto& rule = rules::loop_rules[tables.loop_rule];
        c = {context_kind::async_poll,
             rules::runtime_index(rule.runtime),
             rule.context,
             -1,
             "loop",
             rule.stack};
    }
    return c;
}

void note_epoll_wait(int epfd) noexcept {
    if (tables.loop_rule < 0 || loop_epoll_fd == epfd) {
        return;
    }
    if (loop_epoll_fd < 0) {
        announce(rules::runtime_index(rules::loop_rules[tables.loop_rule].runtime), "event loop");
    }
    loop_epoll_fd = epfd;
}

void reset_context_after_fork() noexcept {
    tables.announced.store(0);
    if (tables.state.load() == 1) {
        tables.range_count = 0;
        tables.state.store(0);
        return;
    }
    for (int i = 0; i < tables.range_count; ++i) {
        announce(rules::runtime_index(rules::frame_rules[tables.ranges[i].rule].runtime),
                 "symbols");
    }
    if (loop_epoll_fd >= 0 && tables.loop_rule >= 0) { // forked from a loop thread
        announce(rules::runtime_index(rules::loop_rules[tables.loop_rule].runtime), "event loop");
    }
}

void note_close(int fd) noexcept {
    if (fd >= 0 && fd == loop_epoll_fd) {
        loop_epoll_fd = -1;
    }
}

} // namespace tg::probe
