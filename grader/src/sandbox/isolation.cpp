// Deciding what the command's child will do (confine.cpp) and saying so: every measure in
// force, every one unavailable and why. The runner decides before the fork, so that the
// report is right whatever the child then does; a planned step that fails fails the run.

#include "cgroup.hpp"
#include "parts.hpp"

#include <sys/prctl.h>

namespace grader::sandbox {

namespace {

std::string limits_line(const sandbox_limits& l) {
    return "rlimits: cpu " + std::to_string(l.cpu_s) + " s, files " +
           std::to_string(l.file_size_mb) + " MB, " + std::to_string(l.open_files) +
           " open files; output kept to " + std::to_string(l.output_cap_bytes >> 10) +
           " KiB per stream";
}

void plan_identity(const sandbox_spec& spec,
                   const namespaces_entered& ns,
                   confinement& c,
                   isolation_report& r) {
    c.switch_uid = ns.real_root && spec.identity.uid >= 0;
    if (c.switch_uid) {
        r.in_force.push_back("uid " + std::to_string(spec.identity.uid) + " (mock: uid " +
                             std::to_string(spec.identity.mock_uid) +
                             "), no capabilities, no_new_privs");
        return;
    }
    r.in_force.push_back("no capabilities, no_new_privs");
    const std::string as_root = ": the command runs as root without capabilities (it may read "
                                "root's files in /etc)";
    if (spec.identity.uid < 0) {
        r.unavailable.push_back(
            "a uid of its own: the grader is not root, the command runs as the grader's user");
    } else if (ns.user_namespace) {
        r.unavailable.push_back("a uid of its own: the grader lacks CAP_SYS_ADMIN, and the user "
                                "namespace it used instead maps root alone" +
                                as_root);
    } else {
        r.unavailable.push_back(
            "a uid of its own: the grader lacks CAP_SETUID/CAP_SETGID (a container?)" + as_root);
    }
}

void plan_cgroup(const sandbox_spec& spec,
                 const run_cgroup& cg,
                 const std::string& cg_error,
                 confinement& c,
                 isolation_report& r) {
    c.cgroup_procs = cg.procs_files();
    c.data_limit = !cg.active();
    if (cg.active()) {
        r.in_force.push_back(cg.description());
        return;
    }
    // RLIMIT_NPROC counts a real uid's processes: it stands in only for a uid of the run's
    // own (the kernel does not hold root to it at all).
    r.unavailable.push_back("memory and process-count cgroups (" +
                            (cg_error.empty() ? std::string("not asked for") : cg_error) +
                            "): RLIMIT_DATA " + std::to_string(spec.limits.memory_mb) + " MB " +
                            (c.switch_uid ? "and RLIMIT_NPROC stand in"
                                          : "stands in; nothing limits its processes but the "
                                            "deadline"));
}

} // namespace

isolation_report plan_confinement(const sandbox_spec& spec,
                                  const namespaces_entered& ns,
                                  const run_cgroup& cg,
                                  const std::string& cg_error,
                                  confinement& c) {
    isolation_report r;
    c.spec = &spec;
    if (ns.isolated) {
        r.in_force.push_back("network namespace: loopback only, the run's mock alone on it");
        r.in_force.push_back("pid namespace: nothing it starts outlives the run");
    } else {
        r.unavailable.push_back("network and pid namespaces (" + ns.error + ")");
    }
    c.private_root = ns.isolated;
    if (c.private_root) {
        r.in_force.push_back("private root: /usr and /etc read-only, " +
                             std::to_string(spec.view.size()) + " paths of its own, a " +
                             std::to_string(spec.limits.disk_mb) +
                             " MB tmpfs for what it writes, /proc of its own uid");
    } else {
        r.unavailable.push_back("a private root: it sees the host's files as its user may");
    }
    for (const auto& v : spec.view) {
        if (v.access != view_access::collected) {
            continue;
        }
        if (c.private_root) {
            r.in_force.push_back(v.path.filename().string() + " directory: a " +
                                 std::to_string(spec.limits.file_size_mb) +
                                 " MB tmpfs, its regular files kept");
        } else {
            r.unavailable.push_back("a budget for its " + v.path.filename().string() +
                                    " directory: it writes to the host's disk");
        }
    }
    plan_identity(spec, ns, c, r);
    c.seccomp = ::prctl(PR_GET_SECCOMP) >= 0;
    if (c.seccomp) {
        r.in_force.push_back("seccomp: namespaces, mounts, ptrace, keyrings, bpf, perf and "
                             "kernel modules refused");
    } else {
        r.unavailable.push_back("seccomp (not supported by this kernel)");
    }
    plan_cgroup(spec, cg, cg_error, c, r);
    r.in_force.push_back(limits_line(spec.limits));
    r.summary = ns.summary;
    for (const auto& [on, name] : {std::pair{c.switch_uid, "own uid"},
                                   std::pair{c.private_root, "private root"},
                                   std::pair{c.seccomp, "seccomp"},
                                   std::pair{cg.active(), "cgroups"}}) {
        r.summary += std::string(on ? "; " : "; no ") + name;
    }
    return r;
}

} // namespace grader::sandbox
