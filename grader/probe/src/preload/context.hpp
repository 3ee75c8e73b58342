#pragma once
// Deciding whether a blocking call runs in async context, from the rules (rules/*.def): the
// innermost native frame that a frame rule names, else the thread's name, else whether the
// thread runs an event loop. The tables are built lazily, at the first hooked call.

#include "runtime_rules.hpp"

#include <cstdint>

namespace tg::probe {

struct native_stack;

/// Where a blocking call ran, as the rules see it.
enum class context_kind : unsigned char { outside, async_poll, excused };

/// The decision for one call.
struct call_context {
    context_kind kind = context_kind::outside;
    int runtime = -1;              ///< index in rules::runtimes
    const char* context = nullptr; ///< the rule's context name
    int rule_frame = -1;           ///< index in the native stack of the deciding frame
    const char* by = "";           ///< which kind of rule decided: frame, thread, loop, path
    rules::script_stack script = rules::script_stack::none;
};

/// Notes the loop runtime the process is (by its exported symbols). Load time only.
void prepare_context() noexcept;

/// True when a blocking call on this thread could be in async context. Cheap (no stack), so
/// hooks ask before looking at their arguments; builds the tables on first use.
bool may_be_async() noexcept;

/// True when deciding needs the native stack (the executable has frame-rule symbols).
bool needs_native_stack() noexcept;

/// True when return address `pc` is in a function a frame rule names.
bool is_rule_frame(std::uintptr_t pc) noexcept;

/// Decides for a blocking call made now on this thread; `stack` may be null, or cut short
/// after its innermost rule frame.
call_context classify(const native_stack* stack) noexcept;

/// The thread waits in epoll_wait on `epfd`: in a loop runtime's process, it is a loop thread.
void note_epoll_wait(int epfd) noexcept;

/// The thread closes `fd`: if it is the epoll descriptor of its loop, it no longer is one.
void note_close(int fd) noexcept;

/// In a fork's child, after its hello line: tables a thread of the parent was still building
/// are built again (that thread does not exist in the child); runtimes are named again.
void reset_context_after_fork() noexcept;

} // namespace tg::probe
