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
// The task whose code this thread runs now: a pointer to the reference run_one's step holds
// for the whole resume, so no reference count is touched per resume.
thread_local const task_ref* running_task = nullptr;
std::atomic<std::uint64_t> next_task_id{1};
} // namespace

task_ref detail::current_task() noexcept {
    return running_task != nullptr ? *running_task : nullptr;
}

std::chrono::steady_clock::time_point
detail::run_one(step s, std::chrono::steady_clock::time_point started) {
    const task_ref* previous = std::exchange(running_task, &s.owner);
    resume_with_trampoline(s.handle);
    auto ended = std::chrono::steady_clock::now();
    if (s.owner) {
        bool wrote = end_poll(*s.owner, ended - started);
        if (s.owner->ended.load(std::memory_order_relaxed)) { // this resume finished the task
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

detail::root_promise::~root_promise() {
    if (record_) {
        record_->ended.store(true);
    }
    if (owner_ != nullptr) {
        owner_->forget(this);
    }
}

std::size_t runtime::live_tasks() const {
    std::lock_guard lock(roots_mutex_);
    return root_count_;
}

task_ref runtime::adopt(detail::root_task root, std::string name, std::source_location location) {
    auto& promise = root.handle.promise();
    promise.owner_ = this;
    promise.record_ = std::make_shared<task_record>();
    promise.record_->id = next_task_id.fetch_add(1, std::memory_order_relaxed);
    promise.record_->name = std::move(name);
    promise.record_->spawned_at = location;
    {
        std::lock_guard lock(roots_mutex_);
        promise.next_ = roots_;
        if (roots_ != nullptr) {
            roots_->prev_ = &promise;
        }
        roots_ = &promise;
        ++root_count_;
    }
    task_ref record = promise.record_;
    schedule(root.handle, promise.record_); // from here the task may run, finish and be freed
    return record;
}

void runtime::forget(detail::root_promise* root) noexcept {
    std::lock_guard lock(roots_mutex_);
    (root->prev_ != nullptr ? root->prev_->next_ : roots_) = root->next_;
    if (root->next_ != nullptr) {
        root->next_->prev_ = root->prev_;
    }
    root->prev_ = root->next_ = nullptr;
    --root_count_;
}

void runtime::shutdown() noexcept {
    // Blocking jobs may still complete slots and schedule waiters; let them finish first.
    blocking_.stop();
    std::vector<detail::root_promise*> roots;
    {
        std::lock_guard lock(roots_mutex_);
        for (auto* r = roots_; r != nullptr; r = r->next_) {
            roots.push_back(r);
        }
        roots_ = nullptr;
        root_count_ = 0;
    }
    for (auto* root : roots) {
        root->owner_ = nullptr; // already unregistered above
        task_ref record = root->record_;
        std::coroutine_handle<detail::root_promise>::from_promise(*root).destroy();
        if (record) {
            detail::report_task_end(*record); // destroyed unfinished: no run_one will report it
        }
    }
}

} // namespace rt
