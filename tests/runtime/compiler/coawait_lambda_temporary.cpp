// The reproducer of GCC 12.2's coroutine miscompilation (issue 15; GCC PR 95599 and relatives):
// a lambda with an init-capture, built as a temporary inside a co_await expression. Correct C++;
// g++ 12.2 frees the capture twice ("free(): double free detected", exit 134) at -O0 and -O2.
// tests/CMakeLists.txt builds and runs it with TG_SUBMISSION_CXX, the compiler C++ submissions
// are built with, which must print 100 and exit 0. No runtime involved: only <coroutine>.
#include <coroutine>
#include <cstdio>
#include <string>
#include <utility>

struct task {
    struct promise_type {
        task get_return_object() {
            return {std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() {}
    };
    std::coroutine_handle<promise_type> h;
};

template <class F>
struct run_later {
    F fn;
    bool await_ready() { return false; }
    bool await_suspend(std::coroutine_handle<>) { return false; }
    auto await_resume() { return fn(); }
};
template <class F>
run_later<F> later(F f) {
    return {std::move(f)};
}

task parse(std::string body, std::size_t& out) {
    out = co_await later([s = std::move(body)] { return s.size(); });
}

int main() {
    std::size_t n = 0;
    task t = parse(std::string(100, 'x'), n);
    t.h.destroy();
    std::printf("%zu\n", n);
    return n == 100 ? 0 : 1;
}
