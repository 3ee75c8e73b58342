#include "runtime/runtime.hpp"

#include "runtime/cancel.hpp"
#include "runtime/detail/trampoline.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <pthread.h>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rt {

namespace {
thread_local runtime* current = nullptr;
// The task whose code this thread runs now: a pointer to the reference run_one's step holds
// for the whole resume, so no reference count is touched per resume.
thread_local const task_ref* running_task = nullptr;
std::atomic<std::uint64_t> next_task_id{1};
} // namespace

task_ref detail::current_task() noexcept {
    return running_task != nullptr ? *running_task : nullptr;
}

detail::task_cell* detail::current_cell() noexcept {
    return running_task != nullptr ? running_task->get() : nullptr;
}

std::chrono::steady_clock::time_point
detail::run_one(step s, std::chrono::steady_clock::time_point started) {
    const task_ref* previous = std::exchange(running_task, &s.owner);
    resume_with_trampoline(s.handle);
    auto ended = std::chrono::steady_clock::now();
    if (s.owner) {
        bool wrote = end_poll(*s.owner, ended - started);
        if (s.owner->ended()) { // this resume finished the task
            wrote = detail::report_task_end(*s.owner) || wrote;
        }
        if (wrote) {
            ended = std::chrono::steady_clock::now(); // the reports' own time is nobody's poll
        }
    }
    running_task = previous;
    return ended;
}

runtime* current_runtime() noexcept { return current; }

runtime& require_current_runtime(const char* what) {
    if (current == nullptr) {
        throw std::logic_error(std::string(what) + " must run inside an rt runtime");
    }
    return *current;
}

detail::runtime_scope::runtime_scope(runtime* rt) noexcept : previous_(current) { current = rt; }
detail::runtime_scope::~runtime_scope() { current = previous_; }

void detail::set_thread_name(const char* name) noexcept {
    char buffer[16] = {};
    std::snprintf(buffer, sizeof buffer, "%s", name);
    ::pthread_setname_np(::pthread_self(), buffer);
}

void detail::task_cell::drop_hook() noexcept {
    std::lock_guard lock(cancel_lock_);
    hook_ = nullptr;
}

void detail::task_cell::end_frame() noexcept {
    if (frame_) {
        std::exchange(frame_, {}).destroy();
    }
    mark_ended();
    if (owner_ != nullptr) {
        std::exchange(owner_, nullptr)->forget(*this);
    }
}

void detail::task_cell::cancel() {
    waiter parked;
    {
        std::lock_guard lock(cancel_lock_);
        auto bits = cancel_bits_.load(std::memory_order_relaxed);
        if ((bits & requested) != 0) {
            return;
        }
        if (cancel_point* hook = std::exchange(hook_, nullptr)) {
            parked = hook->unpark(*this);
        }
        cancel_bits_.store(static_cast<std::uint8_t>(bits | requested | (parked ? deliver : 0)),
                           std::memory_order_release);
    }
    if (parked) {
        parked.wake(); // the task resumes in its awaiter's resume(), which throws
    }
}

std::size_t runtime::live_tasks() const {
    std::size_t n = 0;
    for (auto& list : task_lists_) {
        std::lock_guard lock(list.lock);
        n += list.count;
    }
    return n;
}

void runtime::adopt(detail::task_cell& cell, std::string name, std::source_location location) {
    cell.id = next_task_id.fetch_add(1, std::memory_order_relaxed);
    cell.set_origin(std::move(name), location);
    cell.owner_ = this;
    cell.retain(); // the runtime's reference, dropped by finish() or abandon()
    {
        auto& list = list_of(cell);
        std::lock_guard lock(list.lock);
        cell.next_ = list.head;
        if (list.head != nullptr) {
            list.head->prev_ = &cell;
        }
        list.head = &cell;
        ++list.count;
    }
    cell.retain(); // the step's
    try {
        schedule(cell.frame_, task_ref::adopt(&cell)); // from here the task may run and end
    } catch (...) {
        // Not queued (bad_alloc): undo the adoption. The step's reference went with the failed
        // call; the caller's last reference then destroys the unstarted frame with the cell.
        forget(cell);
        cell.owner_ = nullptr;
        cell.release();
        throw;
    }
}

void runtime::forget(detail::task_cell& cell) noexcept {
    auto& list = list_of(cell);
    std::lock_guard lock(list.lock);
    (cell.prev_ != nullptr ? cell.prev_->next_ : list.head) = cell.next_;
    if (cell.next_ != nullptr) {
        cell.next_->prev_ = cell.prev_;
    }
    cell.prev_ = cell.next_ = nullptr;
    --list.count;
}

void runtime::shutdown() noexcept {
    // Blocking jobs may still complete slots and schedule waiters; let them finish first.
    blocking_.stop();
    std::vector<detail::task_cell*> cells;
    {
        for (auto& list : task_lists_) {
            std::lock_guard lock(list.lock);
            for (auto* c = list.head; c != nullptr; c = c->next_) {
                c->owner_ = nullptr; // unregistered here: end_frame must not forget it again
                cells.push_back(c);
            }
            list.head = nullptr;
            list.count = 0;
        }
    }
    // Each still holds the runtime's reference, so destroying one frame (which may drop join
    // handles of others) frees no cell still in the list.
    for (auto* cell : cells) {
        cell->prev_ = cell->next_ = nullptr;
        cell->abandon();
    }
}

} // namespace rt
