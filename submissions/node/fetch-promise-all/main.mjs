// The jobs take-home in Node.js 20: the global fetch, every detail at once with Promise.all,
// a 2 s timeout per request (AbortSignal.timeout), failures as values, one 429 retry.

const base = process.env.JOBS_API_URL;
const TIMEOUT_MS = 2000;

async function getJson(url) {
    let response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.status === 429) {
        const wait = Number(response.headers.get("retry-after") ?? "1") * 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 1000)));
        response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    }
    if (!response.ok) {
        throw new Error(`status ${response.status}`);
    }
    return JSON.parse(await response.text());
}

async function fetchDetail(id) {
    try {
        const detail = await getJson(`${base}/jobs/${id}`);
        if (typeof detail !== "object" || detail === null || typeof detail.status !== "string") {
            throw new Error("malformed detail");
        }
        return { id, detail };
    } catch (error) {
        return { id, error: error.name === "TimeoutError" ? "no answer within 2 s" : error.message };
    }
}

async function main() {
    let list;
    try {
        list = await getJson(`${base}/jobs`);
        if (!Array.isArray(list)) {
            throw new Error("the list is not an array");
        }
    } catch (error) {
        console.error(`cannot fetch the job list: ${error.message}`);
        process.exitCode = 1;
        return;
    }
    const results = await Promise.all(list.map((job) => fetchDetail(job.id)));
    const completed = [];
    const failedIds = [];
    for (const r of results) {
        if (r.error !== undefined) {
            console.error(`job ${r.id}: ${r.error}`);
            failedIds.push(r.id);
        } else if (r.detail.status.trim().toLowerCase() === "completed") {
            const { id, name, owner, duration_ms } = r.detail;
            completed.push({ id, name, owner, duration_ms });
        }
    }
    completed.sort((a, b) => a.id - b.id);
    failedIds.sort((a, b) => a - b);
    const total = completed.reduce((sum, job) => sum + job.duration_ms, 0);
    console.log(JSON.stringify({
        completed, failed_ids: failedIds, total_jobs: list.length, total_duration_ms: total,
    }));
}

await main();
