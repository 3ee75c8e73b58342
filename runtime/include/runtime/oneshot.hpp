#pragma once
// oneshot: a channel carrying exactly one value from one sender to one receiver.

#include "runtime/detail/counted_ref.hpp"
#include "runtime/detail/slot.hpp"
#include "runtime/task.hpp"

#include <atomic>
#include <coroutine>
#include <cstdint>
#include <optional>
#include <utility>

namespace rt {

namespace detail {
/// The channel: one allocation, shared by the two halves (and a parked recv_awaiter) through
/// a reference count of its own (a shared_ptr would add a control block and double each half).
/// The slot is a base so that the flag and the count sit in its tail padding: 40 bytes for a
/// small T.
template <class T>
struct oneshot_state : slot<T> {
    std::atomic<bool> receiver_alive{true};
    counted refs;

    slot<T>& value() noexcept { return *this; }
    void retain() noexcept { refs.retain(); }
    void release() noexcept {
        if (refs.drop()) {
            delete this;
        }
    }
};

template <class T>
using oneshot_ref = counted_ref<oneshot_state<T>>;
} // namespace detail

/// Sending half. Move-only. Dropping it without sending closes the channel: the receiver gets
/// std::nullopt instead of waiting forever.
template <class T>
class oneshot_sender {
  public:
    explicit oneshot_sender(detail::oneshot_ref<T> s) noexcept : state_(std::move(s)) {}
    oneshot_sender(oneshot_sender&&) noexcept = default;
    oneshot_sender& operator=(oneshot_sender&& other) noexcept {
        close();
        state_ = std::move(other.state_);
        return *this;
    }
    ~oneshot_sender() { close(); }

    /// Delivers `value` and wakes the receiver. Any thread (also outside a runtime). Returns
    /// false, dropping the value, if already sent or the receiver is gone.
    bool send(T value) {
        if (!state_ || !state_->receiver_alive.load()) {
            return false;
        }
        bool sent = state_->value().set_value(std::move(value));
        state_.reset();
        return sent;
    }

  private:
    void close() noexcept {
        if (state_) {
            state_->value().close();
            state_.reset();
        }
    }
    detail::oneshot_ref<T> state_;
};

/// Receiving half. Move-only.
template <class T>
class oneshot_receiver {
  public:
    explicit oneshot_receiver(detail::oneshot_ref<T> s) noexcept : state_(std::move(s)) {}
    oneshot_receiver(oneshot_receiver&&) noexcept = default;
    oneshot_receiver& operator=(oneshot_receiver&& other) noexcept {
        release();
        state_ = std::move(other.state_);
        return *this;
    }
    ~oneshot_receiver() { release(); }

    /// What `co_await rx.recv()` awaits: the channel's slot directly, with no coroutine frame
    /// of its own (a parked receiver costs only its awaiting task). Keeps the channel alive.
    class [[nodiscard]] recv_awaiter {
      public:
        explicit recv_awaiter(detail::oneshot_ref<T> s)
            : state_(std::move(s)), inner_(state_->value()) {}
        bool await_ready() const noexcept { return inner_.await_ready(); }
        bool await_suspend(std::coroutine_handle<> h) { return inner_.await_suspend(h); }
        std::optional<T> await_resume() {
            auto outcome = inner_.await_resume();
            if (auto* v = std::get_if<1>(&outcome)) {
                return std::move(*v);
            }
            return std::nullopt;
        }

      private:
        detail::oneshot_ref<T> state_;
        typename detail::slot<T>::awaiter inner_;
    };

    /// Awaits the value: `co_await rx.recv()` yields it, or std::nullopt if the sender was
    /// dropped without sending (or the value was already received). An awaitable, not a task:
    /// to hand it to block_on or a combinator, wrap it in a coroutine. Runtime threads only.
    recv_awaiter recv() { return recv_awaiter(state_); }

  private:
    void release() noexcept {
        if (state_) {
            state_->receiver_alive.store(false);
            state_.reset();
        }
    }
    detail::oneshot_ref<T> state_;
};

/// Creates a connected oneshot sender/receiver pair.
template <class T>
std::pair<oneshot_sender<T>, oneshot_receiver<T>> oneshot() {
    auto s = detail::oneshot_ref<T>::adopt(new detail::oneshot_state<T>());
    return {oneshot_sender<T>(s), oneshot_receiver<T>(std::move(s))};
}

} // namespace rt
