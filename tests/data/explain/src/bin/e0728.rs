// E0728: .await in a function that is not async.
async fn fetch_list() -> Vec<u32> {
    vec![1]
}

fn report() -> usize {
    let jobs = fetch_list().await;
    jobs.len()
}

#[tokio::main]
async fn main() {
    println!("{}", report());
}
