// Jobs report: one tokio task per job in a JoinSet, a custom error type, a 2 s timeout on the
// client. Flaw (on purpose, for the grader's corpus): a "polite" std::thread::sleep before each
// request blocks the runtime worker the task runs on.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

#[derive(Debug)]
enum FetchError {
    Http(reqwest::Error),
    Status(u16),
    Body(serde_json::Error),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Http(e) => write!(f, "request failed: {e}"),
            FetchError::Status(s) => write!(f, "status {s}"),
            FetchError::Body(e) => write!(f, "bad body: {e}"),
        }
    }
}

#[derive(Deserialize)]
struct Listed {
    id: u64,
}

#[derive(Deserialize)]
struct Detail {
    id: u64,
    name: String,
    status: String,
    owner: String,
    duration_ms: u64,
}

#[derive(Serialize)]
struct Done {
    id: u64,
    name: String,
    owner: String,
    duration_ms: u64,
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    client: &reqwest::Client,
    url: &str,
) -> Result<T, FetchError> {
    let response = client.get(url).send().await.map_err(FetchError::Http)?;
    if !response.status().is_success() {
        return Err(FetchError::Status(response.status().as_u16()));
    }
    let bytes = response.bytes().await.map_err(FetchError::Http)?;
    serde_json::from_slice(&bytes).map_err(FetchError::Body)
}

async fn detail(client: reqwest::Client, base: String, id: u64) -> (u64, Result<Detail, FetchError>) {
    // Be polite to the API: space the requests out a little.
    std::thread::sleep(Duration::from_millis(1));
    let url = format!("{base}/jobs/{id}");
    (id, get_json(&client, &url).await)
}

#[tokio::main]
async fn main() {
    let base = std::env::var("JOBS_API_URL").unwrap_or_default();
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(2)).build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot build a client: {e}");
            std::process::exit(1);
        }
    };
    let listed: Vec<Listed> = match get_json(&client, &format!("{base}/jobs")).await {
        Ok(list) => list,
        Err(e) => {
            eprintln!("cannot fetch the job list: {e}");
            std::process::exit(1);
        }
    };
    let mut tasks = JoinSet::new();
    for job in &listed {
        tasks.spawn(detail(client.clone(), base.clone(), job.id));
    }
    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((id, result)) = joined else { continue };
        match result {
            Ok(d) if d.status.trim().to_lowercase() == "completed" => completed.push(Done {
                id: d.id,
                name: d.name,
                owner: d.owner,
                duration_ms: d.duration_ms,
            }),
            Ok(_) => {}
            Err(e) => {
                eprintln!("job {id}: {e}");
                failed_ids.push(id);
            }
        }
    }
    completed.sort_by_key(|d| d.id);
    failed_ids.sort_unstable();
    let total: u64 = completed.iter().map(|d| d.duration_ms).sum();
    let report = serde_json::json!({
        "completed": completed,
        "failed_ids": failed_ids,
        "total_jobs": listed.len(),
        "total_duration_ms": total,
    });
    println!("{report}");
}
