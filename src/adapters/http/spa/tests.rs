//! Tests of the portal endpoint over an in-memory set of files.

use std::collections::HashMap;

use poem::http::StatusCode;
use poem::test::TestClient;

use super::*;

struct MapSource(HashMap<&'static str, (&'static str, &'static str)>);

impl AssetSource for MapSource {
    fn get(&self, path: &str) -> Option<Asset> {
        self.0.get(path).map(|(mime, text)| Asset {
            data: Cow::Borrowed(text.as_bytes()),
            mime: mime.to_string(),
            sha256: [path.len() as u8; 32],
        })
    }
}

fn built() -> TestClient<Spa<MapSource>> {
    TestClient::new(Spa {
        source: MapSource(HashMap::from([
            ("index.html", ("text/html", "<div id=root>portal</div>")),
            ("assets/app-1a2b.js", ("text/javascript", "console.log(1)")),
        ])),
    })
}

#[test]
fn files_are_told_apart_from_client_routes() {
    assert!(looks_like_file("assets/index-abc.js"));
    assert!(looks_like_file("favicon.svg"));
    assert!(!looks_like_file("machines/42"));
    assert!(!looks_like_file(""));
}

#[tokio::test]
async fn assets_are_served_with_their_type_and_cached_forever() {
    let resp = built().get("/assets/app-1a2b.js").send().await;
    resp.assert_status_is_ok();
    resp.assert_header("content-type", "text/javascript; charset=utf-8");
    resp.assert_header("cache-control", "public, max-age=31536000, immutable");
    resp.assert_text("console.log(1)").await;
}

#[tokio::test]
async fn client_routes_get_index_html_which_is_never_cached_stale() {
    let resp = built().get("/machines/42").send().await;
    resp.assert_status_is_ok();
    resp.assert_header("content-type", "text/html; charset=utf-8");
    resp.assert_header("cache-control", "no-cache");
    resp.assert_text("<div id=root>portal</div>").await;
}

#[tokio::test]
async fn a_matching_etag_gets_304() {
    let client = built();
    let first = client.get("/").send().await;
    let etag = first.0.headers().get("etag").unwrap().to_str().unwrap().to_string();
    let again = client.get("/").header("if-none-match", etag).send().await;
    again.assert_status(StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn missing_files_are_404_not_the_portal_page() {
    built()
        .get("/assets/gone.js")
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn writes_are_refused() {
    built()
        .post("/")
        .send()
        .await
        .assert_status(StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn an_unbuilt_portal_explains_how_to_build_it() {
    let client = TestClient::new(Spa {
        source: MapSource(HashMap::new()),
    });
    let resp = client.get("/").send().await;
    resp.assert_status(StatusCode::SERVICE_UNAVAILABLE);
    let text = resp.0.into_body().into_string().await.unwrap();
    assert!(
        text.contains("make build") && text.contains("npm --prefix frontend"),
        "{text}"
    );
}
