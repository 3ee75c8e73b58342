// The probe's entry points: loading (open TG_PROBE_LOG, write the hello line, prepare the
// stack unwinder and the loop rules), fork (the child is a new process in the log) and exit
// (last counts, the bye line). Without TG_PROBE_LOG the probe does nothing at all: every hook
// goes straight to the real function.
//
// Reading order: probe.cpp, hooks.hpp and hooks_*.cpp (what is intercepted), context.cpp
// (the rules, rules/*.def), report.cpp (dedupe and log lines), fd_kinds.cpp, stack.cpp,
// elf_symbols.cpp, script_stack.cpp, json_line.cpp and log.cpp.

#include "context.hpp"
#include "log.hpp"
#include "report.hpp"
#include "stack.hpp"
#include "sys.hpp"

#include <cstdlib>
#include <pthread.h>

namespace tg::probe {

namespace {

constinit const char* program_argv0 = nullptr;

void after_fork_in_child() noexcept {
    if (!log_enabled()) {
        return;
    }
    reset_log_after_fork();
    reset_modules_after_fork();
    reset_report_after_fork();
    write_hello(program_argv0);
    reset_context_after_fork();
}

// glibc passes init functions the program's arguments.
__attribute__((constructor)) void load_probe(int argc, char** argv, char**) {
    const char* path = std::getenv("TG_PROBE_LOG");
    if (path == nullptr || path[0] == '\0' || !open_log(path)) {
        return;
    }
    hook_scope scope; // the probe's own calls below are not the program's
    program_argv0 = argc > 0 && argv != nullptr ? argv[0] : nullptr;
    prepare_stack_capture();
    write_hello(program_argv0);
    prepare_context();
    pthread_atfork(nullptr, nullptr, after_fork_in_child);
}

__attribute__((destructor)) void unload_probe() {
    if (log_enabled()) {
        hook_scope scope;
        write_bye();
    }
}

} // namespace

} // namespace tg::probe
