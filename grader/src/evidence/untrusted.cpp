#include "grader/evidence/untrusted.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace grader {

namespace fs = std::filesystem;

untrusted_file read_untrusted_file(const fs::path& file, std::size_t cap) {
    untrusted_file out;
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        out.exists = errno != ENOENT;
        if (errno == ELOOP) {
            out.refused = "a symbolic link";
        } else if (out.exists) {
            out.refused = std::string("cannot open: ") + std::strerror(errno);
        }
        return out;
    }
    out.exists = true;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        out.refused = "not a regular file";
        return out;
    }
    out.text.resize(cap + 1); // one byte more tells a file of exactly `cap` from a longer one
    std::size_t got = 0;
    while (got < out.text.size()) {
        const auto n = ::read(fd, out.text.data() + got, out.text.size() - got);
        if (n <= 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    out.truncated = got > cap;
    out.text.resize(std::min(got, cap));
    return out;
}

std::size_t nesting_depth(std::string_view text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::vector<std::string_view> bounded_lines(std::string_view text, std::size_t max_line) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        lines.push_back(line.substr(0, max_line));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    }
    return lines;
}

std::vector<evidence_file> list_evidence_files(const fs::path& dir, std::size_t max_entries) {
    std::vector<evidence_file> files;
    std::error_code listing;
    for (fs::directory_iterator it(dir, listing), end;
         !listing && it != end && files.size() < max_entries;
         it.increment(listing)) {
        std::error_code ec;
        const auto status = it->symlink_status(ec);
        const auto bytes = !ec && fs::is_regular_file(status) ? it->file_size(ec) : 0;
        files.push_back({it->path().filename().string(), ec ? 0 : bytes});
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::size_t for_each_json_line(std::string_view text,
                               bool truncated,
                               std::size_t max_depth,
                               const std::function<bool(const nlohmann::json&)>& on_object) {
    if (truncated) {
        const auto last = text.rfind('\n');
        text = text.substr(0, last == std::string_view::npos ? 0 : last);
    }
    std::size_t unreadable = 0;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.empty()) {
            continue;
        }
        // Flat and short, or not parsed at all: a hostile line cannot recurse in the parser.
        const bool parseable = line.size() <= 64 * 1024 && nesting_depth(line) <= max_depth;
        const auto doc =
            parseable ? nlohmann::json::parse(line, nullptr, false) : nlohmann::json(nullptr);
        if (!doc.is_object() || !on_object(doc)) {
            ++unreadable;
        }
    }
    return unreadable;
}

std::string relative_to_source(std::string path, const fs::path& source_dir) {
    if (source_dir.empty()) {
        return path;
    }
    std::error_code ec;
    const auto real = fs::weakly_canonical(source_dir, ec);
    for (const auto& root :
         {(source_dir / "").string(), ec ? std::string() : (real / "").string()}) {
        if (!root.empty() && path.rfind(root, 0) == 0) {
            path.erase(0, root.size());
            break;
        }
    }
    return path;
}

namespace {

// `file` as a path below `root` with no way out: relative, no "..", no symlink on the way.
std::optional<fs::path> inside(const fs::path& root, const std::string& file) {
    const fs::path rel = fs::path(file).lexically_normal();
    if (file.empty() || rel.is_absolute() || rel.empty() || *rel.begin() == "..") {
        return std::nullopt;
    }
    fs::path at = root;
    for (const auto& part : rel) {
        at /= part;
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(at, ec)) || ec) {
            return std::nullopt;
        }
    }
    return at;
}

} // namespace

std::optional<source_excerpt>
read_source_excerpt(const fs::path& source_dir, const std::string& file, int line, int context) {
    const auto path = inside(source_dir, file);
    if (!path || line <= 0) {
        return std::nullopt;
    }
    const auto read = read_untrusted_file(*path, std::size_t{1} << 20);
    if (!read.exists || !read.refused.empty() || read.truncated) {
        return std::nullopt;
    }
    const auto lines = bounded_lines(read.text, 300);
    if (static_cast<std::size_t>(line) > lines.size()) {
        return std::nullopt;
    }
    source_excerpt excerpt;
    excerpt.first_line = std::max(1, line - context);
    const int last = std::min(static_cast<int>(lines.size()), line + context);
    for (int n = excerpt.first_line; n <= last; ++n) {
        excerpt.lines.emplace_back(lines[static_cast<std::size_t>(n - 1)]);
    }
    return excerpt;
}

} // namespace grader
