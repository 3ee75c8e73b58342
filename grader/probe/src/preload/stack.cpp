#include "stack.hpp"

#include "json_line.hpp"
#include "sys.hpp"

#include <atomic>
#include <cstring>
#include <link.h>
#include <unwind.h>

namespace tg::probe {

namespace {

constexpr int max_modules = 64;
constexpr std::size_t max_path = 300;

struct module_entry {
    std::uintptr_t bias = 0;
    char path[max_path] = {};
};

struct module_table {
    std::atomic_flag lock = ATOMIC_FLAG_INIT;
    int count = 0;
    module_entry entries[max_modules];
    std::uintptr_t own_start = 0; // the probe's own code
    std::uintptr_t own_end = 0;
    char exe[max_path] = {};
};
constinit module_table modules;

// One loaded object holding some of a stack's addresses (dl_iterate_phdr's view of it).
struct stack_match {
    const native_stack* stack;
    std::uintptr_t bias[max_frames];
    const char* name[max_frames];
    bool found[max_frames];
};

bool segment_holds(const dl_phdr_info& info, std::uintptr_t pc) noexcept {
    for (int i = 0; i < info.dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info.dlpi_phdr[i];
        const std::uintptr_t start = info.dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && pc >= start && pc < start + ph.p_memsz) {
            return true;
        }
    }
    return false;
}

int match_frames(dl_phdr_info* info, std::size_t, void* data) noexcept {
    auto& m = *static_cast<stack_match*>(data);
    for (int i = 0; i < m.stack->count; ++i) {
        if (!m.found[i] && segment_holds(*info, m.stack->pcs[i])) {
            m.found[i] = true;
            m.bias[i] = info->dlpi_addr;
            // The executable has an empty name here.
            m.name[i] = info->dlpi_name != nullptr && info->dlpi_name[0] != '\0' ? info->dlpi_name
                                                                                 : modules.exe;
        }
    }
    return 0;
}

int note_own_code(dl_phdr_info* info, std::size_t, void*) noexcept {
    const auto self = reinterpret_cast<std::uintptr_t>(&capture_stack);
    if (!segment_holds(*info, self)) {
        return 0;
    }
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && self >= start && self < start + ph.p_memsz) {
            modules.own_start = start;
            modules.own_end = start + ph.p_memsz;
        }
    }
    return 1;
}

// The id of the module (bias, path), naming it in the log the first time; -1 when full.
int module_id(std::uintptr_t bias, const char* path) noexcept {
    while (modules.lock.test_and_set(std::memory_order_acquire)) {
    }
    int id = 0;
    while (id < modules.count &&
           (modules.entries[id].bias != bias ||
            std::strncmp(modules.entries[id].path, path, max_path - 1) != 0)) {
        ++id;
    }
    const bool fresh = id == modules.count && id < max_modules;
    if (fresh) {
        modules.entries[id].bias = bias;
        std::strncpy(modules.entries[id].path, path, max_path - 1);
        ++modules.count;
    }
    modules.lock.clear(std::memory_order_release);
    if (id >= max_modules) {
        return -1;
    }
    if (fresh) {
        line_buffer<512> storage;
        json_line line("module", storage);
        line.add_int("id", id);
        line.add_string("path", path, max_path);
        line.add_hex("bias", bias);
        line.write();
    }
    return id;
}

} // namespace

namespace {

struct walk_state {
    native_stack* out;
    walk_limit limit;
    bool rule_met = false;
};

_Unwind_Reason_Code on_frame(_Unwind_Context* context, void* data) noexcept {
    auto& w = *static_cast<walk_state*>(data);
    const std::uintptr_t pc = _Unwind_GetIP(context);
    if (pc == 0) {
        return _URC_END_OF_STACK;
    }
    if (w.out->count == 0 && pc >= modules.own_start && pc < modules.own_end) {
        return _URC_NO_REASON; // the probe's own frames
    }
    w.out->pcs[w.out->count++] = pc;
    if (w.limit.is_rule_frame != nullptr && !w.rule_met) {
        w.rule_met = w.limit.is_rule_frame(pc);
    }
    const bool enough =
        w.out->count >= w.limit.min_frames && (w.limit.is_rule_frame == nullptr || w.rule_met);
    if (w.out->count >= max_frames || enough) {
        w.out->whole = !enough;
        return _URC_END_OF_STACK;
    }
    return _URC_NO_REASON;
}

} // namespace

void prepare_stack_capture() noexcept {
    native_stack warm;
    capture_stack(warm, {4, nullptr});
    dl_iterate_phdr(note_own_code, nullptr);
    read_link("/proc/self/exe", modules.exe, sizeof modules.exe);
}

void capture_stack(native_stack& out, walk_limit limit) noexcept {
    out.count = 0;
    out.whole = true;
    walk_state w{&out, limit};
    _Unwind_Backtrace(on_frame, &w);
}

void add_frames(json_line& line, const native_stack& stack) noexcept {
    stack_match m{};
    m.stack = &stack;
    dl_iterate_phdr(match_frames, &m);
    int ids[max_frames];
    for (int i = 0; i < stack.count; ++i) { // module lines go before the call line
        ids[i] = m.found[i] ? module_id(m.bias[i], m.name[i]) : -1;
    }
    line.open_string("frames");
    for (int i = 0; i < stack.count && line.room() > 40; ++i) {
        if (i > 0) {
            line.append_text(" ");
        }
        if (ids[i] >= 0) {
            line.append_uint(static_cast<std::uint64_t>(ids[i]));
            line.append_text(":");
            line.append_uint(stack.pcs[i] - m.bias[i], 16);
        } else {
            line.append_text("-:");
            line.append_uint(stack.pcs[i], 16);
        }
    }
    line.close_string();
}

void reset_modules_after_fork() noexcept {
    modules.lock.clear();
    modules.count = 0;
}

const char* executable_path() noexcept { return modules.exe; }

} // namespace tg::probe
