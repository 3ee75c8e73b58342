// Jobs report (Node.js 20, CommonJS): the global fetch, Promise.allSettled over every detail,
// a timeout per request. Flaw (on purpose, for the grader's corpus): the "status aliases"
// file is re-read with fs.readFileSync inside the async function, once per job, blocking the
// event loop while every other request waits.
const fs = require("fs");
const path = require("path");

const API = process.env.JOBS_API_URL;

async function getJson(url) {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return JSON.parse(await res.text());
}

async function loadDetail(id) {
    const aliases = JSON.parse(fs.readFileSync(path.join(__dirname, "aliases.json"), "utf8"));
    const detail = await getJson(`${API}/jobs/${id}`);
    const status = String(detail.status).trim().toLowerCase();
    return { ...detail, status: aliases[status] ?? status };
}

(async () => {
    let jobs;
    try {
        jobs = await getJson(`${API}/jobs`);
    } catch (err) {
        console.error("job list unavailable:", err.message);
        process.exit(1);
    }
    const settled = await Promise.allSettled(jobs.map((j) => loadDetail(j.id)));
    const completed = [];
    const failed = [];
    settled.forEach((s, i) => {
        const id = jobs[i].id;
        if (s.status === "rejected") {
            console.error(`job ${id} failed: ${s.reason.message}`);
            failed.push(id);
        } else if (s.value.status === "completed") {
            const { name, owner, duration_ms } = s.value;
            completed.push({ id: s.value.id, name, owner, duration_ms });
        }
    });
    completed.sort((a, b) => a.id - b.id);
    failed.sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({
        completed,
        failed_ids: failed,
        total_jobs: jobs.length,
        total_duration_ms: completed.reduce((n, j) => n + j.duration_ms, 0),
    }) + "\n");
})();
