#pragma once
// join_all: run several tasks concurrently and collect every result, in input order.

#include "runtime/spawn.hpp"
#include "runtime/task.hpp"

#include <exception>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

namespace rt {

/// Runs every task concurrently (each is spawned on the current runtime) and returns their
/// values in input order once all have finished. If any threw, rethrows the exception of the
/// first failing task in input order, still only after all have finished. If the awaiting task
/// is cancelled, every task not yet finished is cancelled too. Runtime threads only.
template <class T>
task<std::vector<T>> join_all(std::vector<task<T>> tasks) {
    std::vector<join_handle<T>> handles;
    handles.reserve(tasks.size());
    detail::abort_on_exit owned(handles); // a no-op once all have finished
    for (auto& t : tasks) {
        handles.push_back(spawn(std::move(t), "join_all"));
    }
    std::vector<T> values;
    values.reserve(handles.size());
    std::exception_ptr first_error;
    for (auto& h : handles) {
        try {
            values.push_back(co_await h);
        } catch (const cancellation&) {
            throw; // we are cancelled: `owned` cancels the rest
        } catch (...) {
            if (!first_error) {
                first_error = std::current_exception();
            }
        }
    }
    if (first_error) {
        std::rethrow_exception(first_error);
    }
    co_return values;
}

/// join_all for tasks without a value: waits for all; rethrows the first failure in input order.
inline task<void> join_all(std::vector<task<void>> tasks) {
    std::vector<join_handle<void>> handles;
    handles.reserve(tasks.size());
    detail::abort_on_exit owned(handles); // a no-op once all have finished
    for (auto& t : tasks) {
        handles.push_back(spawn(std::move(t), "join_all"));
    }
    std::exception_ptr first_error;
    for (auto& h : handles) {
        try {
            co_await h;
        } catch (const cancellation&) {
            throw; // we are cancelled: `owned` cancels the rest
        } catch (...) {
            if (!first_error) {
                first_error = std::current_exception();
            }
        }
    }
    if (first_error) {
        std::rethrow_exception(first_error);
    }
}

namespace detail {
/// Runs `t` and stores its value in slot I of `out`. `out` is shared, not a reference into the
/// awaiting frame: a cancelled join_all returns without waiting for its tasks, and one that
/// finishes after that must still have somewhere to write.
template <std::size_t I, class Tuple, class T>
task<void> store_into(std::shared_ptr<Tuple> out, task<T> t) {
    if constexpr (std::is_void_v<T>) {
        co_await std::move(t);
        std::get<I>(*out).emplace();
    } else {
        std::get<I>(*out).emplace(co_await std::move(t));
    }
}

template <class Tuple, class... Ts, std::size_t... I>
std::vector<task<void>>
store_all(const std::shared_ptr<Tuple>& out, std::index_sequence<I...>, task<Ts>... ts) {
    std::vector<task<void>> steps;
    (steps.push_back(store_into<I>(out, std::move(ts))), ...);
    return steps;
}
} // namespace detail

/// Variadic join_all: runs the tasks concurrently and returns a tuple of their values (void
/// becomes std::monostate). Same exception and cancellation rules as the vector form. Runtime
/// threads only.
template <class... Ts>
task<std::tuple<detail::value_t<Ts>...>> join_all(task<Ts>... ts) {
    using slots = std::tuple<std::optional<detail::value_t<Ts>>...>;
    auto results = std::make_shared<slots>();
    co_await join_all(
        detail::store_all(results, std::index_sequence_for<Ts...>{}, std::move(ts)...));
    co_return std::apply(
        [](auto&... r) { return std::tuple<detail::value_t<Ts>...>(std::move(*r)...); }, *results);
}

} // namespace rt
