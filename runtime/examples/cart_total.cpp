// What an async function really is: the same "cart total" written twice.
//
//   1. cart_total(): the coroutine you write. It awaits two values (the cart's subtotal, then
//      its discount) and returns their difference.
//   2. cart_total_machine: what the compiler turns that coroutine into, written by hand. An
//      enum of states (one per suspension point), a "frame" holding everything that lives
//      across a suspension, and a step() function that runs from one suspension point to the
//      next. It is an awaitable, so a task can `co_await` it exactly like the coroutine.
//
// Both await the same leaf operations: values answered later by another thread (the "server"),
// the way a socket becomes readable later. A leaf takes a *waker* - something to call when the
// value is there. For the coroutine, the waker puts its handle back on the runtime's run
// queue; for the machine, the waker is a call to step(). That is the whole trick: suspending
// is returning, resuming is calling step() again, and the state says where to continue.
//
//   build/runtime/examples/cart_total      prints both runs; exits 1 if they disagree

#include "runtime/all.hpp"

#include <chrono>
#include <coroutine>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

/// A value another thread sets later: the smallest leaf operation there is.
class later {
  public:
    /// Called by the server thread. Calls the waker (if someone is waiting) after unlocking.
    void set(int value) {
        std::function<void()> waker;
        {
            std::lock_guard lock(mutex_);
            value_ = value;
            waker = std::move(waker_);
        }
        if (waker) {
            waker();
        }
    }

    /// Registers `waker` unless the value is already there. Returns true if the caller must
    /// suspend (the waker will be called), false if it can take the value now.
    bool on_ready(std::function<void()> waker) {
        std::lock_guard lock(mutex_);
        if (value_) {
            return false;
        }
        waker_ = std::move(waker);
        return true;
    }

    int take() {
        std::lock_guard lock(mutex_);
        return *value_;
    }

  private:
    std::mutex mutex_;
    std::optional<int> value_;
    std::function<void()> waker_;
};

/// The awaitable handle of a pending `later` (shared with the server thread that sets it).
class operation {
  public:
    operation() = default;
    explicit operation(std::shared_ptr<later> value) : value_(std::move(value)) {}

    // The machine's face.
    bool on_ready(std::function<void()> waker) { return value_->on_ready(std::move(waker)); }
    int take() { return value_->take(); }

    // The coroutine's face (what `co_await op` calls). The waker must not resume the coroutine
    // on the server's thread: it queues the handle on the runtime that was running it.
    bool await_ready() const noexcept { return false; } // await_suspend checks, under the lock
    bool await_suspend(std::coroutine_handle<> h) {
        rt::runtime* runtime = &rt::require_current_runtime("operation");
        return value_->on_ready([runtime, h] { runtime->schedule(h); });
    }
    int await_resume() { return value_->take(); }

  private:
    std::shared_ptr<later> value_;
};

/// Answers lookups after a delay, each on its own thread (a stand-in for the network). Blocking
/// here is fine: these are not runtime threads.
class server {
  public:
    ~server() {
        for (auto& t : threads_) {
            t.join();
        }
    }
    operation lookup_subtotal(int cart) { return answer(cart * 1000, 20ms); }
    operation lookup_discount(int cart) { return answer(cart * 10, 10ms); }

  private:
    operation answer(int value, std::chrono::milliseconds delay) {
        auto op = std::make_shared<later>();
        std::lock_guard lock(mutex_);
        threads_.emplace_back([op, value, delay] {
            std::this_thread::sleep_for(delay);
            op->set(value);
        });
        return operation(op);
    }
    std::mutex mutex_;
    std::vector<std::thread> threads_;
};

// ---- 1. The coroutine -------------------------------------------------------------------------

rt::task<int> cart_total(server& s, int cart) {
    const int subtotal = co_await s.lookup_subtotal(cart);
    const int discount = co_await s.lookup_discount(cart);
    co_return subtotal - discount;
}

// ---- 2. The same function as a hand-written state machine -------------------------------------

class cart_total_machine {
  public:
    cart_total_machine(server& s, int cart, std::vector<std::string>& log)
        : server_(s), cart_(cart), log_(log) {}

    // The awaitable face: `co_await cart_total_machine(...)` starts it (like awaiting a lazy
    // task) and parks the awaiting coroutine until the machine reaches `done`.
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> parent) {
        parent_ = parent;
        runtime_ = &rt::require_current_runtime("cart_total_machine");
        step();
    }
    int await_resume() const { return result_; }

  private:
    // One state per place the function can be suspended, plus the two ends.
    enum class state { start, awaiting_subtotal, awaiting_discount, done };

    // The body of cart_total(), cut at each co_await. Each call runs until an operation is not
    // ready (suspend = register the waker and return) or the end. The waker calls step() again,
    // on whichever thread completed the operation, and the switch jumps to where we stopped.
    void step() {
        switch (state_) {
        case state::start:
            log_.push_back("start: ask for the subtotal");
            subtotal_op_ = server_.lookup_subtotal(cart_); // co_await s.lookup_subtotal(cart)
            state_ = state::awaiting_subtotal;
            if (subtotal_op_.on_ready([this] { step(); })) {
                return; // suspended: nothing below may touch the frame now
            }
            [[fallthrough]];
        case state::awaiting_subtotal:
            subtotal_ = subtotal_op_.take(); // the first await_resume()
            log_.push_back("awaiting_subtotal -> got " + std::to_string(subtotal_) +
                           ", ask for the discount");
            discount_op_ = server_.lookup_discount(cart_); // co_await s.lookup_discount(cart)
            state_ = state::awaiting_discount;
            if (discount_op_.on_ready([this] { step(); })) {
                return;
            }
            [[fallthrough]];
        case state::awaiting_discount:
            result_ = subtotal_ - discount_op_.take(); // co_return subtotal - discount
            log_.push_back("awaiting_discount -> done: " + std::to_string(result_));
            state_ = state::done;
            // final_suspend: hand control back to whoever awaited us, on their runtime.
            runtime_->schedule(parent_);
            return;
        case state::done:
            throw std::logic_error("cart_total_machine stepped after it finished");
        }
    }

    // The "coroutine frame": the arguments, every local that lives across a suspension point,
    // the in-flight operations, the state, and who to resume at the end.
    server& server_;
    int cart_;
    std::vector<std::string>& log_;
    state state_ = state::start;
    int subtotal_ = 0;
    int result_ = 0;
    operation subtotal_op_;
    operation discount_op_;
    std::coroutine_handle<> parent_;
    rt::runtime* runtime_ = nullptr;
};

struct totals {
    int by_coroutine = 0;
    int by_machine = 0;
};

rt::task<totals> both(server& s, int cart, std::vector<std::string>& log) {
    totals t;
    t.by_coroutine = co_await cart_total(s, cart);
    t.by_machine = co_await cart_total_machine(s, cart, log);
    co_return t;
}

} // namespace

int main() {
    server s;
    std::vector<std::string> log;
    rt::multi_thread_runtime runtime(2);
    const totals t = runtime.block_on(both(s, 7, log));
    std::printf("cart 7: coroutine says %d, hand-written state machine says %d\n",
                t.by_coroutine,
                t.by_machine);
    for (const auto& line : log) {
        std::printf("  machine: %s\n", line.c_str());
    }
    return t.by_coroutine == 7000 - 70 && t.by_machine == t.by_coroutine && log.size() == 3 ? 0 : 1;
}
