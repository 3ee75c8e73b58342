#include "runtime/multi_thread_runtime.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace rt {

namespace {
// The runtime and index of the worker this thread is (if it is one): its schedules go to its
// own queue.
thread_local const multi_thread_runtime* worker_of = nullptr;
thread_local std::size_t worker_index = 0;
} // namespace

multi_thread_runtime::multi_thread_runtime(std::size_t workers) {
    const std::size_t n = std::max<std::size_t>(workers, 1);
    for (std::size_t i = 0; i < n; ++i) {
        locals_.push_back(std::make_unique<worker>());
    }
    try {
        reactor_thread_ = std::thread([this] { reactor_main(); });
        for (std::size_t i = 0; i < n; ++i) {
            workers_.emplace_back([this, i] { worker_main(i); });
        }
    } catch (...) {
        stop_threads(); // a joinable std::thread member would terminate on unwinding
        throw;
    }
}

multi_thread_runtime::~multi_thread_runtime() {
    stop_threads();
    shutdown();
    // Queued handles belonged to the frames shutdown() destroyed; drop them unresumed.
    std::lock_guard lock(mutex_);
    shared_.clear();
    for (auto& w : locals_) {
        w->queue.clear();
        w->spill.clear();
    }
}

void multi_thread_runtime::stop_threads() noexcept {
    stopping_.store(true);
    for (auto& w : locals_) {
        w->sleeping.store(0); // see sleep(): a worker about to sleep then does not
        w->sleeping.notify_one();
    }
    for (auto& w : workers_) {
        if (w.joinable()) {
            w.join();
        }
    }
    reactor_stopping_.store(true);
    io().wake();
    if (reactor_thread_.joinable()) {
        reactor_thread_.join();
    }
}

void multi_thread_runtime::schedule(std::coroutine_handle<> h, task_ref owner) {
    if (worker_of == this) {
        // No LIFO slot (tokio's): a step there cannot be stolen, and with the other core busy
        // a task woken into the slot of a preempted worker waited for that worker's next time
        // slice (bench/runtime_bench.sh with BUSY=1: spawn+join 693 ns with it, 561 without).
        auto& me = *locals_[worker_index];
        if (!me.queue.push(detail::step{h, std::move(owner)}, me.spill)) {
            flush_spill(me);
        }
        wake_one(worker_index);
        return;
    }
    // Another thread (reactor, blocking pool, a std::thread): everything under mutex_, the
    // wake-up included. Once we unlock, a worker may run the step, finish block_on and destroy
    // this runtime while we would still be touching it (the destructor takes mutex_ last).
    std::lock_guard lock(mutex_);
    shared_.push_back({h, std::move(owner)});
    shared_count_.fetch_add(1);
    wake_one(locals_.size());
}

void multi_thread_runtime::wake_one(std::size_t from) noexcept {
    // Pairs with sleep(): a worker going to sleep sets its flag and counts itself in
    // sleepers_, then looks for work; we queued the step (the queue's tail store, or the
    // shared count's increment), then look at sleepers_. All of these are seq_cst, so in their
    // single total order one of us comes second and sees the other: it finds the step and
    // stays up, or we see it asleep and claim it. A plain load here, not a read-modify-write:
    // on a busy runtime this runs on every schedule, and an RMW would pull the counter's
    // cache line back and forth between the workers (9% of the 2-worker spawn benchmark).
    if (sleepers_.load() == 0) {
        return;
    }
    const std::size_t n = locals_.size();
    for (std::size_t k = 1; k <= n; ++k) {
        auto& w = *locals_[(from + k) % n];
        std::uint32_t asleep = 1;
        if (w.sleeping.load(std::memory_order_relaxed) == 1 &&
            w.sleeping.compare_exchange_strong(asleep, 0)) {
            sleepers_.fetch_sub(1);
            w.sleeping.notify_one();
            return;
        }
    }
}

detail::step multi_thread_runtime::search(std::size_t index) {
    for (std::size_t round = 1; round <= search_rounds; ++round) {
        if (round % 8 == 0) {
            std::this_thread::yield(); // let a preempted worker (or anyone) have this core
        } else {
            for (int i = 0; i < 32; ++i) {
                detail::cpu_relax();
            }
        }
        if (stopping_.load(std::memory_order_relaxed)) {
            return {};
        }
        if (auto s = next_step(index, false)) {
            return s;
        }
    }
    return {};
}

void multi_thread_runtime::sleep(std::size_t index) {
    auto& me = *locals_[index];
    me.sleeping.store(1);
    sleepers_.fetch_add(1);
    if (stopping_.load() || has_work()) {
        if (me.sleeping.exchange(0) == 1) { // not claimed meanwhile by a waker, who counted it
            sleepers_.fetch_sub(1);
        }
        return;
    }
    while (me.sleeping.load() == 1) {
        me.sleeping.wait(1);
    }
}

void multi_thread_runtime::flush_spill(worker& w) noexcept {
    try {
        std::lock_guard lock(mutex_);
        // At the back of a deque: all or nothing (strong guarantee) if it cannot allocate.
        shared_.insert(shared_.end(),
                       std::make_move_iterator(w.spill.begin()),
                       std::make_move_iterator(w.spill.end()));
        shared_count_.fetch_add(w.spill.size());
        w.spill.clear();
    } catch (...) { // std::bad_alloc: the spill stays with w, whose take_own runs it
    }
}

bool multi_thread_runtime::has_work() const {
    if (shared_count_.load() > 0) {
        return true;
    }
    return std::any_of(
        locals_.begin(), locals_.end(), [](const auto& w) { return !w->queue.empty(); });
}

detail::step multi_thread_runtime::take_own(std::size_t index) {
    auto& own = *locals_[index];
    if (!own.spill.empty()) { // only after a failed flush_spill
        detail::step s = std::move(own.spill.back());
        own.spill.pop_back();
        return s;
    }
    return own.queue.pop();
}

detail::step multi_thread_runtime::take_shared(std::size_t index) {
    if (shared_count_.load(std::memory_order_relaxed) == 0) {
        return {};
    }
    auto& own = *locals_[index];
    std::lock_guard lock(mutex_);
    if (shared_.empty()) {
        return {};
    }
    // One step to run and, into our own queue, a fair share of the rest (as Go's scheduler
    // does): one lock round per batch, not per step, when a full queue spilled into here.
    const std::size_t room =
        detail::local_queue::capacity / 2 -
        std::min<std::size_t>(own.queue.size(), detail::local_queue::capacity / 2);
    const std::size_t n = std::min(shared_.size() / locals_.size() + 1, room + 1);
    detail::step s = std::move(shared_.front());
    shared_.pop_front();
    for (std::size_t i = 1; i < n; ++i) {
        (void)own.queue.push(std::move(shared_.front()), own.spill); // there is room
        shared_.pop_front();
    }
    shared_count_.fetch_sub(n);
    return s;
}

// Steals the older half of another worker's queue: one step to run now, the rest to ours.
// tokio then wakes one more sleeping worker to share what was stolen; this does not. With two
// workers there is none to wake; with more, a third one sleeps on until the next schedule
// wakes it: a core left idle for a while, never a step lost.
detail::step multi_thread_runtime::steal(std::size_t index) {
    auto& own = *locals_[index];
    for (std::size_t k = 1; k < locals_.size(); ++k) {
        auto& victim = *locals_[(index + k) % locals_.size()];
        if (auto s = victim.queue.steal_into(own.queue)) {
            return s;
        }
    }
    return {};
}

detail::step multi_thread_runtime::next_step(std::size_t index, bool shared_first) {
    if (shared_first) {
        if (auto s = take_shared(index)) {
            return s;
        }
    }
    if (auto s = take_own(index)) {
        return s;
    }
    if (auto s = take_shared(index)) {
        return s;
    }
    return steal(index);
}

void multi_thread_runtime::enter_check() const {
    if (current_runtime() != nullptr) {
        throw std::logic_error("rt: block_on called from a runtime thread");
    }
}

void multi_thread_runtime::worker_main(std::size_t index) {
    detail::set_thread_name(("rt-worker-" + std::to_string(index)).c_str());
    detail::runtime_scope scope(this);
    worker_of = this;
    worker_index = index;
    auto started = std::chrono::steady_clock::now();
    // Every shared_interval steps the shared queue goes first: tasks that keep a worker's own
    // queue full (yield loops, ping-pong through channels) must not starve timers, I/O and
    // blocking-pool completions, which all arrive through it.
    std::size_t tick = 0;
    while (!stopping_.load(std::memory_order_relaxed)) {
        detail::step s = next_step(index, ++tick % shared_interval == 0);
        if (!s) {
            s = search(index);
            if (!s) {
                sleep(index);
                started = std::chrono::steady_clock::now(); // never charge the wait to a task
                continue;
            }
            started = std::chrono::steady_clock::now(); // nor the search
        }
        started = detail::run_one(std::move(s), started);
    }
    worker_of = nullptr;
}

void multi_thread_runtime::reactor_main() {
    detail::set_thread_name("rt-reactor");
    while (!reactor_stopping_.load()) {
        io().poll(std::nullopt);
    }
}

} // namespace rt
