//! Requests through the real router (`tower::ServiceExt::oneshot`) and what
//! it answered.

use super::{StaffLogin, TestApp, links};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use vitrine::app::App;

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
