#pragma once
// mpsc: a bounded multi-producer single-consumer channel with backpressure.

#include "runtime/cancel.hpp"
#include "runtime/runtime.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/task.hpp"

#include <algorithm>
#include <coroutine>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace rt {

namespace detail {

template <class T>
struct mpsc_state;

/// A sender parked because the buffer was full; the receiver moves its value into the buffer
/// when room appears, or fails it if the receiver goes away. A suspension point: a cancelled
/// task throws rt::cancellation here, its value not sent.
template <class T>
class mpsc_send_awaiter : public cancel_point {
  public:
    mpsc_send_awaiter(std::shared_ptr<mpsc_state<T>> s, T value)
        : state_(std::move(s)), value_(std::move(value)) {}
    mpsc_send_awaiter(const mpsc_send_awaiter&) = delete;
    mpsc_send_awaiter& operator=(const mpsc_send_awaiter&) = delete;
    ~mpsc_send_awaiter() {
        if (queued_) { // our frame is being destroyed while parked: leave the queue
            std::lock_guard lock(state_->mutex);
            std::erase(state_->senders_waiting, this);
        }
    }
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h);
    bool await_resume() {
        resume();
        return sent_;
    }

  private:
    friend struct mpsc_state<T>;
    waiter unpark(detail::task_cell& /*cell*/) noexcept override {
        std::lock_guard lock(state_->mutex);
        if (!queued_) {
            return {}; // admitted or failed: the task is being woken
        }
        queued_ = false;
        std::erase(state_->senders_waiting, this);
        return std::exchange(waiter_, {});
    }

    std::shared_ptr<mpsc_state<T>> state_;
    T value_;
    waiter waiter_;
    bool queued_ = false; // both written under state_->mutex
    bool sent_ = false;
};

template <class T>
struct mpsc_state {
    explicit mpsc_state(std::size_t cap) : capacity(cap) {}

    std::mutex mutex;
    std::deque<T> buffer;
    std::size_t capacity;
    std::size_t senders = 1;
    bool receiver_alive = true;
    waiter receiver_waiting;
    std::deque<mpsc_send_awaiter<T>*> senders_waiting;

    /// After the receiver took an item: move the oldest parked sender's value into the freed
    /// place. Returns the sender to wake (empty if none). Call with `mutex` held.
    waiter admit_parked_sender() {
        if (senders_waiting.empty() || buffer.size() >= capacity) {
            return {};
        }
        auto* s = senders_waiting.front();
        senders_waiting.pop_front();
        buffer.push_back(std::move(s->value_));
        s->queued_ = false;
        s->sent_ = true;
        return s->waiter_;
    }

    /// The receiver is gone: drop the buffer and fail every parked sender (their send yields
    /// false). Returns them to wake. Call with `mutex` held.
    std::vector<waiter> close_receiver() {
        receiver_alive = false;
        buffer.clear();
        std::vector<waiter> failed;
        for (auto* s : senders_waiting) {
            s->queued_ = false;
            failed.push_back(s->waiter_);
        }
        senders_waiting.clear();
        return failed;
    }
};

template <class T>
bool mpsc_send_awaiter<T>::await_suspend(std::coroutine_handle<> h) {
    auto& rt = require_current_runtime("rt::mpsc_sender::send");
    waiter wake_receiver;
    bool parked = suspend([&] {
        std::lock_guard lock(state_->mutex);
        if (!state_->receiver_alive) {
            return false; // sent_ stays false
        }
        if (state_->buffer.size() >= state_->capacity || !state_->senders_waiting.empty()) {
            waiter_ = waiter{h, &rt};
            queued_ = true;
            state_->senders_waiting.push_back(this);
            return true; // the receiver may resume us on another thread from here on
        }
        state_->buffer.push_back(std::move(value_));
        sent_ = true;
        wake_receiver = std::exchange(state_->receiver_waiting, {});
        return false;
    });
    if (wake_receiver) { // only when not parked: a local, not the frame
        wake_receiver.wake();
    }
    return parked;
}

} // namespace detail

/// Sending half; copyable (each copy counts as a sender). When the last sender is destroyed
/// the channel closes: the receiver drains what is buffered, then gets std::nullopt.
template <class T>
class mpsc_sender {
  public:
    explicit mpsc_sender(std::shared_ptr<detail::mpsc_state<T>> s) : state_(std::move(s)) {}
    mpsc_sender(const mpsc_sender& o) : state_(o.state_) {
        if (state_) {
            std::lock_guard lock(state_->mutex);
            ++state_->senders;
        }
    }
    mpsc_sender(mpsc_sender&& o) noexcept = default;
    mpsc_sender& operator=(mpsc_sender o) noexcept {
        std::swap(state_, o.state_);
        return *this;
    }
    ~mpsc_sender() {
        if (!state_) {
            return;
        }
        detail::waiter wake_receiver;
        {
            std::lock_guard lock(state_->mutex);
            if (--state_->senders == 0) {
                wake_receiver = std::exchange(state_->receiver_waiting, {});
            }
        }
        if (wake_receiver) {
            wake_receiver.wake();
        }
    }

    /// co_await to send `value`: suspends while the buffer is full (backpressure). Yields true
    /// once the value is queued, false (value dropped) if the receiver is gone. Senders are
    /// admitted in FIFO order. Runtime threads only.
    detail::mpsc_send_awaiter<T> send(T value) {
        return detail::mpsc_send_awaiter<T>(state_, std::move(value));
    }

  private:
    std::shared_ptr<detail::mpsc_state<T>> state_;
};

/// Receiving half; move-only. Dropping it makes pending and future sends yield false.
template <class T>
class mpsc_receiver {
  public:
    explicit mpsc_receiver(std::shared_ptr<detail::mpsc_state<T>> s) : state_(std::move(s)) {}
    mpsc_receiver(mpsc_receiver&&) noexcept = default;
    mpsc_receiver& operator=(mpsc_receiver&&) noexcept = default;
    ~mpsc_receiver();

    /// Awaits the next value: returns it, or std::nullopt once every sender is gone and the
    /// buffer is empty. One recv at a time. Runtime threads only.
    task<std::optional<T>> recv() { return receive(state_); }

  private:
    struct recv_awaiter;
    static task<std::optional<T>> receive(std::shared_ptr<detail::mpsc_state<T>> s);
    std::shared_ptr<detail::mpsc_state<T>> state_;
};

/// Parks the receiver until the buffer is non-empty or the last sender is gone.
template <class T>
struct mpsc_receiver<T>::recv_awaiter : detail::cancel_point {
    detail::mpsc_state<T>& state;
    bool parked = false; // written under state.mutex

    explicit recv_awaiter(detail::mpsc_state<T>& s) noexcept : state(s) {}
    recv_awaiter(const recv_awaiter&) = delete;
    ~recv_awaiter() {
        if (parked) {
            std::lock_guard lock(state.mutex);
            state.receiver_waiting = {};
        }
    }
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> h) {
        auto& rt = require_current_runtime("rt::mpsc_receiver::recv");
        return suspend([&] {
            std::lock_guard lock(state.mutex);
            if (!state.buffer.empty() || state.senders == 0) {
                return false;
            }
            state.receiver_waiting = detail::waiter{h, &rt};
            parked = true;
            return true;
        });
    }
    detail::waiter unpark(detail::task_cell& /*cell*/) noexcept override {
        std::lock_guard lock(state.mutex);
        if (!parked || !state.receiver_waiting) {
            return {}; // an item or the close arrived: the task is being woken
        }
        parked = false;
        return std::exchange(state.receiver_waiting, {});
    }
    /// Takes the next item (or nullopt) and admits one parked sender into the freed place. A
    /// cancelled receiver throws rt::cancellation and takes nothing.
    std::optional<T> await_resume() {
        resume();
        std::optional<T> item;
        detail::waiter wake_sender;
        {
            std::lock_guard lock(state.mutex);
            parked = false;
            if (!state.buffer.empty()) {
                item.emplace(std::move(state.buffer.front()));
                state.buffer.pop_front();
                wake_sender = state.admit_parked_sender();
            }
        }
        if (wake_sender) {
            wake_sender.wake();
        }
        return item;
    }
};

template <class T>
task<std::optional<T>> mpsc_receiver<T>::receive(std::shared_ptr<detail::mpsc_state<T>> s) {
    co_return co_await recv_awaiter(*s);
}

template <class T>
mpsc_receiver<T>::~mpsc_receiver() {
    if (!state_) {
        return;
    }
    std::vector<detail::waiter> failed;
    {
        std::lock_guard lock(state_->mutex);
        failed = state_->close_receiver();
    }
    for (auto& w : failed) {
        w.wake();
    }
}

/// Creates a channel buffering at most `capacity` values (at least 1: std::invalid_argument
/// for 0). Returns the first sender and the receiver.
template <class T>
std::pair<mpsc_sender<T>, mpsc_receiver<T>> mpsc(std::size_t capacity) {
    if (capacity == 0) {
        throw std::invalid_argument("rt::mpsc capacity must be at least 1");
    }
    auto s = std::make_shared<detail::mpsc_state<T>>(capacity);
    return {mpsc_sender<T>(s), mpsc_receiver<T>(s)};
}

} // namespace rt
