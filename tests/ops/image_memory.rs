//! Issue 10, item 4: memory for image work is bounded. A PNG of under a
//! megabyte can claim 100 megapixels at 16 bits and four channels (800 MB
//! decoded); four uploaded at once once took a server to 6.5 GB. A real
//! `vitrine serve` child process, with the default image memory budget,
//! receives four such uploads at once through the workspace upload form, and
//! its peak resident memory (VmHWM) must stay under 1 GB while every upload
//! gets an answer: 200, or 503 saying the server is busy.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use axum::http::StatusCode;
use common::{DEMO, TestApp};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::Duration;
use vitrine::app::image_budget::ImageBudget;

/// A `vitrine serve` process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(settings: &vitrine::settings::Settings) -> Server {
        let mut child =
            common::vitrine_command(settings, &["serve", "--listen", "127.0.0.1:0", "--no-demo"])
                .env_remove("VITRINE_IMAGE_MEMORY_MB")
                .stdout(Stdio::piped())
                .spawn()
                .expect("start vitrine serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://").nth(1) {
                    let addr = rest.trim_end_matches(|c| c != '/').trim_end_matches('/');
                    let _ = tx.send(addr.to_owned());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the server reports its address");
        Server { child, addr }
    }

    /// A line of /proc/PID/status in bytes, e.g. `VmHWM` (the peak RSS).
    fn memory(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc status");
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .expect("field in /proc status");
        kb * 1024
    }
}

/// The demo study's first prompt and participant, as the upload form sends them.
async fn upload_choices(test: &TestApp) -> (String, String) {
    let content = test.demo_content().await;
    (
        content.prompts[0].id.0.to_string(),
        content.participants[0].id.0.to_string(),
    )
}

/// A `width` × `height` 16-bit RGBA PNG of one colour, written row by row
/// so the test never holds the 800 MB it decodes to; flat, so it compresses
/// to under a megabyte.
fn flat_16bit_png((width, height): (u32, u32), rgba: [u16; 4]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Sixteen);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().expect("PNG header");
    let pixel: Vec<u8> = rgba.iter().flat_map(|c| c.to_be_bytes()).collect();
    let row = pixel.repeat(width as usize);
    let mut stream = writer.stream_writer().expect("PNG stream");
    for _ in 0..height {
        stream.write_all(&row).expect("PNG row");
    }
    stream.finish().expect("PNG end");
    writer.finish().expect("PNG finish");
    out
}

/// Issue 10 item 4: "Memory is unbounded for small, valid uploads".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_for_small_valid_uploads() {
    assert_four_uploads_stay_under((10_000, 10_000), 1000).await;
}

/// Issue 10 item 4, second finding: a tall narrow strip of 100 megapixels
/// planned variants as tall as itself and took a server to 819 MB alone;
/// with variants capped in height each costs under 150 MB, so the budget
/// (512 MiB, one image per core) runs two at once beside the uploads' face
/// detection. Four of them peaked at 300-435 MB in test runs; the limit,
/// 600 MB, is under what one uncapped strip took alone. (It was 400 MB, and
/// failed now and then at 435.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_for_tall_narrow_strips() {
    assert_four_uploads_stay_under((3334, 29_990), 600).await;
}

/// Four flat 16-bit PNGs of `size`, uploaded at once through the workspace
/// form of a real `vitrine serve` with the default image budget: each gets a
/// draft or a clear busy answer, and the server's peak resident memory stays
/// under `limit_mb` megabytes.
async fn assert_four_uploads_stay_under(size: (u32, u32), limit_mb: u64) {
    let test = TestApp::own_demo().await;
    let curator = test.curator().await;
    let (prompt, participant) = upload_choices(&test).await;
    let pngs: Vec<Vec<u8>> = tokio::task::spawn_blocking(move || {
        (0..4u16)
            .map(|i| flat_16bit_png(size, [9_000 * i, 40_000, 65_535 - 9_000 * i, 65_535]))
            .collect()
    })
    .await
    .expect("PNGs");
    for png in &pngs {
        assert!(png.len() < 1_000_000, "small: {} bytes", png.len());
    }

    let server = Server::start(&test.app.settings);
    let idle_before = server.memory("VmRSS");
    let url = format!(
        "http://{}/admin/studies/{DEMO}/upload?csrf={}",
        server.addr, curator.csrf
    );
    let client = reqwest::Client::new();
    let uploads = pngs.into_iter().enumerate().map(|(i, png)| {
        let name = format!("flat-{i}.png");
        let (content_type, body) = common::multipart_body(&[
            ("prompt", None, prompt.clone().into_bytes()),
            ("participant", None, participant.clone().into_bytes()),
            ("provenance", None, b"O".to_vec()),
            ("images", Some((&name, "image/png")), png),
        ]);
        let request = client
            .post(&url)
            .header("cookie", &curator.cookie)
            .header("content-type", content_type)
            .body(body);
        async move {
            let response = request.send().await.expect("the server answers");
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        }
    });
    let answers = futures::future::join_all(uploads).await;
    let peak = server.memory("VmHWM");
    let idle_after = server.memory("VmRSS");
    eprintln!(
        "vitrine serve, four {}×{} PNGs: VmRSS {} MB idle before, VmHWM {} MB during, VmRSS {} MB idle after",
        size.0,
        size.1,
        idle_before / 1_000_000,
        peak / 1_000_000,
        idle_after / 1_000_000
    );

    for (status, html) in &answers {
        assert!(
            *status == 200 || *status == 503 && html.contains("busy processing other images"),
            "every upload gets a draft or a clear busy answer: {status} {html}"
        );
    }
    assert!(
        answers.iter().any(|(status, _)| *status == 200),
        "the budget admits work, it does not only refuse it"
    );
    assert!(
        peak < limit_mb * 1_000_000,
        "the server peaked at {} MB resident, above {limit_mb} MB",
        peak / 1_000_000
    );
}

/// When other images fill the budget for longer than an upload may wait, the
/// upload is answered 503 with a message saying so, and nothing of it is
/// stored; once there is room again the same file is accepted.
#[tokio::test]
async fn an_upload_that_finds_the_image_budget_full_is_refused_as_busy_and_stores_nothing() {
    let mut test = TestApp::own_demo().await;
    test.app.image_budget = ImageBudget::new(64, 1).with_upload_wait(Duration::from_millis(200));
    let curator = test.curator().await;
    let (prompt, participant) = upload_choices(&test).await;
    let png = flat_16bit_png((64, 64), [1_000, 2_000, 3_000, 65_535]);
    let parts: Vec<common::Part<'_>> = vec![
        ("prompt", None, prompt.into_bytes()),
        ("participant", None, participant.into_bytes()),
        ("provenance", None, b"O".to_vec()),
        ("images", Some(("small.png", "image/png")), png),
    ];
    let path = format!("/admin/studies/{DEMO}/upload");
    let originals = test.app.blobs().list_originals().await.expect("list");

    let other_image = test
        .app
        .image_budget
        .admit(64 * 1024 * 1024, None)
        .await
        .expect("room for the other image");
    let busy = common::post_multipart(&test.app, &curator, &path, &parts).await;
    let html = busy.text();
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE, "{html}");
    assert!(
        html.contains("the server is busy processing other images; nothing was saved"),
        "{html}"
    );
    assert_eq!(
        test.app.blobs().list_originals().await.expect("list"),
        originals,
        "nothing stored"
    );

    drop(other_image);
    let accepted = common::post_multipart(&test.app, &curator, &path, &parts).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
}
