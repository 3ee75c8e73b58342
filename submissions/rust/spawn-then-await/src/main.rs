// jobs: spawns a tokio task for each job's detail so the requests run on the worker pool.
use serde::Deserialize;
use std::time::Duration;

#[derive(Deserialize)]
struct Job {
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

async fn detail(client: reqwest::Client, url: String) -> Result<Detail, String> {
    let response = client.get(&url).send().await.map_err(|e| format!("{e}"))?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("{url}: {status}"));
    }
    response.json::<Detail>().await.map_err(|e| format!("{url}: {e}"))
}

#[tokio::main(worker_threads = 4)]
async fn main() {
    let base = std::env::var("JOBS_API_URL").unwrap_or_default();
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let jobs: Vec<Job> = match client.get(format!("{base}/jobs")).send().await {
        Ok(r) if r.status().is_success() => match r.json().await {
            Ok(v) => v,
            Err(e) => {
                eprintln!("invalid job list: {e}");
                std::process::exit(1);
            }
        },
        Ok(r) => {
            eprintln!("job list request failed: {}", r.status());
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("job list request failed: {e}");
            std::process::exit(1);
        }
    };

    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    for job in &jobs {
        let handle = tokio::spawn(detail(client.clone(), format!("{base}/jobs/{}", job.id)));
        match handle.await {
            Ok(Ok(d)) if d.status.trim().to_lowercase() == "completed" => {
                completed.push(serde_json::json!({"id": d.id, "name": d.name, "owner": d.owner, "duration_ms": d.duration_ms}));
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                eprintln!("job {}: {e}", job.id);
                failed_ids.push(job.id);
            }
            Err(e) => {
                eprintln!("job {}: task failed: {e}", job.id);
                failed_ids.push(job.id);
            }
        }
    }
    completed.sort_by_key(|c| c["id"].as_u64());
    failed_ids.sort();
    let total: u64 = completed.iter().filter_map(|c| c["duration_ms"].as_u64()).sum();
    println!(
        "{}",
        serde_json::json!({"completed": completed, "failed_ids": failed_ids, "total_jobs": jobs.len(), "total_duration_ms": total})
    );
}
