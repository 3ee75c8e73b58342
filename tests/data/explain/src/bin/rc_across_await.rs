// An Rc held across an .await inside a spawned task.
use std::rc::Rc;

#[tokio::main]
async fn main() {
    let task = tokio::spawn(async {
        let counter = Rc::new(0);
        tokio::task::yield_now().await;
        println!("{}", counter);
    });
    task.await.unwrap();
}
