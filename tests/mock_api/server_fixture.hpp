#pragma once
// A mock_api server on 127.0.0.1, port 0, for one test.

#include "mock_api/server.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

namespace test_support {

class running_server {
  public:
    explicit running_server(const std::string& scenario_text,
                            mock_api::server_options options = {}) {
        auto s = mock_api::parse_scenario(scenario_text, "test.yaml");
        if (!s) {
            FAIL(s.err().message);
        }
        scene_ = s.value();
        server_ = std::make_unique<mock_api::server>(scene_, options);
        auto bound = server_->start();
        if (!bound) {
            FAIL(bound.err().message);
        }
        address_ = bound.value();
    }

    int port() const { return address_.port; }
    const mock_api::bound_address& address() const { return address_; }
    const mock_api::scenario& scene() const { return scene_; }
    mock_api::server& server() { return *server_; }
    mock_api::journal_snapshot journal() const { return server_->journal(); }

    /// The journal once `done` holds for it, polled for up to `timeout`; the last snapshot
    /// otherwise (the test's own checks then fail with it).
    mock_api::journal_snapshot
    journal_when(const std::function<bool(const mock_api::journal_snapshot&)>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
        const auto until = std::chrono::steady_clock::now() + timeout;
        auto snap = journal();
        while (!done(snap) && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            snap = journal();
        }
        return snap;
    }

  private:
    mock_api::scenario scene_;
    std::unique_ptr<mock_api::server> server_;
    mock_api::bound_address address_;
};

/// Every journal entry has finished.
inline bool all_finished(const mock_api::journal_snapshot& s) {
    for (const auto& e : s.entries) {
        if (e.finished_us == 0) {
            return false;
        }
    }
    return !s.entries.empty();
}

} // namespace test_support
