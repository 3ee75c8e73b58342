// The build module's entry: which builder a submission gets, and what a build that ran out
// of disk space is told.

#include "builders.hpp"

#include <cstdint>
#include <optional>
#include <sys/statvfs.h>

namespace grader {

namespace fs = std::filesystem;

namespace {

build_outcome build_by_language(const submission& sub, const build_context& ctx) {
    if (sub.from_manifest) {
        build_outcome out = build::build_with_shell(sub, ctx, sub.build_command, sub.language);
        out.run_command = {"/bin/sh", "-c", sub.run_command};
        return out;
    }
    if (sub.language == "rust") {
        return build::build_rust(sub, ctx);
    }
    return build::build_cpp(sub, ctx);
}

/// The size of the file system DIR is on, in MiB, when under 1 MiB of it is free.
std::optional<std::uint64_t> full_disk_mib(const fs::path& dir) {
    struct statvfs st {};
    if (::statvfs(dir.c_str(), &st) != 0 || st.f_bavail * st.f_frsize >= (1u << 20)) {
        return std::nullopt;
    }
    return st.f_blocks * st.f_frsize >> 20;
}

finding disk_full_finding(std::uint64_t size_mib) {
    return {"build-disk-full",
            severity::error,
            "",
            0,
            0,
            "the build filled the disk space it may write (" + std::to_string(size_mib) +
                " MiB for the working copy and build outputs; the grader's --build-disk-mb)",
            "",
            {}};
}

} // namespace

common::result<build_outcome> build_submission(const submission& sub, const build_context& ctx) {
    std::error_code ec;
    fs::create_directories(ctx.work_dir / "tmp", ec);
    if (ec) {
        return common::error{common::errc::io,
                             "cannot create " + ctx.work_dir.string() + ": " + ec.message()};
    }
    try {
        build_outcome out = build_by_language(sub, ctx);
        if (const auto size = full_disk_mib(ctx.work_dir); !out.ok && size) {
            out.summary = "the build filled its disk budget";
            out.findings.push_back(disk_full_finding(*size));
        }
        return out;
    } catch (const fs::filesystem_error& e) {
        const auto size = full_disk_mib(ctx.work_dir);
        if (!size) {
            return common::error{common::errc::io, std::string("preparing the build: ") + e.what()};
        }
        // The submission itself does not fit: the candidate's doing, not the grader's trouble.
        build_outcome out;
        out.language = sub.language;
        out.cache = "none";
        out.summary = "the submission does not fit in the build's disk space";
        out.findings.push_back(disk_full_finding(*size));
        return out;
    }
}

} // namespace grader
