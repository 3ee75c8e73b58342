// The build module's entry: which builder a submission gets.

#include "builders.hpp"

namespace grader {

namespace fs = std::filesystem;

common::result<build_outcome> build_submission(const submission& sub, const build_context& ctx) {
    std::error_code ec;
    fs::create_directories(ctx.work_dir / "tmp", ec);
    if (ec) {
        return common::error{common::errc::io,
                             "cannot create " + ctx.work_dir.string() + ": " + ec.message()};
    }
    try {
        if (sub.from_manifest) {
            build_outcome out = build::build_with_shell(sub, ctx, sub.build_command, sub.language);
            out.run_command = {"/bin/sh", "-c", sub.run_command};
            return out;
        }
        if (sub.language == "rust") {
            return build::build_rust(sub, ctx);
        }
        return build::build_cpp(sub, ctx);
    } catch (const fs::filesystem_error& e) {
        return common::error{common::errc::io, std::string("preparing the build: ") + e.what()};
    }
}

} // namespace grader
