#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace fuzz {

namespace {

// Removes the scratch directory at exit; only the process that made it removes it.
struct scratch_owner {
    std::filesystem::path dir;
    pid_t owner = ::getpid();
    ~scratch_owner() {
        if (!dir.empty() && ::getpid() == owner) {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    }
};

} // namespace

void fail(std::string_view what, std::string_view detail) {
    std::fprintf(stderr,
                 "fuzz: broken property: %.*s\n%.*s\n",
                 static_cast<int>(what.size()),
                 what.data(),
                 static_cast<int>(std::min<std::size_t>(detail.size(), 2000)),
                 detail.data());
    std::abort();
}

void expect_located(const common::error& e, std::string_view file) {
    if (e.code == common::errc::internal) {
        fail("an input error reported as internal", e.message);
    }
    const std::string_view m = e.message;
    const bool located =
        m.substr(0, file.size()) == file && m.size() > file.size() && m[file.size()] == ':';
    if (!located) {
        fail("an error message that does not start with the file's name", m);
    }
}

const std::filesystem::path& scratch_dir() {
    static const scratch_owner scratch = [] {
        // Memory first: targets rewrite a file on every run, and on ext4 truncating and
        // rewriting a file flushes it on close (auto_da_alloc): 3x fewer runs per second.
        const char* tmp = std::getenv("TMPDIR");
        std::error_code ec;
        const std::string base =
            std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0
                ? "/dev/shm"
            : tmp != nullptr && *tmp != '\0' ? tmp
                                             : "/tmp";
        std::string pattern = base + "/tg-fuzz-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) {
            fail("cannot make a scratch directory", pattern);
        }
        return scratch_owner{pattern, ::getpid()};
    }();
    return scratch.dir;
}

void write_file(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out.flush()) {
        fail("cannot write a scratch file", file.string());
    }
}

bool guard_open_bug(std::string_view /*id*/) {
    static const bool strict = [] {
        const char* s = std::getenv("TG_FUZZ_STRICT");
        return s != nullptr && std::string_view(s) == "1";
    }();
    return !strict;
}

} // namespace fuzz
