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
        locals_.push_back(std::make_unique<local_queue>());
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
    for (auto& local : locals_) {
        std::lock_guard local_lock(local->mutex);
        local->steps.clear();
    }
}

void multi_thread_runtime::stop_threads() noexcept {
    {
        std::lock_guard lock(mutex_);
        stopping_.store(true);
    }
    cv_.notify_all();
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
        {
            auto& local = *locals_[worker_index];
            std::lock_guard lock(local.mutex);
            local.steps.push_back({h, std::move(owner)});
        }
        queued_.fetch_add(1);
        wake_one_if_idle();
        return;
    }
    // Another thread (reactor, blocking pool, a std::thread): everything under mutex_, the
    // notification included. Once we unlock, a worker may run the step, finish block_on and
    // destroy this runtime while we would still be touching it.
    std::lock_guard lock(mutex_);
    shared_.push_back({h, std::move(owner)});
    shared_count_.fetch_add(1);
    queued_.fetch_add(1);
    if (idle_workers_.load() > 0) {
        cv_.notify_one();
    }
}

void multi_thread_runtime::wake_one_if_idle() {
    // Pairs with worker_main: a worker going to sleep counts itself idle, then checks queued_;
    // we counted the step in queued_, then check idle_workers_ (both seq_cst). So either it
    // sees our step and does not sleep, or we see it idle and notify - after taking mutex_,
    // which it holds until it is waiting, so the notification cannot fall between its check
    // and its wait. (Only workers come here: the runtime outlives them.)
    if (idle_workers_.load() > 0) {
        { std::lock_guard lock(mutex_); }
        cv_.notify_one();
    }
}

detail::step multi_thread_runtime::take_front(std::deque<detail::step>& q) {
    detail::step s = std::move(q.front());
    q.pop_front();
    queued_.fetch_sub(1);
    return s;
}

detail::step multi_thread_runtime::take_own(std::size_t index) {
    auto& own = *locals_[index];
    std::lock_guard lock(own.mutex);
    return own.steps.empty() ? detail::step{} : take_front(own.steps);
}

detail::step multi_thread_runtime::take_shared() {
    if (shared_count_.load() == 0) {
        return {};
    }
    std::lock_guard lock(mutex_);
    if (shared_.empty()) {
        return {};
    }
    shared_count_.fetch_sub(1);
    return take_front(shared_);
}

// Steals the older half of another worker's queue: one step to run now, the rest to ours.
detail::step multi_thread_runtime::steal(std::size_t index) {
    for (std::size_t k = 1; k < locals_.size(); ++k) {
        auto& victim = *locals_[(index + k) % locals_.size()];
        std::deque<detail::step> stolen;
        {
            std::lock_guard lock(victim.mutex);
            const std::size_t half = (victim.steps.size() + 1) / 2;
            for (std::size_t i = 0; i < half; ++i) {
                stolen.push_back(std::move(victim.steps.front()));
                victim.steps.pop_front();
            }
        }
        if (stolen.empty()) {
            continue;
        }
        detail::step s = take_front(stolen);
        if (!stolen.empty()) {
            auto& own = *locals_[index];
            std::lock_guard lock(own.mutex);
            for (auto& step : stolen) {
                own.steps.push_back(std::move(step));
            }
        }
        return s;
    }
    return {};
}

detail::step multi_thread_runtime::next_step(std::size_t index, bool shared_first) {
    if (shared_first) {
        if (auto s = take_shared()) {
            return s;
        }
    }
    if (auto s = take_own(index)) {
        return s;
    }
    if (auto s = take_shared()) {
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
            std::unique_lock lock(mutex_);
            idle_workers_.fetch_add(1);
            cv_.wait(lock, [this] { return stopping_.load() || queued_.load() > 0; });
            idle_workers_.fetch_sub(1);
            started = std::chrono::steady_clock::now(); // never charge the wait to a task
            continue;
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
