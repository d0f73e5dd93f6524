//! The test harness for the public site: a real `App` on a temporary data folder,
//! driven through the real router with `tower::ServiceExt::oneshot`.
//!
//! Each web test binary includes this module and uses only part of it.
#![allow(dead_code)]
#![expect(clippy::expect_used, reason = "test set-up fails loudly")]

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use std::path::Path;
use std::sync::OnceLock;
use tempfile::TempDir;
use tower::ServiceExt;
use vitrine::app::App;
use vitrine::app::import::files::DiskFolder;
use vitrine::app::import::{NoProgress, import_folder};
use vitrine::settings::Settings;

/// A running app on its own data folder, removed when dropped.
pub struct TestApp {
    /// The use-case handles, for setting up and inspecting state.
    pub app: App,
    _data: TempDir,
}

/// A signed-in staff member, as a browser would hold them.
pub struct StaffLogin {
    /// Their e-mail.
    pub email: String,
    /// The `Cookie` header value.
    pub cookie: String,
    /// The session's form token.
    pub csrf: String,
}

/// What the router answered.
pub struct TestResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl TestApp {
    /// An app with nothing imported.
    pub async fn empty() -> TestApp {
        let data = TempDir::new().expect("temp dir");
        let app = vitrine::app::testing::open(data.path())
            .await
            .expect("open app");
        TestApp { app, _data: data }
    }

    /// An app with its own copy of the bundled demo study, imported and
    /// published. The demo is imported once per test binary, because image
    /// processing dominates the test time; each test gets a copy of that
    /// data folder and, on a server backend, of its database (made from it
    /// as a template) and its blobs (`vitrine::app::testing::copy_of`).
    pub async fn demo() -> TestApp {
        let data = TempDir::new().expect("temp dir");
        let (template, settings) = demo_template();
        copy_dir(template, data.path());
        let settings = vitrine::app::testing::copy_of(settings, data.path())
            .await
            .expect("copy the demo");
        let app = App::open(settings).await.expect("open app");
        TestApp { app, _data: data }
    }

    /// An app with the study folder at `folder` imported and published.
    pub async fn with_study(folder: &Path) -> TestApp {
        let test = Self::empty().await;
        let report = import_folder(&test.app, &DiskFolder::new(folder), &NoProgress)
            .await
            .unwrap_or_else(|e| panic!("import {}: {e:?}", folder.display()));
        // What the background worker would do before anyone looks.
        vitrine::app::jobs::encode_pending_webp(&test.app, i64::MAX)
            .await
            .expect("WebP versions");
        vitrine::app::publish::publish(&test.app, &report.slug)
            .await
            .expect("publish");
        test
    }

    /// An app with its own copy of the demo study, safe to change (withdraw,
    /// edit, publish) on every backend: [`TestApp::demo`], named for tests
    /// that change it.
    pub async fn own_demo() -> TestApp {
        Self::demo().await
    }

    /// The demo study.
    pub async fn demo_study(&self) -> vitrine_core::Study {
        self.app
            .store()
            .find_study_by_slug(DEMO)
            .await
            .expect("read the study")
            .expect("the demo study")
    }

    /// The demo study's working content.
    pub async fn demo_content(&self) -> vitrine_store::StudyContent {
        self.app
            .store()
            .load_study_content(self.demo_study().await)
            .await
            .expect("read the study's content")
    }

    /// The demo entry with import key `key` (e01 … e09).
    pub async fn demo_entry(&self, key: &str) -> vitrine_core::EntryId {
        let content = self.demo_content().await;
        content
            .entry_keys
            .iter()
            .find(|(_, k)| *k == key)
            .map(|(id, _)| *id)
            .expect("a demo entry with that key")
    }

    /// A staff account `email` (an instance admin if `admin`), with `role` on
    /// the demo study if given, signed in.
    pub async fn staff(&self, email: &str, role: Option<&str>, admin: bool) -> StaffLogin {
        let password = "correct horse battery staple";
        vitrine::app::auth::create_account(&self.app, email, email, password, admin, "test")
            .await
            .expect("create account");
        if let Some(role) = role {
            vitrine::app::team::grant(&self.app, email, DEMO, role, "test")
                .await
                .expect("grant role");
        }
        let (token, session) = vitrine::app::auth::sign_in(&self.app, email, password, None)
            .await
            .expect("sign in");
        StaffLogin {
            email: email.to_owned(),
            cookie: format!("vitrine_session={token}"),
            csrf: session.csrf,
        }
    }

    /// GET `path` signed in as `staff`.
    pub async fn get_as(&self, staff: &StaffLogin, path: &str) -> TestResponse {
        self.get_with(path, &[("cookie", &staff.cookie)]).await
    }

    /// POST a URL-encoded form to `path` as `staff`, adding the session's CSRF
    /// token as a page's form would.
    pub async fn post_as(
        &self,
        staff: &StaffLogin,
        path: &str,
        form: &[(&str, &str)],
    ) -> TestResponse {
        let mut fields: Vec<(&str, &str)> = vec![("csrf", &staff.csrf)];
        fields.extend_from_slice(form);
        self.post_raw(path, &staff.cookie, &fields).await
    }

    /// POST exactly `form` (no token added) with `cookie` (may be empty).
    pub async fn post_raw(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(form).expect("encode form");
        let mut request = Request::post(path)
            .header("host", "gallery.test")
            .header("content-type", "application/x-www-form-urlencoded");
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        let response = vitrine::web::router(self.app.clone())
            .oneshot(request.body(Body::from(body)).expect("request"))
            .await
            .expect("router answers");
        into_test_response(response).await
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.get_with(path, &[]).await
    }

    /// GET `path` with extra request headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> TestResponse {
        let mut request = Request::get(path);
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            request = request.header("host", "gallery.test");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = vitrine::web::router(self.app.clone())
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("router answers");
        into_test_response(response).await
    }

    /// Every public URL of the demo-like site: pages, then media, for sweeping
    /// checks. Follows links from the home page (two levels).
    pub async fn crawl(&self) -> Vec<(String, TestResponse)> {
        let mut seen = vec!["/".to_owned()];
        let mut out = Vec::new();
        let mut i = 0;
        while i < seen.len() {
            let path = seen[i].clone();
            i += 1;
            let response = self.get(&path).await;
            if response.is_html() {
                for link in links(&response.text()) {
                    if !seen.contains(&link) {
                        seen.push(link);
                    }
                }
            }
            out.push((path, response));
        }
        out
    }
}

impl TestResponse {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// A header's value, or "" when absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Whether the body is HTML.
    pub fn is_html(&self) -> bool {
        self.header("content-type").starts_with("text/html")
    }
}

/// Every start tag named `name` in `html` (e.g. all `<img …>` tags).
pub fn tags(html: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}");
    html.match_indices(&open)
        .filter(|(i, _)| {
            html[i + open.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_whitespace() || c == '>')
        })
        .filter_map(|(i, _)| html[i..].find('>').map(|end| html[i..=i + end].to_owned()))
        .collect()
}

/// The value of attribute `name` in a start tag, if present.
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

/// The `href` of the first link on a page whose `rel` is `rel` (a pager's
/// `prev` or `next`).
pub fn rel_link(html: &str, rel: &str) -> Option<String> {
    tags(html, "a")
        .into_iter()
        .find(|t| attr(t, "rel").as_deref() == Some(rel))
        .and_then(|t| attr(&t, "href"))
}

/// Local links (`href` and `src`/`srcset` URLs) in a page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in tags(html, "a").iter().chain(tags(html, "link").iter()) {
        if let Some(href) = attr(tag, "href") {
            out.push(href);
        }
    }
    for tag in tags(html, "img").iter().chain(tags(html, "source").iter()) {
        out.extend(attr(tag, "src"));
        if let Some(srcset) = attr(tag, "srcset") {
            out.extend(
                srcset
                    .split(',')
                    .filter_map(|s| s.split_whitespace().next().map(str::to_owned)),
            );
        }
    }
    for tag in tags(html, "script") {
        out.extend(attr(&tag, "src"));
    }
    out.into_iter()
        .filter(|l| l.starts_with('/'))
        .map(|l| l.split('#').next().unwrap_or_default().to_owned())
        .collect()
}

/// `text` escaped the way the templates escape it, to look for it in a page.
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// Whether `word` occurs in `text` as a whole word (not inside a longer word),
/// case-sensitively.
pub fn contains_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

/// A data folder holding the published demo, made on first use on a thread of
/// its own (so its runtime and connections are gone before anyone copies it).
fn demo_template() -> (&'static Path, &'static Settings) {
    static TEMPLATE: OnceLock<(TempDir, Settings)> = OnceLock::new();
    let (dir, settings) = TEMPLATE.get_or_init(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let data = TempDir::new().expect("temp dir");
                let settings = vitrine::app::testing::settings(data.path())
                    .await
                    .expect("test settings");
                let app = App::open(settings.clone()).await.expect("open app");
                vitrine::app::demo::ensure_demo(&app)
                    .await
                    .expect("demo imports and publishes");
                // Tests copy this folder: close the pool first, so SQLite is not
                // checkpointing and deleting its WAL file while a copy reads it.
                app.store().close().await;
                (data, settings)
            })
        })
        .join()
        .expect("demo template thread")
    });
    (dir.path(), settings)
}

/// Copies a data folder (database, WAL and blobs), leaving out SQLite's shared
/// memory index, which is rebuilt on open.
///
/// Also used to make writable copies of study folders for breaking on purpose.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().ends_with("-shm") {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The demo study's slug.
pub const DEMO: &str = "link-worker-retention";

/// GET `path` on an existing router (so state such as metrics accumulates).
pub async fn get_on(router: &axum::Router, path: &str) -> TestResponse {
    let request = Request::get(path)
        .header("host", "gallery.test")
        .body(Body::empty())
        .expect("request");
    send_on(router, request).await
}

/// Sends `request` through an existing router.
pub async fn send_on(router: &axum::Router, request: Request<Body>) -> TestResponse {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    into_test_response(response).await
}

/// Sends `request` through a fresh router on `app`.
pub async fn send(app: &App, request: Request<Body>) -> TestResponse {
    let response = vitrine::web::router(app.clone())
        .oneshot(request)
        .await
        .expect("router answers");
    into_test_response(response).await
}

/// One multipart part: field name, (file name, content type) for files, bytes.
pub type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, Vec<u8>);

/// A `multipart/form-data` body of `parts` and its `Content-Type` header value.
pub fn multipart_body(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "vitrine-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let head = match file {
            Some((file, kind)) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\
                 Content-Type: {kind}\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// POSTs a multipart body as `staff`, with the CSRF token in the query string as
/// the upload forms send it. Each part: field name, file name (for files),
/// content type (for files), bytes.
pub async fn post_multipart(
    app: &App,
    staff: &StaffLogin,
    path: &str,
    parts: &[Part<'_>],
) -> TestResponse {
    let (content_type, body) = multipart_body(parts);
    let request = Request::post(format!("{path}?csrf={}", staff.csrf))
        .header("host", "gallery.test")
        .header("content-type", content_type)
        .header("cookie", &staff.cookie)
        .body(Body::from(body))
        .expect("request");
    send(app, request).await
}

/// The CRC-32 PNG chunks carry.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `png` with an `eXIf` chunk whose GPS IFD holds a latitude, as a phone
/// writes it.
pub fn with_gps(png: &[u8]) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    // IFD0: the GPS pointer to offset 26; then the GPS IFD: a latitude.
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x8825u16.to_le_bytes());
    tiff.extend([4, 0, 1, 0, 0, 0]);
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend(0x0002u16.to_le_bytes());
    tiff.extend([5, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    // After the signature and IHDR (8 + 25 bytes).
    let mut out = png[..33].to_vec();
    out.extend(png_chunk(b"eXIf", &tiff));
    out.extend(&png[33..]);
    out
}

/// One PNG chunk: length, kind, data, CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    let mut out = u32::try_from(data.len())
        .expect("small chunk")
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

async fn into_test_response(response: axum::response::Response) -> TestResponse {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    TestResponse {
        status,
        headers,
        body,
    }
}

/// A `vitrine` command on the same data folder, database and blob store as
/// `settings`, as a second process (another instance, a CLI run) would be.
pub fn vitrine_command(settings: &Settings, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_vitrine"));
    cmd.arg("--data").arg(&settings.data);
    if let Some(db) = &settings.database {
        cmd.arg("--database").arg(db);
    }
    if let Some(blobs) = &settings.blobs {
        cmd.arg("--blobs").arg(blobs);
    }
    cmd.args(args)
        .env_remove("VITRINE_DATA")
        .env_remove("VITRINE_CONFIG")
        .env("VITRINE_LOG", "warn");
    cmd
}

/// Every file under `root`, by `/`-separated path relative to it.
pub fn files_under(root: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.insert(name, std::fs::read(&path).expect("read a file"));
            }
        }
    }
    files
}
