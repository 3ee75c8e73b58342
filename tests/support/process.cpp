#include "process.hpp"

// Boost.Process v2 in header-only mode wants its environment implementation in exactly one
// translation unit of the program.
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/process/v2/impl/environment.ipp>
#include <boost/process/v2/stdio.hpp>
#include <csignal>
#include <sys/wait.h>

namespace test_support {
namespace bp = boost::process::v2;
namespace asio = boost::asio;

namespace {
std::string read_all(asio::readable_pipe& pipe) {
    std::string text;
    boost::system::error_code ec;
    asio::read(pipe, asio::dynamic_buffer(text), ec);
    return text;
}
} // namespace

background_process::background_process(const std::string& exe, const std::vector<std::string>& args)
    : out_(ctx_), err_(ctx_) {
    proc_ = std::make_unique<bp::process>(ctx_, exe, args, bp::process_stdio{nullptr, out_, err_});
}

background_process::~background_process() {
    boost::system::error_code ec;
    if (proc_ && !waited_ && proc_->running(ec)) {
        proc_->terminate(ec);
    }
}

std::string background_process::first_line() {
    boost::system::error_code ec;
    const std::size_t n = asio::read_until(out_, asio::dynamic_buffer(out_buffer_), '\n', ec);
    if (n == 0) {
        return {};
    }
    std::string line = out_buffer_.substr(0, n - 1);
    out_buffer_.erase(0, n);
    return line;
}

void background_process::signal(int sig) { ::kill(proc_->id(), sig); }

run_result background_process::wait() {
    run_result r;
    r.out = out_buffer_ + read_all(out_);
    r.err = read_all(err_);
    boost::system::error_code ec;
    proc_->wait(ec);
    waited_ = true;
    // v2 folds a terminating signal into exit_code(); keep the two apart from the raw status.
    const int status = proc_->native_exit_code();
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

run_result run(const std::string& exe, const std::vector<std::string>& args) {
    background_process p(exe, args);
    return p.wait();
}

} // namespace test_support
