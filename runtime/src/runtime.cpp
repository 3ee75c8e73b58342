#include "runtime/runtime.hpp"

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
// The task whose code this thread runs now (holding it keeps its record alive).
thread_local task_ref running_task;
std::atomic<std::uint64_t> next_task_id{1};
} // namespace

task_ref detail::current_task() noexcept { return running_task; }

void detail::run_one(step s) {
    task_ref previous = std::exchange(running_task, s.owner);
    const auto started = std::chrono::steady_clock::now();
    resume_with_trampoline(s.handle);
    if (s.owner) {
        end_poll(*s.owner, std::chrono::steady_clock::now() - started);
    }
    running_task = std::move(previous);
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

detail::root_promise::~root_promise() {
    if (owner_ != nullptr) {
        owner_->forget(this);
    }
}

std::size_t runtime::live_tasks() const {
    std::lock_guard lock(roots_mutex_);
    return roots_.size();
}

void runtime::adopt(detail::root_task root, std::string name, std::source_location location) {
    auto& promise = root.handle.promise();
    promise.owner_ = this;
    promise.record_ = std::make_shared<task_record>();
    promise.record_->id = next_task_id.fetch_add(1, std::memory_order_relaxed);
    promise.record_->name = std::move(name);
    promise.record_->spawned_at = location;
    {
        std::lock_guard lock(roots_mutex_);
        roots_.insert(&promise);
    }
    schedule(root.handle, promise.record_);
}

void runtime::forget(detail::root_promise* root) noexcept {
    std::lock_guard lock(roots_mutex_);
    roots_.erase(root);
}

void runtime::shutdown() noexcept {
    // Blocking jobs may still complete slots and schedule waiters; let them finish first.
    blocking_.stop();
    std::vector<detail::root_promise*> roots;
    {
        std::lock_guard lock(roots_mutex_);
        roots.assign(roots_.begin(), roots_.end());
        roots_.clear();
    }
    for (auto* root : roots) {
        root->owner_ = nullptr; // already unregistered above
        std::coroutine_handle<detail::root_promise>::from_promise(*root).destroy();
    }
}

} // namespace rt
