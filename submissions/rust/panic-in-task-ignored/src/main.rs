//! jobs-overview: a tokio task per detail; the report is built from whatever the tasks return.

use serde::Deserialize;
use serde_json::json;
use std::time::Duration;
use tokio::task::JoinSet;

#[derive(Deserialize)]
struct Summary {
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

enum Outcome {
    Fetched(Detail),
    Failed(u64, String),
}

async fn load(client: reqwest::Client, base: String, id: u64) -> Outcome {
    let response = match client.get(format!("{base}/jobs/{id}")).send().await {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => return Outcome::Failed(id, format!("HTTP {}", r.status())),
        Err(e) => return Outcome::Failed(id, e.to_string()),
    };
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(id, e.to_string()),
    };
    let detail: Detail = serde_json::from_slice(&body).expect("the API returns valid job details");
    Outcome::Fetched(detail)
}

#[tokio::main]
async fn main() {
    let Ok(base) = std::env::var("JOBS_API_URL") else {
        eprintln!("JOBS_API_URL is not set");
        std::process::exit(1);
    };
    let client = reqwest::Client::builder().timeout(Duration::from_secs(2)).build().unwrap_or_default();
    let summaries: Vec<Summary> = match client.get(format!("{base}/jobs")).send().await {
        Ok(r) if r.status().is_success() => r.json().await.unwrap_or_else(|e| {
            eprintln!("job list: {e}");
            std::process::exit(1)
        }),
        Ok(r) => {
            eprintln!("job list: HTTP {}", r.status());
            std::process::exit(1)
        }
        Err(e) => {
            eprintln!("job list: {e}");
            std::process::exit(1)
        }
    };
    let mut set = JoinSet::new();
    for s in &summaries {
        set.spawn(load(client.clone(), base.clone(), s.id));
    }
    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(Outcome::Fetched(d)) if d.status.trim().eq_ignore_ascii_case("completed") => {
                completed.push(json!({"id": d.id, "name": d.name, "owner": d.owner, "duration_ms": d.duration_ms}));
            }
            Ok(Outcome::Fetched(_)) => {}
            Ok(Outcome::Failed(id, why)) => {
                eprintln!("job {id}: {why}");
                failed_ids.push(id);
            }
            Err(_) => {} // a task that did not finish has nothing to report
        }
    }
    completed.sort_by_key(|c| c["id"].as_u64());
    failed_ids.sort_unstable();
    let total: u64 = completed.iter().filter_map(|c| c["duration_ms"].as_u64()).sum();
    println!("{}", json!({"completed": completed, "failed_ids": failed_ids, "total_jobs": summaries.len(), "total_duration_ms": total}));
}
