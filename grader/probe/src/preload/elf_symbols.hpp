#pragma once
// Reading the executable's symbol table at run time (mmap, no library): where in memory the
// functions that the frame rules name live, so that a stack's return addresses can be
// matched against the rules without symbolising anything else.

#include <cstddef>
#include <cstdint>

namespace tg::probe {

/// A function's code in memory, and the index in rules::frame_rules of the rule it matches.
struct code_range {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    int rule = -1;
};

/// Finds, in the ELF file open as `fd` (loaded with load bias `bias`), every defined function
/// in .symtab (or .dynsym when there is none) whose name starts with a frame rule's prefix.
/// Writes at most `capacity` ranges to `out`, sorted by start, and returns how many. A file
/// that is not a well-formed 64-bit ELF gives 0. Closes nothing; maps and unmaps the file.
int find_rule_symbols(int fd, std::uintptr_t bias, code_range* out, int capacity) noexcept;

/// The range containing `pc` among `count` sorted ranges, or null.
const code_range* find_range(const code_range* ranges, int count, std::uintptr_t pc) noexcept;

} // namespace tg::probe
