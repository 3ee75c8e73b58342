#pragma once
// block_cache: where task frames and task cells get their memory.
//
// A task is spawned on one worker and often finishes on another, so its two blocks (frame and
// cell) are allocated on one thread and freed on the other: glibc then serves the allocating
// thread from its arena under a lock (its per-thread cache, 7 blocks per size, is always empty
// there) while the freeing thread fills the same arena under the same lock. That was a fifth
// of the 2-worker spawn benchmark. Here each thread keeps its freed blocks per size, and hands
// them on in magazines of 64 through a shared depot (one lock round per 64 blocks), where the
// allocating thread picks them up (Bonwick's magazines). Sizes are glibc's chunk sizes, so a
// block costs exactly what malloc would charge; blocks over 512 bytes go straight to malloc.
// Under AddressSanitizer every block goes straight to malloc, so that a use after free stays
// visible.

#include <cstddef>

namespace rt::detail {

/// Memory for `size` bytes (aligned for any object up to 16 bytes); throws std::bad_alloc.
void* allocate_block(std::size_t size);
/// Returns a block from allocate_block(size), with the same size. Any thread.
void free_block(void* block, std::size_t size) noexcept;
/// False in an AddressSanitizer build, where every block is malloc's own.
bool block_cache_enabled() noexcept;
/// Frees every cached block: this thread's and the depot's (other threads' caches are freed
/// when those threads exit). For leak checks and for programs that go idle after a burst.
void trim_block_caches() noexcept;

} // namespace rt::detail
