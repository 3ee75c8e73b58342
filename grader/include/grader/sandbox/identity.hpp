#pragma once
// Who a grading's runs execute as: a pair of real unprivileged uids of their own (the
// candidate's and the mock's), leased from a configurable range for as long as the grading
// lasts, so that per-uid limits and `kill -1` never cross gradings running side by side.

#include "common/result.hpp"
#include "grader/sandbox/sandbox.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace grader {

/// Uids first .. first + count - 1, used in pairs (candidate, mock).
struct uid_range {
    int first = 61000;
    int count = 1000;
};

/// "61000-61999"; nullopt for anything else (or fewer than 2 uids, or uid 0 in it).
std::optional<uid_range> parse_uid_range(std::string_view text);

/// A leased pair of uids, held by a lock file until destroyed (or the process dies).
class uid_lease {
  public:
    /// Takes the first free pair of `range`. Fails when every pair is taken or the lock
    /// directory cannot be made.
    static common::result<uid_lease> acquire(uid_range range,
                                             const std::filesystem::path& lock_dir);
    uid_lease(uid_lease&& other) noexcept;
    uid_lease& operator=(uid_lease&& other) noexcept;
    uid_lease(const uid_lease&) = delete;
    uid_lease& operator=(const uid_lease&) = delete;
    ~uid_lease();

    /// The candidate's uid and gid (equal), and the mock's.
    sandbox_identity identity() const;

  private:
    uid_lease(int fd, int uid) : fd_(fd), uid_(uid) {}
    int fd_ = -1;
    int uid_ = -1;
};

/// Where leases are locked: /run/takehome-grader/uids (shared by every grader on the machine).
inline const std::filesystem::path default_uid_lock_dir = "/run/takehome-grader/uids";

/// A cgroup name no other run on the machine uses now: "tg-<grader pid>-<n>".
std::string next_cgroup_name();

} // namespace grader
