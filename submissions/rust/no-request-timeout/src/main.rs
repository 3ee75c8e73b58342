// completed-jobs: list the jobs, fetch every detail at once (futures::future::join_all), print
// the completed ones. Errors are reported per job and never stop the report.

use futures::future::join_all;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Entry {
    id: u64,
}

#[derive(Deserialize, Serialize)]
struct Job {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
    #[serde(skip_serializing)]
    status: String,
}

async fn fetch_job(client: &reqwest::Client, base: &str, id: u64) -> Result<Job, String> {
    let response = client
        .get(format!("{base}/jobs/{id}"))
        .send()
        .await
        .map_err(|e| format!("request failed: {e}"))?;
    let response = response.error_for_status().map_err(|e| e.to_string())?;
    response.json::<Job>().await.map_err(|e| format!("invalid body: {e}"))
}

#[tokio::main]
async fn main() {
    let base = std::env::var("JOBS_API_URL").unwrap_or_default();
    let client = reqwest::Client::new();
    let entries: Vec<Entry> = match client.get(format!("{base}/jobs")).send().await {
        Ok(resp) if resp.status().is_success() => match resp.json().await {
            Ok(entries) => entries,
            Err(e) => {
                eprintln!("the job list is not valid JSON: {e}");
                std::process::exit(1);
            }
        },
        Ok(resp) => {
            eprintln!("the job list answered {}", resp.status());
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("cannot reach the jobs API: {e}");
            std::process::exit(1);
        }
    };

    let results = join_all(entries.iter().map(|e| fetch_job(&client, &base, e.id))).await;
    let mut completed = BTreeMap::new();
    let mut failed_ids = Vec::new();
    for (entry, result) in entries.iter().zip(results) {
        match result {
            Ok(job) if job.status.trim().to_lowercase() == "completed" => {
                completed.insert(job.id, job);
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("job {}: {e}", entry.id);
                failed_ids.push(entry.id);
            }
        }
    }
    failed_ids.sort_unstable();
    let total: u64 = completed.values().map(|j| j.duration_ms).sum();
    let completed: Vec<&Job> = completed.values().collect();
    println!(
        "{}",
        serde_json::json!({"completed": completed, "failed_ids": failed_ids, "total_jobs": entries.len(), "total_duration_ms": total})
    );
}
