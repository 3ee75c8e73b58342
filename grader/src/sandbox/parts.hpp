#pragma once
// Inside the sandbox: the supervisor's steps and the runner's parts, one file each.

#include "grader/sandbox/sandbox.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process/v2/process.hpp>
#include <memory>
#include <string>
#include <sys/types.h>

namespace grader::sandbox {

// --- namespaces.cpp ------------------------------------------------------------------------

enum class ns_result { isolated, none, failed };

/// Enters new network, PID and mount namespaces (the caller's next child is PID 1 of the
/// PID namespace) and brings up loopback; `isolation` says what was reached.
ns_result enter_namespaces(std::string& isolation, std::string& error);

/// A /proc of our own PID namespace (needs the mount namespace entered above).
bool mount_own_proc();

// --- mock_process.cpp ----------------------------------------------------------------------

struct mock_handle {
    std::unique_ptr<boost::process::v2::process> proc;
    std::string url;
};

/// Starts mock_api and reads its first stdout line ("listening on URL"); on failure
/// `out.error` says why.
mock_handle
start_mock(boost::asio::io_context& ctx, const sandbox_spec& spec, sandbox_outcome& out);

/// Stops the mock with SIGTERM so that it writes its journal: "" when it exited 0, else what
/// happened (a mock that died or was killed voids the run's evidence).
std::string stop_mock(mock_handle& m);

// --- leftovers.cpp -------------------------------------------------------------------------

/// Kills the command's process group and everything else it left behind but `keep`: with our
/// own /proc every process of the namespace, else the children this subreaper adopted.
void kill_leftovers(pid_t command, bool own_proc, pid_t keep);

// --- runner.cpp ----------------------------------------------------------------------------

/// The runner (PID 1 of the namespace): runs the command and writes RUN/outcome.json.
int runner_main(const sandbox_spec& spec, const std::string& isolation, bool pid_namespace);

} // namespace grader::sandbox
