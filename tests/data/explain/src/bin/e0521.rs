// E0521: a borrowed parameter escapes into a spawned task.
async fn fetch_all(base_url: &str) {
    let task = tokio::spawn(async move {
        println!("{}", base_url);
    });
    task.await.unwrap();
}

#[tokio::main]
async fn main() {
    fetch_all("http://127.0.0.1").await;
}
