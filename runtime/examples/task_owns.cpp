// A task must own what it uses. A task is lazy: its body runs later, after the code that
// spawned it has moved on. So whatever the body touches must live in the task's own frame:
//   borrows(const order&)  a reference parameter: the frame keeps only the reference, and the
//                          caller's order is gone by the time the task runs (dangling).
//   owns(order)            a by-value parameter: moved into the frame, alive as long as the
//                          task. This is the rule.
//   [o]() -> task { ... }  a coroutine lambda's captures live in the lambda object, not in the
//                          frame; the lambda is a temporary that dies at the end of the spawn
//                          statement, so even a by-value capture dangles. Pass parameters
//                          instead (or keep the lambda alive as long as the task).
// Dereferencing a dangling reference would be undefined behaviour, so this example never does:
// every `order` registers its address while alive, and a task only asks whether the address it
// holds still belongs to a live order.
//
//   build/runtime/examples/task_owns   prints what each task found when it ran

#include "runtime/all.hpp"

#include <cstdio>
#include <optional>
#include <set>
#include <string>

namespace {

/// Addresses of the orders alive right now (one thread: the current-thread runtime).
std::set<const void*>& live_orders() {
    static std::set<const void*> live;
    return live;
}

struct order {
    std::string id;
    explicit order(std::string i) : id(std::move(i)) { live_orders().insert(this); }
    order(const order& other) : id(other.id) { live_orders().insert(this); }
    order(order&& other) noexcept : id(std::move(other.id)) { live_orders().insert(this); }
    order& operator=(const order&) = delete;
    ~order() { live_orders().erase(this); }
};

bool alive(const order* o) { return live_orders().count(o) != 0; }

rt::task<bool> borrows(const order& o) {
    co_await rt::yield_now();
    co_return alive(&o);
}

rt::task<bool> owns(order o) {
    co_await rt::yield_now();
    co_return alive(&o);
}

rt::task<int> main_task() {
    std::optional<rt::join_handle<bool>> borrowed, owned, captured;
    {
        order o("A-17");
        // Nothing runs yet: spawned tasks start when this task next suspends.
        borrowed = rt::spawn(borrows(o));
        owned = rt::spawn(owns(o));
        captured = rt::spawn([o]() -> rt::task<bool> {
            co_await rt::yield_now();
            co_return alive(&o); // `o` is a member of the lambda object, gone by now
        }());
    } // the caller's order dies here, before any of the three tasks has run
    const bool borrowed_alive = co_await *borrowed;
    const bool owned_alive = co_await *owned;
    const bool captured_alive = co_await *captured;
    std::printf("borrows(const order&): the order %s\n",
                borrowed_alive ? "was alive (unexpected)" : "was gone when the task ran");
    std::printf("owns(order):           the order %s\n",
                owned_alive ? "was alive: the frame owns its copy" : "was gone (unexpected)");
    std::printf("[o]() -> task:         the order %s\n",
                captured_alive ? "was alive (unexpected)"
                               : "was gone: captures live in the lambda, not the frame");
    co_return !borrowed_alive && owned_alive && !captured_alive ? 0 : 1;
}

} // namespace

int main() { return rt::block_on(main_task()); }
