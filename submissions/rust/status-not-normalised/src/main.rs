// done-jobs: the completed jobs of the jobs API. Details are fetched together (join_all), each
// request with a 2 s timeout; a failed detail is listed, a failed list ends the run with 1.

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
struct Completed {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

async fn get_detail(http: &reqwest::Client, base: &str, id: u64) -> Result<Detail, reqwest::Error> {
    http.get(format!("{base}/jobs/{id}")).send().await?.error_for_status()?.json().await
}

#[tokio::main]
async fn main() {
    let base = std::env::var("JOBS_API_URL").unwrap_or_default();
    let http = match reqwest::Client::builder().timeout(Duration::from_secs(2)).build() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("http client: {e}");
            std::process::exit(1);
        }
    };
    let listed: Vec<Listed> = match async {
        http.get(format!("{base}/jobs")).send().await?.error_for_status()?.json().await
    }
    .await
    {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot load the job list: {e}");
            std::process::exit(1);
        }
    };
    let details = join_all(listed.iter().map(|l| get_detail(&http, &base, l.id))).await;
    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    for (l, d) in listed.iter().zip(details) {
        match d {
            Ok(d) if d.status == "completed" => {
                completed.push(Completed { id: d.id, name: d.name, owner: d.owner, duration_ms: d.duration_ms })
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("job {}: {e}", l.id);
                failed_ids.push(l.id);
            }
        }
    }
    completed.sort_by_key(|c| c.id);
    failed_ids.sort_unstable();
    let total: u64 = completed.iter().map(|c| c.duration_ms).sum();
    println!(
        "{}",
        serde_json::json!({"completed": completed, "failed_ids": failed_ids, "total_jobs": listed.len(), "total_duration_ms": total})
    );
}
