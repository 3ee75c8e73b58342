// mock_api: serve a scenario of the jobs take-home API (see mock_api/README.md).
//
// Exit codes: 0 stopped by SIGINT/SIGTERM (journal written), 1 internal error,
// 2 usage error or invalid scenario, 3 cannot listen, 4 cannot write the journal.

#include "mock_api/oracle.hpp"
#include "mock_api/scenario.hpp"
#include "mock_api/server.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sys/resource.h>

namespace {

enum exit_code { ok = 0, internal = 1, usage = 2, cannot_listen = 3, cannot_write_journal = 4 };

// Each open connection holds a descriptor; the default soft limit (often 1024) would cap the
// concurrency the mock can observe well below what a candidate may offer.
void raise_open_file_limit() {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }
}

bool write_file_atomically(const std::filesystem::path& path, const std::string& text) {
    const std::filesystem::path tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) {
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    return !ec;
}

int run(int argc, char** argv) {
    CLI::App app{"mock_api: the jobs take-home API, with injected latency and faults"};
    std::string scenario_file;
    mock_api::server_options options;
    std::string journal_file;
    bool no_admin = false;
    bool print_expected = false;
    app.add_option("--scenario", scenario_file, "scenario YAML file")->required();
    app.add_option("--port", options.port, "port to listen on; 0 picks a free one")
        ->check(CLI::Range(0, 65535));
    app.add_option("--host", options.host, "address to listen on")->capture_default_str();
    app.add_option("--journal", journal_file, "write the request journal here on shutdown");
    app.add_flag("--no-admin", no_admin, "do not serve /__admin/journal and /__admin/reset");
    app.add_flag("--print-expected",
                 print_expected,
                 "print what a correct submission outputs for the scenario, then exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? ok : usage;
    }
    options.admin = !no_admin;

    auto loaded = mock_api::load_scenario(scenario_file);
    if (!loaded) {
        std::cerr << "mock_api: " << loaded.err().message << "\n";
        return usage;
    }
    const mock_api::scenario& scene = loaded.value();
    if (print_expected) {
        std::cout << mock_api::compute_oracle(scene).to_json().dump(2) << std::endl;
        return ok;
    }

    // Block the stop signals before any thread starts, so that every thread inherits the mask
    // and only sigwait() below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    raise_open_file_limit();
    mock_api::server srv(scene, options);
    auto bound = srv.start();
    if (!bound) {
        std::cerr << "mock_api: " << bound.err().message << "\n";
        return cannot_listen;
    }
    std::cout << "listening on " << bound.value().url << std::endl; // flushed: callers wait on it
    std::cerr << "mock_api: scenario '" << scene.name << "' (" << scene.jobs.size()
              << " jobs) from " << scene.source << (options.admin ? "" : ", admin off") << "\n";

    int received = 0;
    sigwait(&stop_signals, &received);
    std::cerr << "mock_api: " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", stopping\n";
    srv.stop();
    if (!journal_file.empty()) {
        const auto snapshot = srv.journal();
        if (!write_file_atomically(journal_file, snapshot.to_json().dump() + "\n")) {
            std::cerr << "mock_api: cannot write journal to " << journal_file << "\n";
            return cannot_write_journal;
        }
        std::cerr << "mock_api: journal of " << snapshot.entries.size() << " requests written to "
                  << journal_file << "\n";
    }
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "mock_api: internal error: " << e.what() << "\n";
        return internal;
    }
}
