//! Operations endpoints a load balancer and Prometheus use (issue 4).
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use crate::common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use common::TestApp;
use std::net::SocketAddr;
use tower::ServiceExt;

/// The status of `GET /metrics` from a TCP peer at `peer` (`None`: unknown),
/// with extra request headers.
async fn metrics_status(
    router: &axum::Router,
    peer: Option<&str>,
    headers: &[(&str, &str)],
) -> u16 {
    let mut request = Request::get("/metrics").header("host", "gallery.test");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut request = request.body(Body::empty()).expect("request");
    if let Some(peer) = peer {
        let addr: SocketAddr = peer.parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(addr));
    }
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    response.status().as_u16()
}

#[tokio::test]
async fn health_and_readiness_answer_without_revealing_anything() {
    let test = TestApp::demo().await;
    let health = test.get("/healthz").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.text(), "ok\n");
    let ready = test.get("/readyz").await;
    assert_eq!(ready.status, 200, "{}", ready.text());
    assert_eq!(ready.header("cache-control"), "no-store");
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_not_by_url() {
    let test = TestApp::demo().await;
    // One router, so the counts accumulate across these requests.
    let router = vitrine::web::router(test.app.clone());
    for path in [
        "/link-worker-retention/",
        "/link-worker-retention/about",
        "/nope/entries/x",
    ] {
        let _ = common::get_on(&router, path).await;
    }
    let request = Request::get("/metrics")
        .header("host", "gallery.test")
        .extension(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50_000))))
        .body(Body::empty())
        .expect("request");
    let metrics = common::send_on(&router, request).await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .starts_with("application/openmetrics-text")
    );
    let text = metrics.text();
    assert!(
        text.contains("vitrine_http_requests_total{route=\"/{study}/\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("vitrine_http_requests_total{route=\"/{study}/about\",status=\"200\"} 1"),
        "{text}"
    );
    assert!(text.contains("status=\"404\"} 1"), "{text}");
    assert!(
        text.contains("vitrine_http_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(
        !text.contains("link-worker-retention"),
        "no study names in metrics: {text}"
    );
}

#[tokio::test]
async fn metrics_are_not_served_to_the_public() {
    let test = TestApp::empty().await;
    let router = vitrine::web::router(test.app.clone());
    assert_eq!(
        metrics_status(&router, Some("127.0.0.1:40000"), &[]).await,
        200
    );
    assert_eq!(metrics_status(&router, Some("[::1]:40000"), &[]).await, 200);
    assert_eq!(
        metrics_status(&router, Some("203.0.113.9:40000"), &[]).await,
        404,
        "a visitor from the internet sees no metrics"
    );
    assert_eq!(
        metrics_status(
            &router,
            Some("127.0.0.1:40000"),
            &[("x-forwarded-for", "203.0.113.9")]
        )
        .await,
        404,
        "nor through a reverse proxy on this machine"
    );
    assert_eq!(
        metrics_status(&router, None, &[]).await,
        404,
        "an unknown peer is refused"
    );

    let mut app = test.app.clone();
    app.settings.server.metrics_allow = vec!["203.0.113.0/24".parse().expect("network")];
    let router = vitrine::web::router(app);
    assert_eq!(
        metrics_status(&router, Some("203.0.113.9:40000"), &[]).await,
        200,
        "a Prometheus server named in server.metrics_allow may scrape"
    );
    assert_eq!(
        metrics_status(&router, Some("127.0.0.1:40000"), &[]).await,
        404
    );
}
