#pragma once
// when_any: run tasks concurrently and return the first one to finish.

#include "runtime/detail/slot.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <vector>

namespace rt {

/// Which task won a when_any, and its value.
template <class T>
struct when_any_result {
    std::size_t index = 0;
    detail::value_t<T> value;
};

namespace detail {
template <class T>
task<void> race(std::shared_ptr<slot<when_any_result<T>>> s, std::size_t index, task<T> t) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(t);
            s->set_value({index, {}});
        } else {
            s->set_value({index, co_await std::move(t)});
        }
    } catch (...) {
        s->set_exception(std::current_exception());
    }
}
} // namespace detail

/// Runs every task concurrently (spawned on the current runtime) and returns the index and
/// value of the first to finish; if the first to finish threw, rethrows that exception. The
/// others are NOT cancelled: they keep running detached and their results are discarded.
/// Throws std::invalid_argument for an empty vector. Runtime threads only.
template <class T>
task<when_any_result<T>> when_any(std::vector<task<T>> tasks) {
    if (tasks.empty()) {
        throw std::invalid_argument("rt::when_any needs at least one task");
    }
    auto s = std::make_shared<detail::slot<when_any_result<T>>>();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        spawn(detail::race<T>(s, i, std::move(tasks[i])), "when_any").detach();
    }
    co_return detail::unwrap<when_any_result<T>>(co_await s->wait(), "rt: when_any lost its tasks");
}

} // namespace rt
