//! Operations endpoints a load balancer and Prometheus use (issue 4).

mod common;

use common::TestApp;

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
    let metrics = common::get_on(&router, "/metrics").await;
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
