#pragma once
// slot<T>: a thread-safe, set-once result cell with one awaiting coroutine. join handles,
// oneshot channels, when_any and timeout are all thin layers over it.

#include "runtime/cancel.hpp"
#include "runtime/detail/spin_lock.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/task.hpp"

#include <chrono>
#include <condition_variable>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <variant>

namespace rt::detail {

/// The "completed without a value" state: a dropped sender, a timer that won, ...
struct closed_t {};

/// What a thread outside the runtime blocks on until a slot completes
/// (multi_thread_runtime::block_on): a scheduler whose "resume" is a notification, parked in
/// the slot as its waiter (slot::park). Kept out of slot itself: a condition variable in every
/// slot would cost each spawned task 48 bytes for the one slot per program that needs it.
class completion_signal final : public scheduler {
  public:
    /// The slot completed. Notifies under the lock: wait() cannot return, and its caller cannot
    /// destroy this, before we have let go of the mutex.
    void schedule(std::coroutine_handle<>, task_ref) override { notify(); }
    void notify() {
        std::lock_guard lock(mutex_);
        done_ = true;
        cv_.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return done_; });
    }
    /// wait() for at most `patience`; returns whether notified.
    template <class Rep, class Period>
    bool wait_for(std::chrono::duration<Rep, Period> patience) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, patience, [this] { return done_; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool done_ = false;
};

template <class T>
class slot {
    static_assert(alignof(waiter) > 1); // slot::awaiter keeps a flag in the low bit

  public:
    using value_type = value_t<T>;
    /// pending (monostate), value, exception, or closed.
    using state = std::variant<std::monostate, value_type, std::exception_ptr, closed_t>;

    /// Each setter completes the slot and wakes its waiter, unless it was already complete;
    /// returns whether this call completed it. Any thread.
    bool set_value(value_type v) { return complete(state(std::in_place_index<1>, std::move(v))); }
    bool set_exception(std::exception_ptr e) {
        return complete(state(std::in_place_index<2>, std::move(e)));
    }
    bool close() { return complete(state(std::in_place_index<3>)); }
    /// Completes the slot with `s` (not pending) and wakes its waiter, unless already complete.
    /// If moving a value into the slot throws, the slot completes with that exception instead:
    /// the waiter sees the failure (a finishing task cannot throw, task_cell::finish), and the
    /// slot is never left valueless with its waiter parked for good. Waking the waiter can
    /// throw only what its scheduler's schedule() throws (std::bad_alloc from a run queue).
    bool complete(state&& s) { // by reference: a throwing move happens inside, below
        waiter w;
        {
            std::lock_guard lock(lock_);
            if (state_.index() != 0) {
                return false;
            }
            try {
                state_ = std::move(s);
            } catch (...) {
                state_.template emplace<2>(std::current_exception()); // nothrow
            }
            w = std::exchange(waiter_, {});
        }
        if (w) {
            w.wake();
        }
        return true;
    }

    bool is_complete() const {
        std::lock_guard lock(lock_);
        return state_.index() != 0;
    }
    /// Takes the state (pending if not complete; closed_t if already taken). Any thread.
    state take() {
        std::lock_guard lock(lock_);
        return state_.index() == 0 ? state() : take_locked();
    }
    /// Parks `w` as the slot's waiter (woken when it completes); false, parking nothing, if
    /// it already has. For waiters that are not a coroutine awaiting here (a
    /// completion_signal). Any thread.
    bool park(waiter w) {
        std::lock_guard lock(lock_);
        if (state_.index() != 0) {
            return false;
        }
        waiter_ = std::move(w);
        return true;
    }

    /// Awaitable yielding the state once complete; a second take sees closed_t. Only one
    /// coroutine may await a slot at a time. A suspension point: a cancelled task throws
    /// rt::cancellation here (cancel.hpp). If the awaiting frame is destroyed while parked, the
    /// awaiter unregisters itself, so nothing resumes a dead frame.
    class awaiter : public cancel_point {
      public:
        explicit awaiter(slot& s) noexcept : slot_(reinterpret_cast<std::uintptr_t>(&s)) {}
        awaiter(const awaiter&) = delete;
        awaiter& operator=(const awaiter&) = delete;
        ~awaiter() {
            if (parked()) {
                std::lock_guard lock(target().lock_);
                target().waiter_ = {};
            }
        }
        bool await_ready() const noexcept { return false; }
        bool await_suspend(std::coroutine_handle<> h) {
            auto& rt = require_current_runtime("awaiting a result");
            return suspend([&] {
                std::lock_guard lock(target().lock_);
                if (target().state_.index() != 0) {
                    return false; // already complete: continue without suspending
                }
                target().waiter_ = waiter{h, &rt};
                set_parked(true);
                return true; // from here on another thread may resume us: touch nothing
            });
        }
        state await_resume() {
            resume();
            std::lock_guard lock(target().lock_);
            set_parked(false);
            return target().take_locked();
        }

      private:
        waiter unpark(detail::task_cell& /*cell*/) noexcept override {
            std::lock_guard lock(target().lock_);
            if (!parked() || !target().waiter_) {
                return {}; // completed: the waiter is being woken
            }
            set_parked(false);
            return std::exchange(target().waiter_, {});
        }

        slot& target() const noexcept { return *reinterpret_cast<slot*>(slot_ & ~parked_bit); }
        bool parked() const noexcept { return (slot_ & parked_bit) != 0; }
        void set_parked(bool parked) noexcept {
            slot_ = (slot_ & ~parked_bit) | (parked ? parked_bit : 0);
        }

        // The slot's address and, in its low bit, whether this awaiter is the slot's waiter
        // (written under the slot's lock): an awaiter lives in every frame that awaits, and a
        // bool of its own would make it 24 bytes instead of 16.
        static constexpr std::uintptr_t parked_bit = 1;
        std::uintptr_t slot_;
    };
    awaiter wait() noexcept { return awaiter{*this}; }

  private:
    state take_locked() {
        state taken(std::move(state_));
        state_.template emplace<3>();
        return taken;
    }

    // In this order, the state's tail padding (a std::variant's index byte leaves 7) holds
    // the lock and whatever a class deriving from slot adds first (oneshot_state): 8 to 16
    // bytes less in every spawned task and oneshot.
    waiter waiter_;
    [[no_unique_address]] state state_;
    mutable spin_lock lock_;
};

/// Turns a completed state into the value, rethrowing a stored exception. A closed state
/// throws std::logic_error with `what_closed`.
template <class T>
T unwrap(typename slot<T>::state&& s, const char* what_closed) {
    if (auto* e = std::get_if<2>(&s)) {
        std::rethrow_exception(*e);
    }
    if (std::holds_alternative<closed_t>(s)) {
        throw std::logic_error(what_closed);
    }
    if constexpr (!std::is_void_v<T>) {
        return std::move(std::get<1>(s));
    }
}

} // namespace rt::detail
