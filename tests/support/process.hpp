#pragma once
// Running the project's executables from tests (Boost.Process v2): to completion, or in the
// background with the first stdout line read as the readiness signal.

#include <boost/asio/io_context.hpp>
#include <boost/asio/readable_pipe.hpp>
#include <boost/process/v2/process.hpp>
#include <memory>
#include <string>
#include <vector>

namespace test_support {

struct run_result {
    int exit_code = -1; ///< -1 when killed by a signal
    std::string out;
    std::string err;
};

/// Runs `exe args...` to completion with stdout and stderr captured.
run_result run(const std::string& exe, const std::vector<std::string>& args);

/// A child left running; destroying it kills it.
class background_process {
  public:
    background_process(const std::string& exe, const std::vector<std::string>& args);
    ~background_process();
    background_process(const background_process&) = delete;
    background_process& operator=(const background_process&) = delete;

    /// Blocks until the child writes its first line to stdout (without the newline), or
    /// returns "" when stdout closes first.
    std::string first_line();
    /// Sends a signal (SIGTERM, SIGINT ...).
    void signal(int sig);
    /// Waits for exit; returns the exit code (-1 if a signal ended it) and the rest of the
    /// output (stdout after the first line, and all of stderr).
    run_result wait();

  private:
    boost::asio::io_context ctx_;
    boost::asio::readable_pipe out_;
    boost::asio::readable_pipe err_;
    std::unique_ptr<boost::process::v2::process> proc_;
    std::string out_buffer_;
    bool waited_ = false;
};

} // namespace test_support
