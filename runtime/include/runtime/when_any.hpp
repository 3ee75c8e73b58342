#pragma once
// when_any: run tasks concurrently and return the first one to finish.

#include "runtime/detail/slot.hpp"
#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

namespace rt {

/// Which task won a when_any, and its value.
template <class T>
struct when_any_result {
    std::size_t index = 0;
    detail::value_t<T> value;
};

namespace detail {
/// Runs `t` and offers its outcome to `s`: the first task to complete the slot wins, later
/// ones find it complete and their outcome is dropped. `wrap` turns the value (std::monostate
/// for void) into the slot's type.
template <class V, class T, class Wrap>
task<void> race(std::shared_ptr<slot<V>> s, task<T> t, Wrap wrap) {
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(t);
            s->set_value(wrap(std::monostate{}));
        } else {
            s->set_value(wrap(co_await std::move(t)));
        }
    } catch (...) {
        s->set_exception(std::current_exception());
    }
}

template <class V, class... Ts, std::size_t... I>
void spawn_races(std::vector<join_handle<void>>& races,
                 const std::shared_ptr<slot<V>>& s,
                 std::index_sequence<I...>,
                 task<Ts>... ts) {
    (races.push_back(
         spawn(race(s,
                    std::move(ts),
                    [](value_t<Ts> v) { return V(std::in_place_index<I>, std::move(v)); }),
               "when_any")),
     ...);
}
} // namespace detail

/// Runs every task concurrently (spawned on the current runtime) and returns the index and
/// value of the first to finish; if the first to finish threw, rethrows that exception. The
/// others are cancelled (cancel.hpp): they throw rt::cancellation at their next suspension
/// point and unwind; when_any does not wait for them. If the awaiting task is cancelled, all
/// are. Throws std::invalid_argument for an empty vector. Runtime threads only.
template <class T>
task<when_any_result<T>> when_any(std::vector<task<T>> tasks) {
    if (tasks.empty()) {
        throw std::invalid_argument("rt::when_any needs at least one task");
    }
    auto s = std::make_shared<detail::slot<when_any_result<T>>>();
    std::vector<join_handle<void>> races;
    races.reserve(tasks.size());
    detail::abort_on_exit losers(races);
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        auto wrap = [i](detail::value_t<T> v) { return when_any_result<T>{i, std::move(v)}; };
        races.push_back(spawn(detail::race(s, std::move(tasks[i]), wrap), "when_any"));
    }
    co_return detail::unwrap<when_any_result<T>>(co_await s->wait(), "rt: when_any lost its tasks");
}

/// Variadic when_any (tokio's select!): runs two or more tasks of any value types concurrently
/// and returns a std::variant whose active index is the task that finished first, holding its
/// value (void becomes std::monostate); `v.index()` says which, `std::get<I>(v)` gives it (also
/// when two tasks have the same type). If the first to finish threw, rethrows that exception.
/// The others are cancelled, as by the vector form. Runtime threads only.
template <class... Ts>
requires(sizeof...(Ts) >= 2) task<std::variant<detail::value_t<Ts>...>> when_any(task<Ts>... ts) {
    using result = std::variant<detail::value_t<Ts>...>;
    auto s = std::make_shared<detail::slot<result>>();
    std::vector<join_handle<void>> races;
    races.reserve(sizeof...(Ts));
    detail::abort_on_exit losers(races);
    detail::spawn_races(races, s, std::index_sequence_for<Ts...>{}, std::move(ts)...);
    co_return detail::unwrap<result>(co_await s->wait(), "rt: when_any lost its tasks");
}

} // namespace rt
