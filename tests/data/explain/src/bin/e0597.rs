// E0597: a borrow of a local handed to tokio::spawn, which needs 'static.
#[tokio::main]
async fn main() {
    let job_ids = vec![1, 2, 3];
    let ids = &job_ids;
    let task = tokio::spawn(async move { ids.len() });
    println!("{}", task.await.unwrap());
}
