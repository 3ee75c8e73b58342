//! jobs-digest: requests run on the tokio workers (a task per job, collected with join_all);
//! deserialising each body is CPU work, so it is handed to the blocking pool with
//! `spawn_blocking` instead of running on a worker.

use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Deserialize)]
struct Listed {
    id: u64,
}

#[derive(Deserialize)]
struct Detail {
    id: u64,
    name: String,
    owner: String,
    status: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Done {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

async fn fetch<T>(client: &reqwest::Client, url: String) -> Result<T, String>
where
    T: for<'de> Deserialize<'de> + Send + 'static,
{
    let resp = client.get(&url).send().await.map_err(|e| format!("request: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("status {}", resp.status().as_u16()));
    }
    let body = resp.bytes().await.map_err(|e| format!("body: {e}"))?;
    tokio::task::spawn_blocking(move || serde_json::from_slice::<T>(&body))
        .await
        .map_err(|e| format!("parser task: {e}"))?
        .map_err(|e| format!("json: {e}"))
}

async fn run(base: String) -> Result<serde_json::Value, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| e.to_string())?;
    let listed: Vec<Listed> = fetch(&client, format!("{base}/jobs")).await.map_err(|e| format!("job list: {e}"))?;
    let handles = listed.iter().map(|job| {
        let client = client.clone();
        let url = format!("{base}/jobs/{}", job.id);
        tokio::spawn(async move { fetch::<Detail>(&client, url).await })
    });
    let results = join_all(handles).await;
    let mut done = Vec::new();
    let mut failed = Vec::new();
    for (job, result) in listed.iter().zip(results) {
        match result.map_err(|e| e.to_string()).and_then(|r| r) {
            Ok(d) if d.status.trim().to_lowercase() == "completed" => {
                done.push(Done { id: d.id, name: d.name, owner: d.owner, duration_ms: d.duration_ms })
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("job {}: {e}", job.id);
                failed.push(job.id);
            }
        }
    }
    done.sort_by_key(|d| d.id);
    failed.sort_unstable();
    let total: u64 = done.iter().map(|d| d.duration_ms).sum();
    Ok(serde_json::json!({"completed": done, "failed_ids": failed, "total_jobs": listed.len(), "total_duration_ms": total}))
}

#[tokio::main]
async fn main() {
    let Ok(base) = std::env::var("JOBS_API_URL") else {
        eprintln!("JOBS_API_URL is not set");
        std::process::exit(1);
    };
    match run(base).await {
        Ok(report) => println!("{report}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
