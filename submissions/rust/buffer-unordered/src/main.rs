// Fetches the job list, then the details as a stream with at most 12 requests in flight
// (StreamExt::buffer_unordered), and prints the completed jobs.

use futures::stream::{self, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use std::error::Error;
use std::time::Duration;

const IN_FLIGHT: usize = 12;

type BoxError = Box<dyn Error + Send + Sync>;

#[derive(Debug, Deserialize)]
struct Job {
    id: u64,
}

#[derive(Debug, Deserialize)]
struct Details {
    id: u64,
    name: String,
    owner: String,
    status: String,
    duration_ms: u64,
}

async fn fetch_details(client: &reqwest::Client, base: &str, id: u64) -> Result<Details, BoxError> {
    let resp = client
        .get(format!("{base}/jobs/{id}"))
        .timeout(Duration::from_secs(2))
        .send()
        .await?
        .error_for_status()?;
    Ok(resp.json::<Details>().await?)
}

async fn fetch_list(client: &reqwest::Client, base: &str) -> Result<Vec<Job>, BoxError> {
    let resp = client
        .get(format!("{base}/jobs"))
        .timeout(Duration::from_secs(2))
        .send()
        .await?
        .error_for_status()?;
    Ok(resp.json::<Vec<Job>>().await?)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let base = std::env::var("JOBS_API_URL")?;
    let client = reqwest::Client::new();

    let jobs = match fetch_list(&client, &base).await {
        Ok(jobs) => jobs,
        Err(err) => {
            eprintln!("could not fetch /jobs: {err}");
            std::process::exit(1);
        }
    };

    let results: Vec<(u64, Result<Details, BoxError>)> = stream::iter(jobs.iter().map(|j| j.id))
        .map(|id| {
            let client = &client;
            let base = base.as_str();
            async move { (id, fetch_details(client, base, id).await) }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;

    let mut completed: Vec<Value> = Vec::new();
    let mut failed_ids: Vec<u64> = Vec::new();
    for (id, result) in results {
        match result {
            Ok(d) => {
                if d.status.trim().to_lowercase() == "completed" {
                    completed.push(json!({
                        "id": d.id, "name": d.name, "owner": d.owner, "duration_ms": d.duration_ms
                    }));
                }
            }
            Err(err) => {
                eprintln!("job {id}: {err}");
                failed_ids.push(id);
            }
        }
    }
    completed.sort_by_key(|c| c["id"].as_u64());
    failed_ids.sort();
    let total: u64 = completed.iter().filter_map(|c| c["duration_ms"].as_u64()).sum();
    println!(
        "{}",
        json!({
            "completed": completed,
            "failed_ids": failed_ids,
            "total_jobs": jobs.len(),
            "total_duration_ms": total
        })
    );
    Ok(())
}
