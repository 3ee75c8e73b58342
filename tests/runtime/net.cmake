# TCP / HTTP client tests against an in-process mock_api server; include()d from
# tests/CMakeLists.txt, so paths are relative to tests/.
add_executable(runtime_net_test runtime/net_test.cpp)
target_link_libraries(runtime_net_test PRIVATE
    runtime_json mock_api PkgConfig::HTTPLIB Catch2::Catch2WithMain tg_warnings)
catch_discover_tests(runtime_net_test PROPERTIES TIMEOUT 120 LABELS runtime)
