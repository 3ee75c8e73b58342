#include "grader/submission.hpp"

#include "common/yaml_reader.hpp"

namespace grader {

common::result<submission> detect_submission(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(dir)) {
        return common::error{common::errc::invalid_input, dir.string() + ": not a directory"};
    }
    submission s;
    s.dir = fs::canonical(dir);
    s.name = s.dir.filename().string();
    const fs::path manifest = s.dir / "submission.yaml";
    if (fs::exists(manifest)) {
        auto root = common::yaml_reader::load_file(manifest);
        if (!root) {
            return root.err();
        }
        try {
            const common::yaml_reader r(manifest.string());
            const auto m = r.as_map(root.value(), "submission", {"language", "build", "run"});
            s.language = m.get_string("language");
            s.build_command = m.get_string("build", "");
            s.run_command = m.get_string("run");
            s.from_manifest = true;
        } catch (const common::yaml_error& e) {
            return common::error{common::errc::invalid_input, e.what()};
        }
        return s;
    }
    if (fs::exists(s.dir / "Cargo.toml")) {
        s.language = "rust";
    } else if (fs::exists(s.dir / "CMakeLists.txt")) {
        s.language = "cpp";
    } else {
        return common::error{common::errc::invalid_input,
                             dir.string() + ": no Cargo.toml, CMakeLists.txt or submission.yaml: "
                                            "cannot tell how to build it"};
    }
    return s;
}

} // namespace grader
