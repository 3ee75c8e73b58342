#pragma once
// A fresh directory under the system temp dir, removed at the end of the test.

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace test_support {

class temp_dir {
  public:
    temp_dir() {
        std::string templ = (std::filesystem::temp_directory_path() / "tg-test-XXXXXX").string();
        path_ = ::mkdtemp(templ.data());
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    /// Writes `text` to path()/relative (parents created) and returns the full path.
    std::filesystem::path write(const std::string& relative, const std::string& text) const {
        const auto p = path_ / relative;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
        return p;
    }

  private:
    std::filesystem::path path_;
};

} // namespace test_support
