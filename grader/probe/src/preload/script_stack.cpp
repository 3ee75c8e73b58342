#include "script_stack.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>
#include <dlfcn.h>

namespace tg::probe {

namespace {

// Appends to a fixed buffer, always NUL-terminated; tabs and newlines separate fields and
// frames, so inside a field they become spaces.
struct text_out {
    char* data;
    std::size_t size;
    std::size_t len = 0;

    void put(char c) noexcept {
        if (len + 1 < size) {
            data[len++] = c;
            data[len] = '\0';
        }
    }
    void add(const char* s, std::size_t max = 400) noexcept {
        for (std::size_t i = 0; s != nullptr && s[i] != '\0' && i < max; ++i) {
            put(s[i] == '\t' || s[i] == '\n' ? ' ' : s[i]);
        }
    }
    void add_number(long n) noexcept {
        char digits[24];
        int count = 0;
        auto v = static_cast<unsigned long>(n < 0 ? 0 : n);
        do {
            digits[count++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (count > 0) {
            put(digits[--count]);
        }
    }
    void frame(const char* file, long line, const char* function) noexcept {
        if (len > 0) {
            put('\n');
        }
        add(file);
        put('\t');
        add_number(line);
        put('\t');
        add(function, 120);
    }
};

template <class Fn>
bool find(Fn& fn, const char* name) noexcept {
    fn = reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, name));
    return fn != nullptr;
}

// CPython's stable-ish C API (3.9+): frames and code objects through functions only.
struct python_api {
    int (*is_initialized)();
    int (*is_finalizing)();
    int (*gil_ensure)();
    void (*gil_release)(int);
    void* (*current_frame)();
    void* (*frame_code)(void*);
    void* (*frame_back)(void*);
    int (*frame_line)(void*);
    void* (*get_attr)(void*, const char*);
    const char* (*as_utf8)(void*);
    void (*decref)(void*);
    void (*err_fetch)(void**, void**, void**);
    void (*err_restore)(void*, void*, void*);

    bool load() noexcept {
        // Py_IsFinalizing is public from 3.13, _Py_IsFinalizing before.
        if (!find(is_finalizing, "Py_IsFinalizing") && !find(is_finalizing, "_Py_IsFinalizing")) {
            return false;
        }
        return find(is_initialized, "Py_IsInitialized") && find(gil_ensure, "PyGILState_Ensure") &&
               find(gil_release, "PyGILState_Release") && find(current_frame, "PyEval_GetFrame") &&
               find(frame_code, "PyFrame_GetCode") && find(frame_back, "PyFrame_GetBack") &&
               find(frame_line, "PyFrame_GetLineNumber") &&
               find(get_attr, "PyObject_GetAttrString") && find(as_utf8, "PyUnicode_AsUTF8") &&
               find(decref, "Py_DecRef") && find(err_fetch, "PyErr_Fetch") &&
               find(err_restore, "PyErr_Restore");
    }

    void add_frame(text_out& out, void* frame) noexcept {
        void* code = frame_code(frame);
        void* file = code != nullptr ? get_attr(code, "co_filename") : nullptr;
        void* name = code != nullptr ? get_attr(code, "co_name") : nullptr;
        const char* file_text = file != nullptr ? as_utf8(file) : nullptr;
        const char* name_text = name != nullptr ? as_utf8(name) : nullptr;
        out.frame(file_text != nullptr ? file_text : "?",
                  frame_line(frame),
                  name_text != nullptr ? name_text : "?");
        for (void* o : {name, file, code}) {
            if (o != nullptr) {
                decref(o);
            }
        }
    }

    // The blocking call usually released the GIL around itself; take it back for the walk
    // (PyGILState_Ensure is made for threads in that state) and save any pending error.
    void read(text_out& out) noexcept {
        if (is_initialized() == 0 || is_finalizing() != 0) {
            return;
        }
        const int gil = gil_ensure();
        void* saved[3] = {};
        err_fetch(&saved[0], &saved[1], &saved[2]);
        void* frame = current_frame(); // borrowed
        bool owned = false;
        for (int i = 0; frame != nullptr && i < max_script_frames; ++i) {
            add_frame(out, frame);
            void* back = frame_back(frame); // a new reference
            if (owned) {
                decref(frame);
            }
            frame = back;
            owned = true;
        }
        if (owned && frame != nullptr) {
            decref(frame);
        }
        err_restore(saved[0], saved[1], saved[2]);
        gil_release(gil);
    }
};

// V8's public C++ API as node exports it (V8 11). Member functions take the object (a Local's
// slot address) first; Local<T> and StackFrame::Location come back in a register.
struct node_api {
    void* (*try_get_current)();
    void (*scope_open)(void* scope, void* isolate);
    void (*scope_close)(void* scope);
    void* (*current_trace)(void* isolate, int limit, int options);
    int (*frame_count)(const void* trace);
    void* (*get_frame)(const void* trace, void* isolate, std::uint32_t index);
    std::uint64_t (*location)(const void* frame);
    void* (*script_name)(const void* frame);
    void* (*function_name)(const void* frame);
    int (*write_utf8)(const void* string, void* isolate, char* buf, int size, int* chars, int opts);

    bool load() noexcept {
        return find(try_get_current, "_ZN2v87Isolate13TryGetCurrentEv") &&
               find(scope_open, "_ZN2v811HandleScopeC1EPNS_7IsolateE") &&
               find(scope_close, "_ZN2v811HandleScopeD1Ev") &&
               find(current_trace,
                    "_ZN2v810StackTrace17CurrentStackTraceEPNS_7IsolateEiNS0_"
                    "17StackTraceOptionsE") &&
               find(frame_count, "_ZNK2v810StackTrace13GetFrameCountEv") &&
               find(get_frame, "_ZNK2v810StackTrace8GetFrameEPNS_7IsolateEj") &&
               find(location, "_ZNK2v810StackFrame11GetLocationEv") &&
               find(script_name, "_ZNK2v810StackFrame13GetScriptNameEv") &&
               find(function_name, "_ZNK2v810StackFrame15GetFunctionNameEv") &&
               find(write_utf8, "_ZNK2v86String9WriteUtf8EPNS_7IsolateEPciPii");
    }

    void text_of(const void* string, void* isolate, char (&buf)[256]) noexcept {
        buf[0] = '\0';
        if (string != nullptr) {
            const int n = write_utf8(string, isolate, buf, sizeof buf - 1, nullptr, 2);
            buf[n > 0 && n < static_cast<int>(sizeof buf) ? n : 0] = '\0';
        }
    }

    void read(text_out& out) noexcept {
        void* isolate = try_get_current();
        if (isolate == nullptr) {
            return;
        }
        alignas(16) unsigned char scope[64]; // a HandleScope is three pointers
        scope_open(scope, isolate);
        constexpr int detailed = 0x7f; // StackTrace::kDetailed
        if (void* trace = current_trace(isolate, max_script_frames, detailed)) {
            const int count = frame_count(trace);
            for (int i = 0; i < count && i < max_script_frames; ++i) {
                void* frame = get_frame(trace, isolate, static_cast<std::uint32_t>(i));
                if (frame == nullptr) {
                    break;
                }
                char file[256];
                char function[256];
                text_of(script_name(frame), isolate, file);
                text_of(function_name(frame), isolate, function);
                const auto line = static_cast<std::int32_t>(location(frame) & 0xffffffffU);
                out.frame(file[0] != '\0' ? file : "?", line + 1, function);
            }
        }
        scope_close(scope);
    }
};

// Looked up once per process, on the first stack wanted (0 unknown, 1 usable, 2 missing).
constinit std::atomic<int> python_state{0};
constinit python_api python{};
constinit std::atomic<int> node_state{0};
constinit node_api node{};

template <class Api>
bool usable(std::atomic<int>& state, Api& api) noexcept {
    int s = state.load(std::memory_order_acquire);
    if (s == 0) {
        s = api.load() ? 1 : 2;
        state.store(s, std::memory_order_release);
    }
    return s == 1;
}

} // namespace

std::size_t read_script_stack(rules::script_stack kind, char* out, std::size_t size) noexcept {
    if (size == 0) {
        return 0;
    }
    text_out text{out, size};
    out[0] = '\0';
    if (kind == rules::script_stack::python && usable(python_state, python)) {
        python.read(text);
    } else if (kind == rules::script_stack::node && usable(node_state, node)) {
        node.read(text);
    }
    return text.len;
}

} // namespace tg::probe
