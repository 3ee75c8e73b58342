// The explainer's texts: one entry per compiler diagnostic candidates hit most in async code.
// Data only; explain.cpp fills `specific` from one diagnostic. Checked against `rustc --explain`
// (rustc 1.95) and the compilers' own messages; plain English, the compiler's vocabulary.

#include "grader/diagnostics/explain.hpp"

namespace grader {

const std::vector<explainer_entry>& explainer_table() {
    static const std::vector<explainer_entry> table{
        {"E0373",
         "rust",
         "closure may outlive the current function, but it borrows a value the function owns",
         "A closure or async block borrows a local variable (Rust captures by reference unless "
         "told otherwise) and is handed to something that may run after the current function "
         "returns, such as std::thread::spawn or tokio::spawn, which require 'static. By then the "
         "borrowed variable would be gone. The task boundary is the ownership boundary: a spawned "
         "task must own what it uses.",
         "The closure or async block at line {line} borrows `{var}`, which the current function "
         "owns, and is passed to something that may run after the function returns. Add `move` so "
         "that it takes ownership of `{var}`; if the function still needs `{var}` afterwards, "
         "move a clone (or an Arc) of it in instead.",
         "Add `move` before the closure (`move ||`) or the async block (`async move`) so it owns "
         "what it captures; clone or Arc what the caller still needs.",
         "let task = tokio::spawn(async { println!(\"{}\", name) });",
         "let task = tokio::spawn(async move { println!(\"{}\", name) });"},
        {"E0597",
         "rust",
         "borrowed value does not live long enough",
         "A value is dropped while something still borrows it. In async code this is usually a "
         "reference to a local moved into tokio::spawn or std::thread::spawn: they require "
         "'static because the task may outlive the function, so the task cannot hold a borrow of "
         "the function's locals.",
         "`{var}` (declared at line {line2}) is borrowed at line {line}, {why}. Give the borrower "
         "an owned value instead of a reference: `{var}` itself, a clone of it, or an Arc.",
         "Pass an owned value (the value itself, `.clone()`, or an `Arc`) where the reference was.",
         "let ids = &job_ids;",
         "let ids = job_ids.clone();"},
        {"E0521",
         "rust",
         "borrowed data escapes outside of function",
         "A reference that is valid only while a function (or closure) runs is stored somewhere "
         "that outlives it. In async code it is typically a `&str` or `&T` parameter used inside "
         "tokio::spawn: the spawned task requires 'static, and the parameter's borrow ends when "
         "the function returns.",
         "`{var}` ({type}) is a reference that is valid only while the function runs (line "
         "{line2}), but at line {line} it escapes {why}. Make an owned copy before that line and "
         "move the copy instead (or take an owned parameter: String instead of &str).",
         "Before spawning, shadow the reference with an owned copy (`let x = x.to_owned();`) and "
         "move that into the task; or make the parameter owned.",
         "let task = tokio::spawn(async move { println!(\"{}\", base_url) });",
         "let base_url = base_url.to_owned();\n"
         "let task = tokio::spawn(async move { println!(\"{}\", base_url) });"},
        {"future-not-send",
         "rust",
         "future cannot be sent between threads safely (a non-Send value held across an .await)",
         "An async fn or block compiles to a state machine that stores every local still alive "
         "at an `.await`. tokio::spawn on the multi-threaded runtime may move a task to another "
         "worker thread between polls, so the whole future must be Send. A value that is not Send "
         "(a std::sync::MutexGuard, an Rc, a RefCell borrow) alive across an `.await` makes the "
         "future not Send.",
         "`{var}` ({type}, line {line2}) is still alive at the `.await` on line {line}, so the "
         "future stores it, and {type} is not Send. Drop it before the `.await` (end its scope, "
         "or `drop({var})`), or use a Send type: tokio::sync::Mutex, whose guard may be held "
         "across an `.await`, instead of std::sync::Mutex; Arc instead of Rc.",
         "End the value's scope before the `.await`, or use tokio::sync::Mutex (lock with "
         "`.lock().await`) or Arc.",
         "let mut guard = shared.lock().unwrap();",
         "let mut guard = shared.lock().await; // shared: Arc<tokio::sync::Mutex<_>>"},
        {"E0277",
         "rust",
         "a value that is not Send is moved into tokio::spawn",
         "tokio::spawn requires its future to be Send, because the multi-threaded runtime may "
         "poll it on any worker thread. A captured value whose type is not Send (Rc, a RefCell "
         "borrow, a raw pointer) makes the whole future not Send. rustc reports it as E0277 (a "
         "trait bound not satisfied: `Send`) or as \"future cannot be sent between threads "
         "safely\" naming the captured value.",
         "The task spawned at line {line} captures `{var}`, of type {type}, which is not Send, so "
         "the task cannot move between the runtime's worker threads. Use the thread-safe "
         "equivalent (Arc instead of Rc, a Mutex instead of a RefCell); only a value that must "
         "stay on one thread calls for tokio::task::spawn_local inside a LocalSet.",
         "Use Arc instead of Rc (and Mutex or RwLock instead of RefCell) for what a spawned task "
         "captures.",
         "let seen = Rc::new(5);",
         "let seen = Arc::new(5); // use std::sync::Arc"},
        {"E0752",
         "rust",
         "`main` function is not allowed to be `async`",
         "Rust has no built-in async runtime: something has to poll main's future, and a plain "
         "`async fn main` has nothing to do it. With tokio, `#[tokio::main]` turns it into an "
         "ordinary `fn main` that starts a runtime and blocks on the body.",
         "`main` at line {line} is `async`, but nothing would run it. Put `#[tokio::main]` on the "
         "line above (tokio with the \"macros\" and \"rt-multi-thread\" features, or \"full\").",
         "Mark main with `#[tokio::main]`.",
         "async fn main() {",
         "#[tokio::main]\nasync fn main() {"},
        {"unused_must_use",
         "rust",
         "unused implementer of `Future` that must be used",
         "Futures are lazy: calling an async fn only builds the future, and nothing runs until it "
         "is `.await`ed, polled, or handed to tokio::spawn. A future that is created and dropped "
         "does nothing at all: the request it describes is never sent.",
         "The future `{var}` at line {line} is created and dropped without being awaited, so it "
         "never runs. Add `.await`, or keep it to run with the others (futures::future::join_all, "
         "a JoinSet) or pass it to tokio::spawn.",
         "Add `.await`, or collect the futures and await them together.",
         "fetch_detail(id);",
         "fetch_detail(id).await;"},
        {"E0728",
         "rust",
         "`await` is only allowed inside `async` functions and blocks",
         "`.await` suspends the current future until another one is ready, so it can only appear "
         "inside an async fn or an async block, which compile to futures that can be suspended. A "
         "plain fn cannot pause.",
         "The `.await` at line {line} is inside `{var}` (line {line2}), which is not async. Make "
         "it "
         "an `async fn` and `.await` it where it is called; at the top of the program, let the "
         "runtime run it (`#[tokio::main]`) rather than calling block_on inside async code.",
         "Make the enclosing function `async` and await it at its callers.",
         "fn report() -> usize {",
         "async fn report() -> usize {"},
        {"cpp-task-not-awaited",
         "cpp",
         "a task that is never awaited ([[nodiscard]])",
         "rt::task is lazy, like a Rust future: calling a coroutine function creates the task "
         "suspended at its start, and nothing runs until it is co_awaited or spawned. rt::task is "
         "[[nodiscard]], so GCC and Clang warn when one is discarded (-Wunused-result); the "
         "discarded task is destroyed without ever running.",
         "The call at line {line} returns {type}, which is discarded, so the coroutine never "
         "runs. co_await it, or hand it to rt::spawn (and keep the join handle) to run it "
         "alongside the others.",
         "co_await the task, or rt::spawn it and join the handle.",
         "fetch_detail(client, id);",
         "co_await fetch_detail(client, id);"},
        {"cpp-coroutine-reference-parameter",
         "cpp",
         "a coroutine takes a reference parameter that dies before the task runs",
         "A coroutine copies its parameters into its frame, but for a reference parameter it "
         "copies only the reference. If the task runs later (spawned, or awaited after the "
         "caller's temporary is gone), the object may already be destroyed and the reference "
         "dangles. Compilers do not diagnose this in general; AddressSanitizer reports it as a "
         "use after free.",
         "",
         "Take the parameter by value (std::string, not const std::string&) so that the coroutine "
         "frame owns a copy; share state through a std::shared_ptr passed by value.",
         "rt::task<job> fetch_detail(const std::string& base_url, int id);",
         "rt::task<job> fetch_detail(std::string base_url, int id);"},
        {"cpp-lambda-coroutine-capture",
         "cpp",
         "a lambda coroutine's captures die with the lambda",
         "A lambda that is a coroutine keeps its captures in the lambda object, not in the "
         "coroutine frame (the frame stores only a pointer to the lambda). When the lambda is a "
         "temporary, it is destroyed at the end of the full expression while its task may still "
         "be suspended, and every capture dangles (C++ Core Guidelines CP.51).",
         "",
         "Pass what the coroutine needs as parameters by value (they are copied into the frame) "
         "instead of capturing it, or keep the lambda object alive until the task finishes.",
         "rt::spawn([url]() -> rt::task<void> { co_await get(url); }());",
         "rt::spawn([](std::string url) -> rt::task<void> { co_await get(url); }(url));"},
    };
    return table;
}

} // namespace grader
