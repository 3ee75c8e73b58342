#pragma once
// The "async context" rules as data: one .def file per runtime (tokio.def, rt.def, node.def,
// python.def) plus the system files every runtime reads (files.def), all listed in all.def and
// expanded here into constexpr tables. Shared by the probe (frame, thread, loop and path rules,
// at run time inside the candidate's process: plain C types, no library) and by the grader's
// analysis (inline rules on addr2line's inlined frames, script rules on script stacks).
//
// Reading the rules: a blocking call is in async context when the innermost frame matching a
// frame rule (or, after symbolisation, an inline rule) says async_poll, and excused when it
// says excused. Without a matching frame, a thread rule (by thread name) or a loop rule (the
// thread runs an event loop) decides; no rule: no async context. A call in async context on a
// file a path rule names is excused.

namespace tg::probe::rules {

/// What a matching frame or thread means for a blocking call made under it.
enum class verdict : unsigned char {
    async_poll, ///< inside a task's poll / on an event loop: blocking stalls other tasks
    excused,    ///< inside spawn_blocking, block_in_place, a blocking pool: allowed
};

/// Which script stack a loop runtime can report (the probe's script_stack.cpp reads it).
enum class script_stack : unsigned char { none, node, python };

/// A physical frame, recognised by its (mangled) symbol name in .symtab/.dynsym.
struct frame_rule {
    const char* runtime;
    verdict what;
    const char* context;       ///< the context named in the log and the report
    const char* symbol_prefix; ///< the mangled name starts with this
};

/// An inlined frame, recognised after symbolisation with line tables (function + file).
struct inline_rule {
    const char* runtime;
    verdict what;
    const char* context;
    const char* function;    ///< the short function name addr2line prints for the frame
    const char* file_part;   ///< the source path contains this (the crate)
    const char* file_suffix; ///< and ends with this
};

/// A thread recognised by its name (pthread_setname_np).
struct thread_rule {
    const char* runtime;
    verdict what;
    const char* context;
    const char* name_prefix;
};

/// An event-loop runtime: the process is one when it exports `exe_symbol`; a thread is a loop
/// thread from its first epoll_wait/epoll_pwait until it closes that epoll descriptor.
struct loop_rule {
    const char* runtime;
    const char* context;
    const char* exe_symbol;
    script_stack stack;
};

/// A script frame (Python, JavaScript) of the runtime's own machinery, applied by the analysis:
/// walking a call's script stack innermost first, the first frame that is the candidate's or
/// that a script rule names decides (the candidate's: the loop rule's verdict stands).
struct script_rule {
    const char* runtime;
    verdict what;
    const char* context;
    const char* file_prefix; ///< the frame's file starts with this
};

/// Files whose blocking use is excused (absolute path prefix).
struct path_rule {
    const char* context;
    const char* prefix;
};

// Each table expands all.def with one kind of rule switched on.
// clang-format off
#define TG_FRAME_RULE(...)
#define TG_INLINE_RULE(...)
#define TG_THREAD_RULE(...)
#define TG_LOOP_RULE(...)
#define TG_SCRIPT_RULE(...)
#define TG_PATH_RULE(...)

#undef TG_FRAME_RULE
#define TG_FRAME_RULE(rt, what, context, prefix) frame_rule{#rt, verdict::what, context, prefix},
inline constexpr frame_rule frame_rules[] = {
#include "all.def"
};
#undef TG_FRAME_RULE
#define TG_FRAME_RULE(...)

#undef TG_INLINE_RULE
#define TG_INLINE_RULE(rt, what, context, function, part, suffix) \
    inline_rule{#rt, verdict::what, context, function, part, suffix},
inline constexpr inline_rule inline_rules[] = {
#include "all.def"
};
#undef TG_INLINE_RULE
#define TG_INLINE_RULE(...)

#undef TG_THREAD_RULE
#define TG_THREAD_RULE(rt, what, context, prefix) thread_rule{#rt, verdict::what, context, prefix},
inline constexpr thread_rule thread_rules[] = {
#include "all.def"
};
#undef TG_THREAD_RULE
#define TG_THREAD_RULE(...)

#undef TG_LOOP_RULE
#define TG_LOOP_RULE(rt, context, symbol, stack) loop_rule{#rt, context, symbol, script_stack::stack},
inline constexpr loop_rule loop_rules[] = {
#include "all.def"
};
#undef TG_LOOP_RULE
#define TG_LOOP_RULE(...)

#undef TG_SCRIPT_RULE
#define TG_SCRIPT_RULE(rt, what, context, prefix) script_rule{#rt, verdict::what, context, prefix},
inline constexpr script_rule script_rules[] = {
#include "all.def"
};
#undef TG_SCRIPT_RULE
#define TG_SCRIPT_RULE(...)

#undef TG_PATH_RULE
#define TG_PATH_RULE(context, prefix) path_rule{context, prefix},
inline constexpr path_rule path_rules[] = {
#include "all.def"
};

#undef TG_FRAME_RULE
#undef TG_INLINE_RULE
#undef TG_THREAD_RULE
#undef TG_LOOP_RULE
#undef TG_SCRIPT_RULE
#undef TG_PATH_RULE
// clang-format on

/// The runtimes the rules know, in the order of all.def (a bit per runtime in the probe).
inline constexpr const char* runtimes[] = {"tokio", "rt", "node", "python"};
inline constexpr int runtime_count = static_cast<int>(sizeof runtimes / sizeof runtimes[0]);

/// True when C strings `a` and `b` are equal (the probe has no library to ask).
constexpr bool same_text(const char* a, const char* b) {
    while (*a != '\0' && *a == *b) {
        ++a;
        ++b;
    }
    return *a == *b;
}

/// The index of `name` in `runtimes`, or -1.
constexpr int runtime_index(const char* name) {
    for (int i = 0; i < runtime_count; ++i) {
        if (same_text(runtimes[i], name)) {
            return i;
        }
    }
    return -1;
}

template <class Rules>
constexpr bool all_name_known_runtimes(const Rules& table) {
    for (const auto& r : table) {
        if (runtime_index(r.runtime) < 0) {
            return false;
        }
    }
    return true;
}
static_assert(all_name_known_runtimes(frame_rules) && all_name_known_runtimes(inline_rules) &&
                  all_name_known_runtimes(thread_rules) && all_name_known_runtimes(loop_rules) &&
                  all_name_known_runtimes(script_rules),
              "a .def rule names a runtime missing from runtimes[]");

} // namespace tg::probe::rules
