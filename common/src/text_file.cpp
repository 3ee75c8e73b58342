#include "common/text_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace common {

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

result<std::string> read_regular_file(const std::filesystem::path& file, std::size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type is checked on what was
    // opened, so nothing can be swapped in between.
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return error{errc::io, file.string() + ": cannot open file: " + std::strerror(errno)};
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return error{errc::io, file.string() + ": not a regular file"};
    }
    std::string text;
    char chunk[65536];
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || text.size() + static_cast<std::size_t>(n) > max_bytes) {
            ::close(fd);
            if (n < 0) {
                return error{errc::io, file.string() + ": cannot read: " + std::strerror(errno)};
            }
            if (n > 0) {
                return error{errc::io,
                             file.string() + ": larger than " + std::to_string(max_bytes >> 20) +
                                 " MiB"};
            }
            return text;
        }
        text.append(chunk, static_cast<std::size_t>(n));
    }
}

bool write_text(const std::filesystem::path& file, std::string_view text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    return static_cast<bool>(out.flush());
}

status write_text_atomic(const std::filesystem::path& file, std::string_view text) {
    auto temp = file;
    temp += ".tmp-" + std::to_string(::getpid());
    if (!write_text(temp, text)) {
        std::error_code ec;
        std::filesystem::remove(temp, ec);
        return error{errc::io, "cannot write " + temp.string()};
    }
    if (std::rename(temp.c_str(), file.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        std::error_code ec;
        std::filesystem::remove(temp, ec);
        return error{errc::io, "cannot replace " + file.string() + ": " + why};
    }
    return success();
}

} // namespace common
