// Findings that teach (advice.hpp): the "what to change" texts, one entry per finding id and
// language, and how a failed check's observation and place are put in front of them.

#include "grader/checks/advice.hpp"

#include <algorithm>
#include <array>
#include <sstream>

namespace grader {

namespace {

struct advice_entry {
    std::string_view finding_id;
    std::string_view language; ///< "*": any language without an entry of its own
    std::string_view fix;
};

// Reviewed against each runtime's documentation; the names are what the candidate writes.
constexpr std::array advice_table{
    // concurrency
    advice_entry{"not-concurrent",
                 "rust",
                 "Start every detail request before awaiting any: collect the futures and await "
                 "them together (futures::future::join_all, or futures::stream::iter(..)"
                 ".buffer_unordered(8) for a bounded pool), or tokio::spawn each into a JoinSet; "
                 "an .await inside the for loop waits for each response before sending the next."},
    advice_entry{"not-concurrent",
                 "cpp",
                 "Start the requests before awaiting them: rt::spawn each detail fetch and "
                 "co_await the join handles afterwards, or co_await rt::join_all over the tasks; a "
                 "co_await inside the loop waits for each response before sending the next."},
    advice_entry{"not-concurrent",
                 "node",
                 "Start every fetch before awaiting: map the ids to promises (ids.map(id => "
                 "fetchDetail(id))) and await Promise.all, or Promise.allSettled to keep failures "
                 "as values; an await inside the for loop waits for each response before sending "
                 "the next."},
    advice_entry{"not-concurrent",
                 "python",
                 "Create the coroutines first and run them together: asyncio.gather(*(fetch(i) for "
                 "i in ids), return_exceptions=True) or an asyncio.TaskGroup, bounded with an "
                 "asyncio.Semaphore if you like; an await inside the for loop waits for each "
                 "response before sending the next."},
    advice_entry{"not-concurrent",
                 "shell",
                 "Run the detail requests side by side: start each curl in the background (&) and "
                 "wait for them, or use xargs -P 8; a loop that runs curl in the foreground waits "
                 "for each response."},
    advice_entry{"idle-slots",
                 "rust",
                 "Keep the pool full: buffer_unordered(k) starts the next request as soon as one "
                 "finishes, where join_all over fixed chunks waits for each chunk's slowest "
                 "request."},
    advice_entry{"idle-slots",
                 "cpp",
                 "Keep the pool full: spawn every task at once and bound them with an "
                 "rt::semaphore, rather than awaiting fixed batches that wait for their slowest "
                 "request."},
    advice_entry{"idle-slots",
                 "node",
                 "Keep the pool full: run k async workers that each take the next id from a shared "
                 "queue, rather than Promise.all over fixed batches that wait for their slowest "
                 "request."},
    advice_entry{"idle-slots",
                 "python",
                 "Keep the pool full: gather every task at once and bound them with an "
                 "asyncio.Semaphore, rather than gathering fixed batches that wait for their "
                 "slowest request."},
    advice_entry{"idle-slots",
                 "*",
                 "Keep the pool full: start the next request as soon as one finishes, rather than "
                 "waiting for a whole batch."},
    advice_entry{"missing-request",
                 "*",
                 "Request the detail of every job the list returns, and make sure the program "
                 "waits for all of them before it prints the report and exits."},
    advice_entry{"duplicate-request",
                 "*",
                 "Request each job's detail once; retry only after a failure (a 429 or a 5xx)."},
    // blocking
    advice_entry{"blocking-call",
                 "rust",
                 "Use the async equivalent inside async code: tokio::time::sleep(..).await instead "
                 "of std::thread::sleep, tokio::fs instead of std::fs, reqwest's async Client "
                 "instead of reqwest::blocking; move unavoidable blocking work into "
                 "tokio::task::spawn_blocking. A blocking call stalls its worker thread and every "
                 "task queued on it."},
    advice_entry{
        "blocking-call",
        "cpp",
        "Inside a coroutine co_await rt::sleep_for instead of std::this_thread::sleep_for, "
        "and run blocking file I/O or heavy parsing through rt::spawn_blocking; a "
        "blocking call stalls the executor thread and every task on it."},
    advice_entry{"blocking-call",
                 "node",
                 "Use the promise APIs (await fs.promises.readFile, await new Promise(r => "
                 "setTimeout(r, ms))) instead of the *Sync calls; a synchronous call blocks the "
                 "event loop, so no other request makes progress meanwhile."},
    advice_entry{"blocking-call",
                 "python",
                 "Use await asyncio.sleep(..) instead of time.sleep, asyncio streams or an async "
                 "HTTP client instead of urllib or requests, and asyncio.to_thread(..) for "
                 "unavoidable blocking work; a blocking call stops the event loop and every task "
                 "on it."},
    // crash
    advice_entry{"unwrap-panic",
                 "rust",
                 "Handle the error as a value: match on the Result or use ? (with "
                 "error_for_status() for HTTP errors) and record the job as failed, instead of "
                 "unwrap or expect; a panic inside tokio::spawn ends only that task and surfaces "
                 "as a JoinError."},
    advice_entry{"rust-panic",
                 "rust",
                 "Handle the failure as a value (a Result, matched or passed on with ?) and record "
                 "the job as failed; a panic inside tokio::spawn ends only that task and surfaces "
                 "as a JoinError."},
    advice_entry{"uncaught-exception",
                 "cpp",
                 "Catch the exception around each detail fetch (a task rethrows it at co_await) "
                 "and record the job as failed."},
    advice_entry{"uncaught-exception",
                 "node",
                 "Handle each detail's failure: try/catch around the await, or Promise.allSettled, "
                 "so one rejected fetch becomes a failed id instead of an unhandled rejection."},
    advice_entry{"uncaught-exception",
                 "python",
                 "Catch exceptions per detail (try/except around the await, or asyncio.gather(.., "
                 "return_exceptions=True)) and record the job as failed."},
    advice_entry{"uncaught-exception",
                 "*",
                 "Catch the failure where each detail is fetched and record the job as failed."},
    advice_entry{"fatal-signal",
                 "*",
                 "The program was killed by a signal: look for an out-of-bounds access or a "
                 "dangling reference (for C++, a reference parameter or lambda capture of a "
                 "coroutine that outlived its object: `grader explain "
                 "cpp-coroutine-reference-parameter`)."},
    advice_entry{"memory-limit", "*", "Bound what the program keeps in memory."},
    advice_entry{"cpu-limit", "*", "Look for a loop that spins instead of awaiting."},
    advice_entry{"output-limit", "*", "Print the report once; send logs to stderr, sparingly."},
    advice_entry{"process-limit", "*", "Use tasks, not a process or thread per request."},
    // errors
    advice_entry{"wrong-exit-code",
                 "rust",
                 "Exit 0 when only some details failed (list them in failed_ids); exit 1 "
                 "(std::process::exit(1)) only when the list itself failed."},
    advice_entry{"wrong-exit-code",
                 "node",
                 "Exit 0 when only some details failed (list them in failed_ids); set "
                 "process.exitCode = 1 only when the list itself failed."},
    advice_entry{"wrong-exit-code",
                 "python",
                 "Exit 0 when only some details failed (list them in failed_ids); sys.exit(1) only "
                 "when the list itself failed."},
    advice_entry{"wrong-exit-code",
                 "*",
                 "Exit 0 when only some details failed (list them in failed_ids); exit 1 only when "
                 "the list itself failed."},
    advice_entry{"failed-id-missing",
                 "*",
                 "Keep each detail's outcome as a value (a Result, a settled promise, a caught "
                 "exception) and put the id of every failed one in failed_ids."},
    advice_entry{"failure-not-reported",
                 "*",
                 "Write a line on stderr naming each failed job id and why (eprintln!, std::cerr, "
                 "console.error, print(.., file=sys.stderr))."},
    advice_entry{"unexpected-failure",
                 "*",
                 "List in failed_ids only the jobs whose detail really failed after any retry."},
    advice_entry{"stdout-not-empty",
                 "*",
                 "When the list fails, print nothing on stdout: the error goes to stderr and the "
                 "exit code is 1."},
    advice_entry{"no-error-message", "*", "When the list fails, say why in a line on stderr."},
    // timeout
    advice_entry{"deadline-exceeded",
                 "rust",
                 "Give every request a timeout (reqwest::Client::builder().timeout(..), or "
                 "tokio::time::timeout around the future) and count a timed-out detail as failed."},
    advice_entry{"deadline-exceeded",
                 "cpp",
                 "Wrap each request in rt::timeout and count a timed-out detail as failed."},
    advice_entry{
        "deadline-exceeded",
        "node",
        "Pass signal: AbortSignal.timeout(ms) to each fetch and count a timed-out detail as "
        "failed."},
    advice_entry{"deadline-exceeded",
                 "python",
                 "Wrap each request in asyncio.wait_for(.., timeout) and count a timed-out detail "
                 "as failed."},
    advice_entry{"deadline-exceeded",
                 "*",
                 "Give every request a timeout and count a timed-out detail as failed."},
    advice_entry{"too-slow",
                 "*",
                 "Overlap the detail requests and give each a timeout, so the run ends soon after "
                 "the slowest answer."},
    // output
    advice_entry{"output-difference",
                 "*",
                 "Compare your report with the contract in PROMPT.md field by field: completed "
                 "(status from the detail, trimmed and lower-cased; sorted by id), failed_ids "
                 "(every detail that failed, sorted), total_jobs and total_duration_ms; print "
                 "only that JSON document on stdout."},
    advice_entry{"no-report", "*", "Print the report as one JSON document on stdout."},
    advice_entry{"stdout-not-json",
                 "*",
                 "Print the JSON report on stdout even when some details fail (a crash or an "
                 "early exit leaves it empty), and nothing else: logs go to stderr."},
    // build
    advice_entry{"build-error",
                 "rust",
                 "Fix the compiler error shown above (its explanation, when there is one, gives "
                 "the smallest fix; `grader explain CODE` prints it again); `grader check` builds "
                 "offline with the same toolchain as the grading."},
    advice_entry{"compile-error",
                 "cpp",
                 "Fix the compiler error shown above; `grader check` builds with the same "
                 "compiler and runtime package as the grading."},
    advice_entry{"dependency-unavailable",
                 "rust",
                 "Use a crate and version the offline registry has (the finding lists them; "
                 "PROMPT.md names the crates available)."},
    advice_entry{"cmake-error",
                 "cpp",
                 "Fix the CMakeLists.txt: find_package(takehome_runtime) and "
                 "target_link_libraries(app PRIVATE takehome::runtime)."},
};

std::string format_fixed(double v, int digits) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

double number(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

std::string located(const finding& f) {
    return f.file.empty() ? std::string()
                          : f.file + (f.line > 0 ? ":" + std::to_string(f.line) : "");
}

// The concurrency check's figures, from its evidence (the journal).
std::string concurrency_observed(const check_result& c, const finding& f) {
    const auto& e = c.evidence;
    const auto n = static_cast<long>(number(e, "detail_requests"));
    const auto peak = static_cast<long>(number(e, "peak_in_flight"));
    std::string s = std::to_string(n) + " detail requests took " +
                    format_fixed(number(e, "window_ms") / 1000, 2) + " s; ";
    if (f.id == "idle-slots") {
        return s + "up to " + std::to_string(peak) + " overlapped, but a freed slot waited " +
               format_fixed(number(e, "refill_median_ms"), 0) +
               " ms for its next request (efficiency " + format_fixed(number(e, "efficiency"), 2) +
               ").";
    }
    s += peak <= 1 ? "they never overlapped (peak in flight 1)"
                   : "at most " + std::to_string(peak) + " were in flight at once";
    return s + "; overlapping they would take about " +
           format_fixed(number(e, "ideal_full_ms") / 1000, 2) + " s.";
}

// Where a sequential fan-out is in the code: the static finding of an await inside a loop.
std::string loop_await(const static_analysis& statics) {
    for (const auto& f : statics.findings) {
        const std::string_view id(f.id);
        if (id.size() >= 17 && id.substr(id.size() - 17) == "await-in-for-loop") {
            return located(f) + " (an await inside a loop)";
        }
    }
    return {};
}

std::string sentence(std::string s) {
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) {
        s.pop_back();
    }
    if (!s.empty() && s.back() != '.') {
        s += '.';
    }
    return s;
}

std::string advice_for(const check_result& c, const grade_result& r, const std::string& lang) {
    // Too little overlap is the cause when requests were also missing at the deadline.
    auto first = std::find_if(c.findings.begin(), c.findings.end(), [](const finding& f) {
        return f.id == "not-concurrent" || f.id == "idle-slots";
    });
    if (first == c.findings.end()) {
        first = std::find_if(c.findings.begin(), c.findings.end(), [](const finding& f) {
            return f.level == severity::error;
        });
    }
    if (first == c.findings.end()) {
        return {};
    }
    std::string observed;
    std::string where = located(*first);
    if (c.what == category::concurrency &&
        (first->id == "not-concurrent" || first->id == "idle-slots")) {
        observed = concurrency_observed(c, *first);
        where = loop_await(r.statics);
    } else if (c.what == category::blocking) {
        observed = std::to_string(c.findings.size()) +
                   " blocking call(s) inside async code; the first: " + sentence(first->message);
    } else {
        observed = sentence(first->message);
        if (first->id == "deadline-exceeded" || first->id == "too-slow") {
            observed = sentence(c.summary);
        }
    }
    std::string out = observed;
    if (!where.empty()) {
        out += " In your code: " + where + ".";
    }
    // No report because the deadline came first: a question of speed, not of printing.
    const bool killed =
        first->id == "no-report" && first->message.find("deadline") != std::string::npos;
    const auto fix = advice_fix(killed ? "too-slow" : first->id, lang);
    if (!fix.empty()) {
        out += " " + std::string(fix);
    }
    return out;
}

} // namespace

std::string advice_language(std::string_view language) {
    if (language == "javascript" || language == "js" || language == "typescript") {
        return "node";
    }
    if (language == "py" || language == "python3") {
        return "python";
    }
    if (language == "sh" || language == "bash") {
        return "shell";
    }
    return std::string(language);
}

std::string_view advice_fix(std::string_view finding_id, std::string_view language) {
    std::string_view any;
    for (const auto& e : advice_table) {
        if (e.finding_id != finding_id) {
            continue;
        }
        if (e.language == language) {
            return e.fix;
        }
        if (e.language == "*") {
            any = e.fix;
        }
    }
    // A static blocking finding teaches what a dynamic one does.
    if (any.empty() && finding_id == "blocking-call-static") {
        return advice_fix("blocking-call", language);
    }
    return any;
}

void add_advice(grade_result& result) {
    const auto lang = advice_language(result.build.language);
    for (auto& c : result.checks) {
        if (!c.passed) {
            c.advice = advice_for(c, result, lang);
        }
    }
}

} // namespace grader
