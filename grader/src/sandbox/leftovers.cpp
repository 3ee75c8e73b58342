// After the command: nothing it started may outlive the run, escapees from its process group
// (setsid, double forks) included.

#include "common/text_file.hpp"
#include "parts.hpp"

#include <charconv>
#include <csignal>
#include <filesystem>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace grader::sandbox {

namespace {

// Every process of this PID namespace except PID 1 (us) and `keep`, from our own /proc.
std::vector<pid_t> namespace_processes(pid_t keep) {
    std::vector<pid_t> pids;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        const auto name = entry.path().filename().string();
        pid_t pid = 0;
        const auto [ptr, err] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (err == std::errc{} && ptr == name.data() + name.size() && pid != 1 && pid != keep) {
            pids.push_back(pid);
        }
    }
    return pids;
}

} // namespace

// Kills what the command left behind, escapees from its process group included: with a PID
// namespace and our own /proc, every process of the namespace but the mock; otherwise the
// children this subreaper adopted. Repeated, since a process may fork while we kill.
void kill_leftovers(pid_t command, bool own_proc, pid_t keep) {
    ::kill(-command, SIGKILL);
    ::kill(command, SIGKILL);
    for (int round = 0; round < 3; ++round) {
        std::vector<pid_t> pids;
        if (own_proc) {
            pids = namespace_processes(keep);
        } else {
            std::stringstream ids(
                common::read_text("/proc/self/task/" + std::to_string(::getpid()) + "/children"));
            for (pid_t pid = 0; ids >> pid;) {
                if (pid != keep) {
                    pids.push_back(pid);
                }
            }
        }
        for (const pid_t pid : pids) {
            ::kill(pid, SIGKILL);
        }
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        if (pids.empty()) {
            return;
        }
    }
}

} // namespace grader::sandbox
