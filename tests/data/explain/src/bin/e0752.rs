// E0752: async main with no runtime attribute.
async fn main() {
    println!("jobs");
}
