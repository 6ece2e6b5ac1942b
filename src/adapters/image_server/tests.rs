//! The image server over real HTTP on loopback.

use super::*;

async fn server() -> ImageServer {
    ImageServer::start("127.0.0.1:0".parse().unwrap())
        .await
        .expect("start on loopback")
}

/// A client that never goes through a proxy: these requests stay on loopback.
fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("client")
}

async fn get(url: url::Url) -> (StatusCode, Vec<u8>) {
    let response = client().get(url).send().await.expect("request");
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    (status, response.bytes().await.expect("body").to_vec())
}

/// The digest a checksum file lists for `file`, in the upstream line format of `style`.
fn listed(sums: &str, file: &str, style: ChecksumStyle) -> Option<String> {
    let separator = match style {
        ChecksumStyle::Sha256Ubuntu => " *",
        ChecksumStyle::Sha512Debian => "  ",
    };
    sums.lines().find_map(|line| {
        let (hex, name) = line.split_once(separator)?;
        (name == file).then(|| hex.to_owned())
    })
}

#[tokio::test]
async fn every_os_has_its_image_and_a_checksum_file_in_its_upstream_format() {
    let server = server().await;
    for os in OsCatalog::builtin().images() {
        let (status, image) = get(server.image_url(os)).await;
        assert_eq!(status, StatusCode::OK, "{}", os.key());
        assert!(
            (4096..8192).contains(&image.len()),
            "{}: {} bytes",
            os.key(),
            image.len()
        );
        assert_eq!(image, stand_in_image(os.key()));
        let style = ChecksumStyle::of(os.key());
        let (status, sums) = get(server.checksum_url(os)).await;
        assert_eq!(status, StatusCode::OK);
        let sums = String::from_utf8(sums).unwrap();
        assert_eq!(sums.lines().count(), 2, "{sums}");
        let hex = listed(&sums, upstream_file(os), style).unwrap_or_else(|| panic!("{sums}"));
        assert_eq!(hex, style.digest(&image));
        assert_eq!(hex.len(), if style == ChecksumStyle::Sha512Debian { 128 } else { 64 });
    }
    let ubuntu = OsCatalog::builtin().find("ubuntu-24.04").unwrap().clone();
    assert_eq!(
        server.image_url(&ubuntu).path(),
        "/ubuntu-24.04/ubuntu-24.04-server-cloudimg-amd64.img"
    );
    assert_eq!(server.checksum_url(&ubuntu).path(), "/ubuntu-24.04/SHA256SUMS");
    let debian = OsCatalog::builtin().find("debian-11").unwrap().clone();
    assert_eq!(server.checksum_url(&debian).path(), "/debian-11/SHA512SUMS");
    assert_eq!(server.base_url().as_str(), format!("http://{}/", server.addr()));
    server.stop().await;
}

#[test]
fn stand_in_images_are_the_same_every_run_and_differ_between_systems() {
    assert_eq!(stand_in_image("debian-12"), stand_in_image("debian-12"));
    assert_ne!(stand_in_image("debian-12"), stand_in_image("debian-11"));
}

#[tokio::test]
async fn a_corrupted_image_no_longer_matches_its_checksum_until_healed() {
    let server = server().await;
    let catalog = OsCatalog::builtin();
    let broken = catalog.find("debian-12").unwrap();
    let intact = catalog.find("ubuntu-22.04").unwrap();
    server.corrupt("debian-12").unwrap();
    let digest = |os: &OsImage, bytes: &[u8]| ChecksumStyle::of(os.key()).digest(bytes);
    let (_, image) = get(server.image_url(broken)).await;
    assert_eq!(image.len(), stand_in_image("debian-12").len());
    assert_ne!(digest(broken, &image), digest(broken, &stand_in_image("debian-12")));
    let (_, image) = get(server.image_url(intact)).await;
    assert_eq!(image, stand_in_image("ubuntu-22.04"));
    let err = server.corrupt("arch").unwrap_err().to_string();
    assert!(err.contains("must be one of ubuntu-24.04"), "{err}");
    server.heal();
    let (_, image) = get(server.image_url(broken)).await;
    assert_eq!(image, stand_in_image("debian-12"));
    server.stop().await;
}

#[tokio::test]
async fn a_failed_path_answers_its_fault_and_unknown_paths_are_not_found() {
    let server = server().await;
    let os = OsCatalog::builtin().find("ubuntu-24.04").unwrap().clone();
    server.fail_path("/ubuntu-24.04/SHA256SUMS", PathFault::NotFound);
    server.fail_path(server.image_url(&os).path(), PathFault::ServerError);
    assert_eq!(get(server.checksum_url(&os)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(server.image_url(&os)).await.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        get(server.base_url().join("ubuntu-24.04/other.img").unwrap()).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.hits("/ubuntu-24.04/SHA256SUMS"), 1);
    assert_eq!(server.hits("/debian-12/SHA512SUMS"), 0);
    server.heal();
    assert_eq!(get(server.checksum_url(&os)).await.0, StatusCode::OK);
    assert_eq!(server.hits("/ubuntu-24.04/SHA256SUMS"), 2);
    server.stop().await;
}

#[tokio::test]
async fn head_gives_the_length_without_the_body_and_other_methods_are_refused() {
    let server = server().await;
    let os = OsCatalog::builtin().find("debian-11").unwrap().clone();
    let client = client();
    let head = client.head(server.image_url(&os)).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 200);
    let len = head
        .headers()
        .get("content-length")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(len, stand_in_image("debian-11").len().to_string());
    let post = client.post(server.image_url(&os)).send().await.unwrap();
    assert_eq!(post.status().as_u16(), 405);
    server.stop().await;
}

#[tokio::test]
async fn only_loopback_addresses_are_accepted() {
    for addr in ["0.0.0.0:0", "192.0.2.10:0", "[::]:0"] {
        let Err(err) = ImageServer::start(addr.parse().unwrap()).await else {
            panic!("{addr} was accepted");
        };
        assert!(err.to_string().contains("only on loopback"), "{err}");
    }
}

#[tokio::test]
async fn a_stopped_server_no_longer_answers() {
    let server = server().await;
    let url = server.base_url();
    server.stop().await;
    assert!(client().get(url).send().await.is_err());
}
