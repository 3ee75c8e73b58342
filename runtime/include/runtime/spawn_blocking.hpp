#pragma once
// spawn_blocking: run a blocking function on the blocking pool and await its result.

#include "runtime/detail/slot.hpp"
#include "runtime/runtime.hpp"
#include "runtime/task.hpp"

#include <exception>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>

namespace rt {

/// Returns a task that, when awaited, runs `fn()` on one of the current runtime's blocking
/// threads (rt-blocking-N; never on a worker or the run-loop thread) and yields its result or
/// rethrows its exception. The awaiting task is suspended meanwhile, so the worker stays free.
/// Like any task it is lazy: nothing runs until it is awaited. Runtime threads only.
template <class F, class R = std::invoke_result_t<F&>>
task<R> spawn_blocking(F fn) {
    auto s = std::make_shared<detail::slot<R>>();
    // std::function needs a copyable callable; sharing the callable makes move-only ones work.
    auto shared_fn = std::make_shared<F>(std::move(fn));
    require_current_runtime("rt::spawn_blocking").blocking().submit([s, shared_fn] {
        try {
            if constexpr (std::is_void_v<R>) {
                (*shared_fn)();
                s->set_value({});
            } else {
                s->set_value((*shared_fn)());
            }
        } catch (...) {
            s->set_exception(std::current_exception());
        }
    });
    co_return detail::unwrap<R>(co_await s->wait(), "rt: blocking job was dropped");
}

namespace detail {
/// fn and its arguments, held by value; called once, with the arguments moved out.
template <class F, class... Args>
struct bound_call {
    F fn;
    std::tuple<Args...> args;
    decltype(auto) operator()() { return std::apply(fn, std::move(args)); }
};
} // namespace detail

/// spawn_blocking(fn, args...): `fn(args...)` on the blocking pool, each argument moved (or
/// copied) in by value, as std::thread takes them. Prefer it to a lambda with captures built
/// inside the co_await, `co_await rt::spawn_blocking([s = std::move(s)] {...})`: correct C++,
/// but GCC 12.2 miscompiles that form (the capture is freed twice; runtime/README.md, "Which
/// compiler"); `co_await rt::spawn_blocking(parse, std::move(s))` has no such lambda.
template <class F, class A0, class... Args>
task<std::invoke_result_t<F&, A0&&, Args&&...>> spawn_blocking(F fn, A0 a0, Args... args) {
    return spawn_blocking(detail::bound_call<F, A0, Args...>{
        std::move(fn), std::tuple<A0, Args...>(std::move(a0), std::move(args)...)});
}

} // namespace rt
