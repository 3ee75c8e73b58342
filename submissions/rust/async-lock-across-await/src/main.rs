//! jobfetch: one tokio task per job; a shared `Fetcher` (behind an async Mutex) owns the HTTP
//! client and counts requests for the final log line.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use tokio::sync::Mutex;

#[derive(Deserialize)]
struct Listed {
    id: u64,
}

#[derive(Deserialize, Clone)]
struct Detail {
    id: u64,
    name: String,
    owner: String,
    status: String,
    duration_ms: u64,
}

struct Fetcher {
    client: reqwest::Client,
    base: String,
    requests: usize,
}

impl Fetcher {
    async fn get<T: serde::de::DeserializeOwned>(&mut self, path: &str) -> Result<T, String> {
        self.requests += 1;
        let resp = self
            .client
            .get(format!("{}{}", self.base, path))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("status {}", resp.status().as_u16()));
        }
        resp.json::<T>().await.map_err(|e| e.to_string())
    }
}

async fn detail(fetcher: Arc<Mutex<Fetcher>>, id: u64) -> (u64, Result<Detail, String>) {
    let mut f = fetcher.lock().await;
    let result = f.get::<Detail>(&format!("/jobs/{id}")).await;
    (id, result)
}

#[tokio::main]
async fn main() {
    let base = std::env::var("JOBS_API_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(2)).build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("client: {e}");
            std::process::exit(1);
        }
    };
    let fetcher = Arc::new(Mutex::new(Fetcher { client, base, requests: 0 }));

    let listed: Vec<Listed> = match fetcher.lock().await.get("/jobs").await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("failed to fetch job list: {e}");
            std::process::exit(1);
        }
    };

    let tasks: Vec<_> = listed.iter().map(|j| tokio::spawn(detail(fetcher.clone(), j.id))).collect();
    let mut completed = Vec::new();
    let mut failed_ids = Vec::new();
    for task in tasks {
        match task.await {
            Ok((_, Ok(d))) if d.status.trim().to_lowercase() == "completed" => completed.push(d),
            Ok((_, Ok(_))) => {}
            Ok((id, Err(e))) => {
                eprintln!("job {id}: {e}");
                failed_ids.push(id);
            }
            Err(e) => eprintln!("task panicked: {e}"),
        }
    }
    completed.sort_by_key(|d| d.id);
    failed_ids.sort_unstable();
    let total: u64 = completed.iter().map(|d| d.duration_ms).sum();
    let completed: Vec<_> = completed
        .iter()
        .map(|d| json!({"id": d.id, "name": d.name, "owner": d.owner, "duration_ms": d.duration_ms}))
        .collect();
    println!(
        "{}",
        json!({"completed": completed, "failed_ids": failed_ids, "total_jobs": listed.len(), "total_duration_ms": total})
    );
    eprintln!("{} requests", fetcher.lock().await.requests);
}
