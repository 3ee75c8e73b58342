// A std MutexGuard held across an .await inside a spawned task.
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() {
    let results = Arc::new(Mutex::new(Vec::new()));
    let shared = results.clone();
    let task = tokio::spawn(async move {
        let mut guard = shared.lock().unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        guard.push(1);
    });
    task.await.unwrap();
}
