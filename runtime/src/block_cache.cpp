#include "runtime/detail/block_cache.hpp"

#include <array>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

namespace rt::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool cache_blocks = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool cache_blocks = false;
#else
constexpr bool cache_blocks = true;
#endif
#else
constexpr bool cache_blocks = true;
#endif

constexpr std::size_t largest = 512; ///< bigger blocks go straight to malloc
constexpr std::size_t classes = largest / 16 + 2;
constexpr std::size_t magazine = 64;        ///< blocks handed over to the depot at once
constexpr std::size_t depot_magazines = 64; ///< per class; beyond that, blocks are freed

/// glibc's chunk for a request of `size` bytes (8 bytes of header, multiples of 16, at least
/// 32), in units of 16: requests with the same chunk share a class.
std::size_t class_of(std::size_t size) noexcept {
    const std::size_t chunk = (size + 8 + 15) & ~std::size_t{15};
    return (chunk < 32 ? 32 : chunk) / 16;
}
/// The largest request of class `c`: what a block of it is allocated as.
std::size_t bytes_of(std::size_t c) noexcept { return c * 16 - 8; }

struct node {
    node* next;
};

void free_chain(node* head) noexcept {
    while (head != nullptr) {
        node* next = head->next;
        ::operator delete(head);
        head = next;
    }
}

/// Full magazines (chains of `magazine` blocks) waiting for a thread that allocates.
struct depot {
    std::mutex mutex;
    std::array<std::vector<node*>, classes> magazines;
};
depot& the_depot() {
    static depot* d = new depot; // never destroyed: threads may still exit after main
    return *d;
}

/// A thread's cached blocks, per class. Plain data, so that using it costs a thread-local
/// load and nothing else (a thread_local with a destructor is reached through a wrapper
/// function on every use); thread_exit below frees it when the thread ends.
struct thread_cache {
    struct list {
        node* head = nullptr;
        std::size_t count = 0;
    };
    std::array<list, classes> lists;
};
enum class cache_state : std::uint8_t { unused, alive, destroyed };
thread_local thread_cache cache;
thread_local cache_state state = cache_state::unused;

/// Constructed on a thread's first use of its cache; its destructor runs when the thread exits.
struct thread_exit {
    ~thread_exit() {
        state = cache_state::destroyed; // blocks freed later during the exit go to malloc
        for (auto& l : cache.lists) {
            free_chain(std::exchange(l.head, nullptr));
            l.count = 0;
        }
    }
};

/// This thread's cache; null once the thread is exiting.
thread_cache* this_thread_cache() noexcept {
    if (state == cache_state::alive) [[likely]] {
        return &cache;
    }
    if (state == cache_state::destroyed) {
        return nullptr;
    }
    static thread_local thread_exit on_exit; // first use: registers the clean-up
    (void)on_exit;
    state = cache_state::alive;
    return &cache;
}

} // namespace

bool block_cache_enabled() noexcept { return cache_blocks; }

void* allocate_block(std::size_t size) {
    if (!cache_blocks || size > largest) {
        return ::operator new(size);
    }
    const std::size_t c = class_of(size);
    thread_cache* tc = this_thread_cache();
    if (tc == nullptr) {
        return ::operator new(bytes_of(c));
    }
    auto& l = tc->lists[c];
    if (l.head == nullptr) { // take a magazine another thread freed, if there is one
        auto& d = the_depot();
        std::lock_guard lock(d.mutex);
        if (!d.magazines[c].empty()) {
            l.head = d.magazines[c].back();
            l.count = magazine;
            d.magazines[c].pop_back();
        }
    }
    if (node* n = l.head) {
        l.head = n->next;
        --l.count;
        return n;
    }
    return ::operator new(bytes_of(c));
}

void free_block(void* block, std::size_t size) noexcept {
    if (block == nullptr) {
        return;
    }
    if (!cache_blocks || size > largest) {
        ::operator delete(block);
        return;
    }
    thread_cache* tc = this_thread_cache();
    if (tc == nullptr) {
        ::operator delete(block);
        return;
    }
    auto& l = tc->lists[class_of(size)];
    l.head = new (block) node{l.head};
    if (++l.count < 2 * magazine) {
        return;
    }
    // Keep one magazine's worth here; hand the rest over (or free it, if the depot is full).
    node* last = l.head;
    for (std::size_t i = 1; i < magazine; ++i) {
        last = last->next;
    }
    node* handed = std::exchange(last->next, nullptr);
    l.count = magazine;
    {
        auto& d = the_depot();
        std::lock_guard lock(d.mutex);
        auto& mags = d.magazines[class_of(size)];
        if (mags.size() < depot_magazines) {
            try {
                mags.push_back(handed);
                handed = nullptr;
            } catch (...) { // std::bad_alloc growing the vector: free the blocks instead
            }
        }
    }
    free_chain(handed);
}

void trim_block_caches() noexcept {
    if (thread_cache* tc = this_thread_cache()) {
        for (auto& l : tc->lists) {
            free_chain(std::exchange(l.head, nullptr));
            l.count = 0;
        }
    }
    auto& d = the_depot();
    std::lock_guard lock(d.mutex);
    for (auto& mags : d.magazines) {
        for (node* head : mags) {
            free_chain(head);
        }
        mags.clear();
    }
}

} // namespace rt::detail
