#pragma once
// task_group: a scope that owns the tasks spawned into it (tokio's JoinSet).

#include "runtime/cancel.hpp"
#include "runtime/detail/spin_lock.hpp"
#include "runtime/runtime.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <coroutine>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <source_location>
#include <string>
#include <unordered_map>
#include <utility>

namespace rt {

namespace detail {

/// The ids of a group's tasks that have finished, in the order they finished, and the one
/// join_next() that may be parked waiting for the next. Shared with the tasks (they outlive a
/// group that cancelled them).
class finish_queue {
  public:
    /// Task `id` has finished. Any thread. Ends the program if the queue cannot grow (it is
    /// called from a destructor, and a lost id would park join_next for good).
    void push(std::size_t id) noexcept {
        waiter w;
        {
            std::lock_guard lock(lock_);
            finished_.push_back(id);
            w = std::exchange(waiter_, {});
        }
        if (w) {
            w.wake();
        }
    }

    /// Awaitable yielding the next finished id. One at a time. A suspension point.
    class [[nodiscard]] pop_awaiter : public cancel_point {
      public:
        explicit pop_awaiter(finish_queue& q) noexcept : q_(q) {}
        pop_awaiter(const pop_awaiter&) = delete;
        pop_awaiter& operator=(const pop_awaiter&) = delete;
        ~pop_awaiter() {
            if (parked_) {
                std::lock_guard lock(q_.lock_);
                q_.waiter_ = {};
            }
        }
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> h) {
            auto& rt = require_current_runtime("rt::task_group::join_next");
            return suspend([&] {
                std::lock_guard lock(q_.lock_);
                if (!q_.finished_.empty()) {
                    return false;
                }
                q_.waiter_ = waiter{h, &rt};
                parked_ = true;
                return true;
            });
        }
        std::size_t await_resume() {
            resume();
            std::lock_guard lock(q_.lock_);
            parked_ = false;
            std::size_t id = q_.finished_.front();
            q_.finished_.pop_front();
            return id;
        }

      private:
        waiter unpark(detail::task_cell& /*cell*/) noexcept override {
            std::lock_guard lock(q_.lock_);
            if (!parked_ || !q_.waiter_) {
                return {};
            }
            parked_ = false;
            return std::exchange(q_.waiter_, {});
        }
        finish_queue& q_;
        bool parked_ = false; ///< written under q_.lock_
    };
    pop_awaiter pop() noexcept { return pop_awaiter(*this); }

  private:
    spin_lock lock_;
    std::deque<std::size_t> finished_;
    waiter waiter_;
};

/// Runs `t` and, however it ends (value, exception, cancellation), tells the group's queue.
/// The notice comes as the body ends, just before the task's result is stored, so join_next
/// may wait a moment more on the task's handle.
template <class T>
task<T> report_finish(task<T> t, std::shared_ptr<finish_queue> q, std::size_t id) {
    struct notice {
        finish_queue& q;
        std::size_t id;
        ~notice() { q.push(id); }
    } on_exit{*q, id};
    co_return co_await std::move(t);
}

} // namespace detail

/// Owns the tasks spawned into it, as tokio's JoinSet does: join_next() yields their results in
/// the order they finish, and when the group ends (is destroyed) every task it still owns is
/// cancelled (cancel.hpp) - a scope cannot leak work. abort_all() cancels them earlier. Used by
/// one task at a time (like a JoinSet through &mut); the tasks themselves run anywhere.
template <class T>
class task_group {
  public:
    task_group() : finished_(std::make_shared<detail::finish_queue>()) {}
    task_group(const task_group&) = delete;
    task_group& operator=(const task_group&) = delete;
    /// Cancels every task not yet joined; does not wait for them to unwind.
    ~task_group() { abort_all(); }

    /// Spawns `t` on the current runtime into this group. Runtime threads only.
    void spawn(task<T> t,
               std::string name = {},
               std::source_location location = std::source_location::current()) {
        std::size_t id = next_id_++;
        auto handle = rt::spawn(
            detail::report_finish(std::move(t), finished_, id), std::move(name), location);
        owned_.emplace(id, std::move(handle));
    }

    /// Tasks spawned and not yet returned by join_next.
    std::size_t size() const noexcept { return owned_.size(); }
    bool empty() const noexcept { return owned_.empty(); }

    /// Awaits whichever owned task finishes next and returns its value (std::monostate for
    /// void), or std::nullopt if the group owns none; rethrows that task's exception
    /// (rt::cancelled_error if it was cancelled). Runtime threads only.
    task<std::optional<detail::value_t<T>>> join_next() {
        if (owned_.empty()) {
            co_return std::nullopt;
        }
        std::size_t id = co_await finished_->pop();
        auto node = owned_.extract(id);
        if constexpr (std::is_void_v<T>) {
            co_await node.mapped();
            co_return std::monostate{};
        } else {
            co_return co_await node.mapped();
        }
    }

    /// Cancels every task not yet joined; they stay in the group, and join_next reports each
    /// (rt::cancelled_error, or its result if it finished first). Any runtime thread.
    void abort_all() noexcept {
        for (auto& [id, handle] : owned_) {
            try {
                handle.abort();
            } catch (...) { // no memory to queue a wake-up: that task runs on
            }
        }
    }

  private:
    std::shared_ptr<detail::finish_queue> finished_;
    std::unordered_map<std::size_t, join_handle<T>> owned_;
    std::size_t next_id_ = 0;
};

} // namespace rt
