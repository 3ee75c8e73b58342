#include "cgroup.hpp"

#include "common/text_file.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace grader::sandbox {

namespace fs = std::filesystem;

namespace {

const fs::path cgroup_root = "/sys/fs/cgroup";
constexpr const char* parent_name = "takehome-grader";

bool write_file(const fs::path& file, const std::string& value) {
    std::ofstream out(file);
    out << value;
    out.flush();
    return static_cast<bool>(out);
}

// "key value" lines (memory.events, pids.events, memory.oom_control): the value of `key`.
std::uint64_t counter(const fs::path& file, const std::string& key) {
    std::istringstream lines(common::read_text(file));
    std::string k;
    std::uint64_t v = 0;
    while (lines >> k >> v) {
        if (k == key) {
            return v;
        }
    }
    return 0;
}

std::uint64_t number_in(const fs::path& file) {
    const auto text = common::read_text(file);
    std::uint64_t v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    return v;
}

bool lists(const fs::path& controllers, const std::string& name) {
    std::istringstream words(common::read_text(controllers));
    for (std::string w; words >> w;) {
        if (w == name) {
            return true;
        }
    }
    return false;
}

// A unified hierarchy that offers both controllers; their parent must enable them for its
// children (it holds no processes itself).
bool v2_usable() {
    return lists(cgroup_root / "cgroup.controllers", "memory") &&
           lists(cgroup_root / "cgroup.controllers", "pids");
}

bool v1_usable() {
    return fs::exists(cgroup_root / "memory/memory.limit_in_bytes") &&
           fs::exists(cgroup_root / "pids/cgroup.procs");
}

} // namespace

run_cgroup
run_cgroup::create(const std::string& name, int memory_mb, int pids, std::string& why_not) {
    run_cgroup cg;
    const auto bytes = std::to_string(static_cast<std::uint64_t>(memory_mb) << 20);
    std::error_code ec;
    if (v2_usable()) {
        const fs::path parent = cgroup_root / parent_name;
        fs::create_directories(parent, ec);
        write_file(cgroup_root / "cgroup.subtree_control", "+memory +pids");
        write_file(parent / "cgroup.subtree_control", "+memory +pids");
        const fs::path dir = parent / name;
        if (fs::create_directory(dir, ec) && write_file(dir / "memory.max", bytes) &&
            write_file(dir / "pids.max", std::to_string(pids))) {
            write_file(dir / "memory.swap.max", "0");
            cg.dirs_ = {dir};
            cg.v2_ = true;
            cg.description_ = "cgroup v2: memory " + std::to_string(memory_mb) + " MB, pids " +
                              std::to_string(pids);
            return cg;
        }
        why_not = "cgroup v2 at " + parent.string() + " is not writable";
        fs::remove(dir, ec);
        return cg;
    }
    if (!v1_usable()) {
        why_not = "no cgroup hierarchy offers memory and pids";
        return cg;
    }
    const fs::path memory = cgroup_root / "memory" / parent_name / name;
    const fs::path pid_dir = cgroup_root / "pids" / parent_name / name;
    fs::create_directories(memory, ec);
    fs::create_directories(pid_dir, ec);
    if (ec || !write_file(memory / "memory.limit_in_bytes", bytes) ||
        !write_file(pid_dir / "pids.max", std::to_string(pids))) {
        why_not = "cgroup v1 memory/pids hierarchies are not writable";
        fs::remove(memory, ec);
        fs::remove(pid_dir, ec);
        return cg;
    }
    // With swap accounting, memory + swap gets the same limit: no escape into swap.
    if (fs::exists(memory / "memory.memsw.limit_in_bytes")) {
        write_file(memory / "memory.memsw.limit_in_bytes", bytes);
    }
    cg.dirs_ = {memory, pid_dir};
    cg.description_ =
        "cgroup v1: memory " + std::to_string(memory_mb) + " MB, pids " + std::to_string(pids);
    return cg;
}

std::vector<fs::path> run_cgroup::procs_files() const {
    std::vector<fs::path> files;
    for (const auto& d : dirs_) {
        files.push_back(d / "cgroup.procs");
    }
    return files;
}

cgroup_counters run_cgroup::read() const {
    cgroup_counters c;
    if (!active()) {
        return c;
    }
    if (v2_) {
        c.oom_kills = counter(dirs_[0] / "memory.events", "oom_kill");
        c.forks_refused = counter(dirs_[0] / "pids.events", "max");
        c.memory_peak_kb = number_in(dirs_[0] / "memory.peak") / 1024;
        return c;
    }
    c.oom_kills = counter(dirs_[0] / "memory.oom_control", "oom_kill");
    c.memory_peak_kb = number_in(dirs_[0] / "memory.max_usage_in_bytes") / 1024;
    c.forks_refused = counter(dirs_[1] / "pids.events", "max");
    return c;
}

void run_cgroup::destroy() {
    for (const auto& dir : dirs_) {
        // rmdir fails with EBUSY until the kernel has reaped every member.
        for (int attempt = 0; attempt < 200 && fs::exists(dir); ++attempt) {
            std::istringstream pids(common::read_text(dir / "cgroup.procs"));
            for (pid_t pid = 0; pids >> pid;) {
                ::kill(pid, SIGKILL);
            }
            if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    dirs_.clear();
}

void run_cgroup::sweep_stale() {
    for (const auto& parent : {cgroup_root / parent_name,
                               cgroup_root / "memory" / parent_name,
                               cgroup_root / "pids" / parent_name}) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(parent, ec)) {
            const auto name = entry.path().filename().string(); // tg-<pid>-<n>
            pid_t owner = 0;
            if (name.rfind("tg-", 0) != 0 ||
                std::from_chars(name.data() + 3, name.data() + name.size(), owner).ec !=
                    std::errc{} ||
                ::kill(owner, 0) == 0 || errno != ESRCH) {
                continue;
            }
            run_cgroup stale;
            stale.dirs_ = {entry.path()};
            stale.destroy();
        }
    }
}

} // namespace grader::sandbox
