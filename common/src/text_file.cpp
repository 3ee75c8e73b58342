#include "common/text_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace common {

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
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
