// Jobs report: a tokio task per detail (spawn, then await the handles in order), reqwest with a
// 2 s timeout, errors as Result. Each raw detail body is also kept in raw/ for debugging.

use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::task::JoinHandle;

#[derive(Deserialize)]
struct JobRef {
    id: i64,
}

#[derive(Deserialize)]
struct JobDetail {
    id: i64,
    name: String,
    owner: String,
    status: String,
    duration_ms: i64,
}

#[derive(Serialize)]
struct Completed {
    id: i64,
    name: String,
    owner: String,
    duration_ms: i64,
}

async fn fetch_detail(client: reqwest::Client, base: String, id: i64) -> Result<JobDetail, String> {
    let resp = client
        .get(format!("{base}/jobs/{id}"))
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("HTTP status {}", resp.status()));
    }
    let body = resp.bytes().await.map_err(|e| format!("reading body: {e}"))?;
    // keep the raw answer next to the binary for debugging
    let _ = std::fs::write(format!("raw/{id}.json"), &body);
    serde_json::from_slice(&body).map_err(|e| format!("bad JSON: {e}"))
}

#[tokio::main]
async fn main() {
    let base = std::env::var("JOBS_API_URL").expect("JOBS_API_URL");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("http client");

    let jobs: Vec<JobRef> = match client.get(format!("{base}/jobs")).send().await {
        Ok(r) if r.status().is_success() => match r.json().await {
            Ok(jobs) => jobs,
            Err(e) => {
                eprintln!("job list is not valid JSON: {e}");
                std::process::exit(1);
            }
        },
        Ok(r) => {
            eprintln!("job list: HTTP status {}", r.status());
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("job list: {e}");
            std::process::exit(1);
        }
    };

    let handles: Vec<(i64, JoinHandle<Result<JobDetail, String>>)> = jobs
        .iter()
        .map(|j| (j.id, tokio::spawn(fetch_detail(client.clone(), base.clone(), j.id))))
        .collect();

    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    for (id, handle) in handles {
        match handle.await {
            Ok(Ok(d)) => {
                if d.status.trim().to_lowercase() == "completed" {
                    completed.push(Completed { id: d.id, name: d.name, owner: d.owner, duration_ms: d.duration_ms });
                }
            }
            Ok(Err(e)) => {
                eprintln!("job {id}: {e}");
                failed_ids.push(id);
            }
            Err(e) => {
                eprintln!("job {id}: task failed: {e}");
                failed_ids.push(id);
            }
        }
    }
    completed.sort_by_key(|c| c.id);
    failed_ids.sort();
    let total: i64 = completed.iter().map(|c| c.duration_ms).sum();
    println!(
        "{}",
        serde_json::json!({"completed": completed, "failed_ids": failed_ids, "total_jobs": jobs.len(), "total_duration_ms": total})
    );
}
