#include "builders.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace grader::build {

namespace fs = std::filesystem;

fs::path find_tool(const std::string& tool) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    std::vector<fs::path> candidates;
    while (std::getline(dirs, dir, ':')) {
        candidates.emplace_back(fs::path(dir) / tool);
    }
    const char* home = std::getenv("HOME");
    candidates.emplace_back(fs::path(home != nullptr ? home : "/root") / ".cargo/bin" / tool);
    for (const auto& c : candidates) {
        if (::access(c.c_str(), X_OK) == 0) {
            return c;
        }
    }
    return {};
}

std::string first_line_of(const fs::path& exe, const std::vector<std::string>& args) {
    if (exe.empty()) {
        return {};
    }
    try {
        boost::asio::io_context ctx;
        boost::asio::readable_pipe out(ctx);
        boost::process::v2::process p(
            ctx, exe.string(), args, boost::process::v2::process_stdio{nullptr, out, nullptr});
        std::string text;
        boost::system::error_code ec;
        boost::asio::read(out, boost::asio::dynamic_buffer(text), ec);
        p.wait(ec);
        return text.substr(0, text.find('\n'));
    } catch (const std::exception&) {
        return {};
    }
}

std::string shell_quote(const std::string& word) {
    std::string out = "'";
    for (const char c : word) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

} // namespace grader::build
