//! Runs the `open1688` binary against an in-process mock gateway on a loopback port.
//!
//! Every run goes through [`Mock::run`], which also asserts that the app secret never appears in
//! stdout or stderr.

use open1688_mock::{MockGateway, Reply};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const APP_KEY: &str = "CLI_TEST_KEY";
const SECRET: &str = "cli-secret-Zq9-never-printed";
const TOKEN: &str = "cli-token-Xy7-never-printed";
const PRODUCT_GET: &str = "com.alibaba.product:alibaba.product.get-1";
const PHOTO_ADD: &str = "com.alibaba.product:alibaba.photobank.photo.add-1";

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Out {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
}

struct Mock {
    gw: MockGateway,
    rt: tokio::runtime::Runtime,
    home: PathBuf,
}

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_open1688"));
    for var in [
        "OPEN1688_APP_KEY",
        "OPEN1688_APP_SECRET",
        "OPEN1688_ACCESS_TOKEN",
        "OPEN1688_REFRESH_TOKEN",
        "OPEN1688_BASE_URL",
        "OPEN1688_AUTH_URL",
        "OPEN1688_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

impl Mock {
    fn start() -> Mock {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let gw = rt
            .block_on(
                MockGateway::builder()
                    .app(APP_KEY, SECRET)
                    .catalogue(open1688_catalogue::APIS)
                    .postpone_window(Duration::from_secs(365 * 86_400))
                    .start(),
            )
            .unwrap();
        gw.register_token(APP_KEY, TOKEN, Duration::from_secs(3600));
        let home = std::env::temp_dir().join(format!(
            "open1688-cli-test-{}-{}",
            std::process::id(),
            gw.addr().port()
        ));
        std::fs::create_dir_all(&home).unwrap();
        Mock { gw, rt, home }
    }

    /// Runs the binary with the mock's URL and credentials in the environment.
    fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, &[], None)
    }

    fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Out {
        let mut cmd = bin();
        cmd.env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", &self.home)
            .env("OPEN1688_BASE_URL", self.gw.url())
            .env("OPEN1688_AUTH_URL", self.gw.url())
            .env("OPEN1688_APP_KEY", APP_KEY)
            .env("OPEN1688_APP_SECRET", SECRET)
            .env("OPEN1688_ACCESS_TOKEN", TOKEN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).unwrap();
        }
        drop(pipe);
        let output = child.wait_with_output().unwrap();
        let out = Out {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !out.all().contains(SECRET),
            "the app secret leaked in `{}`:\n{}",
            args.join(" "),
            out.all()
        );
        out
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.home.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

fn example(api: &str) -> &'static str {
    open1688_catalogue::APIS
        .iter()
        .find(|d| d.api.to_string() == api)
        .and_then(|d| d.example_response)
        .unwrap()
}

#[test]
fn typed_call_prints_pretty_json_and_is_signed_right() {
    let m = Mock::start();
    let out = m.run(&[
        "call",
        "alibaba.product.get",
        "productID=694567890123",
        "webSite=1688",
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.starts_with("{\n  \""), "{}", out.stdout);
    let printed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_str(example(PRODUCT_GET)).unwrap();
    assert_eq!(printed, expected);
    let hit = m.gw.journal().last(PRODUCT_GET).unwrap();
    assert_eq!(format!("{:?}", hit.signature), "Valid");
    assert_eq!(hit.param("productID"), Some("694567890123"));
    assert_eq!(hit.param("access_token"), Some(TOKEN));
}

#[test]
fn raw_prints_the_body_as_received() {
    let m = Mock::start();
    let out = m.run(&["call", PRODUCT_GET, "productID=1", "webSite=1688", "--raw"]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.stdout, example(PRODUCT_GET));
}

#[test]
fn unknown_api_goes_raw_and_gateway_errors_exit_3() {
    let m = Mock::start();
    let out = m.run(&["call", "com.example:thing.do-1", "a=1"]);
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(out.stderr.contains("gw.APIUnsupported"), "{}", out.stderr);
    let hit = m.gw.journal().last("com.example:thing.do-1").unwrap();
    assert_eq!(hit.param("a"), Some("1"));
    assert!(hit.param("_aop_signature").is_some());
    // A typo of a known API is pointed at the right one.
    let out = m.run(&["call", "com.alibaba.product:alibaba.product.gte-1"]);
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("did you mean `com.alibaba.product:alibaba.product.get-1`"),
        "{}",
        out.stderr
    );
}

#[test]
fn params_are_checked_against_the_spec_before_sending() {
    let m = Mock::start();
    let out = m.run(&["call", "alibaba.product.get", "productId=1", "webSite=1688"]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains(
            "`productId` is not a parameter of com.alibaba.product:alibaba.product.get-1"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("did you mean `productID`?"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("valid parameters: productID (long, required), webSite (WebSite, required)"),
        "{}",
        out.stderr
    );

    let out = m.run(&["call", "alibaba.product.get", "webSite=1688"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("missing required parameter of com.alibaba.product:alibaba.product.get-1: productID (long)"), "{}", out.stderr);

    let out = m.run(&[
        "call",
        "alibaba.product.get",
        "productID=abc",
        "webSite=1688",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`productID` must be an integer (long), got `abc`"),
        "{}",
        out.stderr
    );

    let out = m.run(&["call", "alibaba.product.get", "productID"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`productID` is not a parameter: write key=value"),
        "{}",
        out.stderr
    );

    let out = m.run(&["call", "alibaba.prodcut.get"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean `alibaba.product.get`?"),
        "{}",
        out.stderr
    );

    let out = m.run(&["call", "alibaba.product.get", "--bogus"]);
    assert_eq!(out.code, 2, "clap usage errors exit 2 too");
    assert!(m.gw.journal().is_empty(), "nothing was sent");
}

#[test]
fn business_auth_transport_and_decode_errors_have_their_own_codes() {
    let m = Mock::start();
    m.gw.set_reply(
        PRODUCT_GET,
        Reply::business_error("PRODUCT_NOT_FOUND", "no such offer"),
    );
    let out = m.run(&["call", "alibaba.product.get", "productID=1", "webSite=1688"]);
    assert_eq!(out.code, 4, "{}", out.all());
    assert!(out.stderr.contains("PRODUCT_NOT_FOUND"), "{}", out.stderr);

    m.gw.set_reply(PRODUCT_GET, Reply::status(200, "<html>maintenance</html>"));
    let out = m.run(&["call", "alibaba.product.get", "productID=1", "webSite=1688"]);
    assert_eq!(out.code, 7, "{}", out.all());
    assert!(out.stderr.contains("not JSON"), "{}", out.stderr);
    m.gw.clear_reply(PRODUCT_GET);

    let out = m.run_with(
        &["call", "alibaba.product.get", "productID=1", "webSite=1688"],
        &[("OPEN1688_ACCESS_TOKEN", "revoked-or-unknown")],
        None,
    );
    assert_eq!(out.code, 5, "{}", out.all());
    assert!(out.stderr.contains("HTTP 401"), "{}", out.stderr);

    // A port nothing listens on (the mock's, once stopped); a raw call is not retried.
    let closed = m.rt.block_on(MockGateway::builder().start()).unwrap();
    let url = closed.url();
    m.rt.block_on(closed.stop());
    let out = m.run(&["--base-url", &url, "call", "com.example:thing.do-1"]);
    assert_eq!(out.code, 6, "{}", out.all());
    assert!(out.stderr.contains("transport error"), "{}", out.stderr);
}

#[test]
fn explain_shows_the_signature_that_is_sent() {
    let m = Mock::start();
    let out = m.run(&[
        "call",
        "alibaba.product.get",
        "productID=7",
        "webSite=1688",
        "--explain",
        "--timestamp",
        "1700000000000",
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stderr
            .contains("url path:  param2/1/com.alibaba.product/alibaba.product.get/CLI_TEST_KEY"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "  _aop_timestamp1700000000000\n  access_token***\n  productID7\n  webSite1688\n"
        ),
        "{}",
        out.stderr
    );
    assert!(!out.all().contains(TOKEN), "the token is masked");
    let hit = m.gw.journal().last(PRODUCT_GET).unwrap();
    let sent = hit.param("_aop_signature").unwrap();
    assert!(
        out.stderr.contains(&format!("signature: {sent}")),
        "{}",
        out.stderr
    );
    assert_eq!(hit.param("_aop_timestamp"), Some("1700000000000"));

    let out = m.run(&[
        "call",
        "alibaba.product.get",
        "productID=7",
        "webSite=1688",
        "--dry-run",
    ]);
    assert_eq!(out.code, 0);
    assert!(out.stderr.contains("signature: "));
    assert_eq!(
        m.gw.journal().count(PRODUCT_GET),
        1,
        "--dry-run sends nothing"
    );
}

#[test]
fn enum_values_are_checked_before_anything_is_signed() {
    let m = Mock::start();
    let out = m.run(&[
        "call",
        "alibaba.product.get",
        "productID=1",
        "webSite=xyz",
        "--dry-run",
    ]);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr
            .contains("`webSite` must be one of `1688`, `alibaba`"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("signature"), "{}", out.stderr);
    let out = m.run(&["apis", "alibaba.product.get"]);
    assert!(
        out.stdout.contains("one of 1688, alibaba."),
        "{}",
        out.stdout
    );
}

/// `--upload base64` sends a file as signed base64 text, as the client's `Base64Field` mode
/// does, and `--explain` shows that very field among the signed factors.
#[test]
fn base64_uploads_are_explained_and_sent_as_signed_fields() {
    let m = Mock::start();
    let image = m.file("dot.jpg", "abc");
    let out = m.run(&[
        "call",
        "alibaba.photobank.photo.add",
        &format!("imageBytes=@{image}"),
        "name=dot",
        "albumID=1",
        "webSite=1688",
        "--upload",
        "base64",
        "--explain",
        "--timestamp",
        "1700000000000",
    ]);
    assert!(out.stderr.contains("  imageBytesYWJj\n"), "{}", out.all());
    let hit = m.gw.journal().last(PHOTO_ADD).unwrap();
    assert_eq!(hit.param("imageBytes"), Some("YWJj"));
    assert!(hit.files.is_empty(), "no multipart part");
    let sent = hit.param("_aop_signature").unwrap();
    assert!(
        out.stderr.contains(&format!("signature: {sent}")),
        "{}",
        out.stderr
    );

    let out = m.run(&[
        "sign",
        "alibaba.photobank.photo.add",
        &format!("imageBytes=@{image}"),
        "name=dot",
        "albumID=1",
        "webSite=1688",
        "--upload",
        "base64",
        "--timestamp",
        "1700000000000",
        "--check",
        sent,
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(out.stdout.contains("matches"), "{}", out.stdout);
}

#[test]
fn file_params_take_at_path_and_go_as_multipart() {
    let m = Mock::start();
    let image = m.file("shirt.jpg", "\u{1}jpeg bytes");
    let at = format!("imageBytes=@{image}");
    let out = m.run(&[
        "call",
        "alibaba.photobank.photo.add",
        "albumID=1",
        "name=shirt",
        "webSite=1688",
        &at,
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    let hit =
        m.gw.journal()
            .last("com.alibaba.product:alibaba.photobank.photo.add-1")
            .unwrap();
    assert_eq!(hit.files.len(), 1, "{hit:?}");
    assert_eq!(hit.files[0].name, "imageBytes");
    assert_eq!(format!("{:?}", hit.signature), "Valid");

    let out = m.run(&[
        "call",
        "alibaba.photobank.photo.add",
        "albumID=1",
        "name=x",
        "webSite=1688",
        "imageBytes=shirt.jpg",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("`imageBytes` is a file: pass imageBytes=@path/to/file"),
        "{}",
        out.stderr
    );
    let out = m.run(&[
        "call",
        "alibaba.photobank.photo.add",
        "albumID=1",
        "name=x",
        "webSite=1688",
        "imageBytes=@/nonexistent/x.jpg",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("cannot read `imageBytes=@/nonexistent/x.jpg`"),
        "{}",
        out.stderr
    );
}

#[test]
fn sign_reproduces_vector_2_with_a_pinned_timestamp() {
    let out = bin()
        .args([
            "sign",
            "system:currentTime",
            "productId=694567890123",
            "--app-key",
            "TEST_APPKEY_0001",
            "--timestamp",
            "1700000000000",
        ])
        .env("OPEN1688_APP_SECRET", "UNIT-TEST-SECRET")
        .env("OPEN1688_ACCESS_TOKEN", "UNIT-TEST-TOKEN-abc123")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("url path:  param2/1/system/currentTime/TEST_APPKEY_0001"),
        "{stdout}"
    );
    assert!(stdout.contains("signed message (secrets masked): param2/1/system/currentTime/TEST_APPKEY_0001_aop_timestamp1700000000000access_token***productId694567890123"), "{stdout}");
    assert!(
        stdout.contains("signature: 75CD0EB77C5DCB393BD2C2E4DB4CE09849780EC9"),
        "{stdout}"
    );
    for secret in ["UNIT-TEST-SECRET", "UNIT-TEST-TOKEN-abc123"] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
}

fn sign_check(signature: &str, api: &str) -> (i32, String) {
    let out = bin()
        .args([
            "sign",
            "--check",
            signature,
            api,
            "sort=price",
            "sortType=ASC",
        ])
        .args(["--app-key", "1000000", "--no-timestamp"])
        .env("OPEN1688_APP_SECRET", "test123")
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("test123"), "{all}");
    (out.status.code().unwrap_or(-1), all)
}

#[test]
fn sign_check_names_the_mistake() {
    // Vector 4a is right; 4b is the key-sorted variant.
    let (code, out) = sign_check(
        "6FDFE167C22204C53F674B86FC85F8261178A49B",
        "system:currentTime",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("matches"), "{out}");

    let (code, out) = sign_check(
        "E1C27EEA351B7D26E25915BCD03B4D071D9DE70E",
        "system:currentTime",
    );
    assert_eq!(code, 8, "{out}");
    assert!(
        out.contains(
            "does NOT match; the right signature is 6FDFE167C22204C53F674B86FC85F8261178A49B"
        ),
        "{out}"
    );
    assert!(
        out.contains("sorted by key instead of by the joined key+value strings"),
        "{out}"
    );
    assert!(
        out.contains(
            "message signed that way: param2/1/system/currentTime/1000000sortpricesortTypeASC"
        ),
        "{out}"
    );

    // HMAC(test123, "/openapi/param2/1/system/currentTime/1000000sortTypeASCsortprice").
    let openapi = open1688_core::sign::sign(
        "test123",
        "/openapi/param2/1/system/currentTime/1000000",
        &[("sort", "price"), ("sortType", "ASC")],
    );
    let (code, out) = sign_check(&openapi, "system:currentTime");
    assert_eq!(code, 8, "{out}");
    assert!(
        out.contains("the URL path was signed as `/openapi/…`"),
        "{out}"
    );

    // Lowercase hex, and a pasted URL (query read as parameters).
    let (code, out) = sign_check(
        "6fdfe167c22204c53f674b86fc85f8261178a49b",
        "https://gw.open.1688.com/openapi/param2/1/system/currentTime/1000000",
    );
    assert_eq!(code, 8, "{out}");
    assert!(out.contains("lowercase hex"), "{out}");

    let (code, out) = sign_check(
        "0123456789ABCDEF0123456789ABCDEF01234567",
        "system:currentTime",
    );
    assert_eq!(code, 8);
    assert!(
        out.contains("none of the common mistakes reproduces it"),
        "{out}"
    );
}

#[test]
fn sign_check_needs_the_timestamp() {
    let out = bin()
        .args(["sign", "--check", "AB", "system:currentTime", "a=1"])
        .args(["--app-key", "1", "--app-secret", "s3cr3t-value"])
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--timestamp"));
}

#[test]
fn oauth_flow_against_the_mock_masks_tokens() {
    let m = Mock::start();
    let redirect = "http://127.0.0.1:9/callback";
    let out = m.run(&["auth", "url", "--redirect-uri", redirect, "--state", "st-1"]);
    assert_eq!(out.code, 0, "{}", out.all());
    let url = out.stdout.trim().to_owned();
    assert!(
        url.starts_with(&format!(
            "{}/oauth/authorize?client_id={APP_KEY}&site=1688&redirect_uri=",
            m.gw.url()
        )),
        "{url}"
    );

    // The mock's authorize page approves at once and redirects with the code.
    let location = m.rt.block_on(async {
        let http = open1688_core::tls::reqwest_builder()
            .unwrap()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = http.get(&url).send().await.unwrap();
        response.headers()["location"].to_str().unwrap().to_owned()
    });
    let code = location
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap()
        .to_owned();
    assert!(location.contains("state=st-1"), "{location}");

    let out = m.run(&["auth", "exchange", &code, "--redirect-uri", redirect]);
    assert_eq!(out.code, 0, "{}", out.all());
    let tokens: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(tokens["access_token"], "***");
    assert_eq!(tokens["refresh_token"], "***");
    assert_eq!(tokens["expires_in"], 3600 * 10);
    assert!(out.stderr.contains("tokens saved to"), "{}", out.stderr);
    // Single use.
    let out = m.run(&["auth", "exchange", &code, "--redirect-uri", redirect]);
    assert_eq!(out.code, 5, "{}", out.all());
    assert!(out.stderr.contains("invalid_grant"), "{}", out.stderr);

    let issued = m.gw.issue_tokens();
    let access = issued.access_token.expose().to_owned();
    let refresh = issued.refresh_token.unwrap().expose().to_owned();
    let out = m.run_with(
        &["auth", "refresh"],
        &[("OPEN1688_REFRESH_TOKEN", &refresh)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let tokens: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(tokens["access_token"], "***");
    assert!(!out.all().contains(&refresh) && !out.all().contains(&access));

    let out = m.run(&[
        "auth",
        "postpone",
        "--refresh-token",
        &refresh,
        "--access-token",
        &access,
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        !out.all().contains(&refresh) && !out.all().contains(&access),
        "{}",
        out.all()
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()["refresh_token"],
        "***"
    );

    let out = m.run(&[
        "auth",
        "refresh",
        "--refresh-token",
        "unknown-refresh-token",
    ]);
    assert_eq!(out.code, 5, "{}", out.all());
    assert!(
        !out.all().contains("unknown-refresh-token"),
        "{}",
        out.all()
    );

    // The steps above saved their tokens into the default config file; without it there is none.
    let saved = m.home.join("open1688").join("config.toml");
    assert!(std::fs::read_to_string(&saved)
        .unwrap()
        .contains("refresh_token"));
    std::fs::remove_file(saved).unwrap();
    let out = m.run_with(
        &["auth", "refresh"],
        &[("OPEN1688_REFRESH_TOKEN", "")],
        None,
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no refresh token: pass --refresh-token"),
        "{}",
        out.stderr
    );
}

#[test]
fn exchanged_and_postponed_tokens_are_saved_and_work_from_the_config_file() {
    let m = Mock::start();
    let config = m.file("my.toml", "# keep me\nbase_url = \"ignored-by-env\"\n");
    let code = m.gw.issue_code("http://127.0.0.1:9/cb");
    let no_token = [
        ("OPEN1688_ACCESS_TOKEN", ""),
        ("OPEN1688_CONFIG", config.as_str()),
    ];
    let out = m.run_with(
        &[
            "auth",
            "exchange",
            &code,
            "--redirect-uri",
            "http://127.0.0.1:9/cb",
        ],
        &no_token,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
    assert!(
        out.stderr.contains(&format!("tokens saved to {config}")),
        "{}",
        out.stderr
    );
    let saved = std::fs::read_to_string(&config).unwrap();
    assert!(saved.contains("# keep me"), "{saved}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the config file holds tokens");
    }
    let table: toml::Table = toml::from_str(&saved).unwrap();
    let access = table["access_token"].as_str().unwrap().to_owned();
    let refresh = table["refresh_token"].as_str().unwrap().to_owned();
    assert!(!out.all().contains(&access) && !out.all().contains(&refresh));

    // The saved access token works for a following call, read from the file alone.
    let call = ["call", "alibaba.product.get", "productID=1", "webSite=1688"];
    let out = m.run_with(&call, &no_token, None);
    assert_eq!(out.code, 0, "{}", out.all());

    // Postponing revokes the old refresh token: the new one must be in the file.
    let out = m.run_with(&["auth", "postpone"], &no_token, None);
    assert_eq!(out.code, 0, "{}", out.all());
    let table: toml::Table = toml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    let renewed = table["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(renewed, refresh);
    let out = m.run_with(&["auth", "refresh"], &no_token, None);
    assert_eq!(out.code, 0, "the saved refresh token works: {}", out.all());
    let out = m.run_with(&call, &no_token, None);
    assert_eq!(out.code, 0, "{}", out.all());

    // --no-save prints them in full and leaves the file alone.
    let before = std::fs::read_to_string(&config).unwrap();
    let code = m.gw.issue_code("http://127.0.0.1:9/cb");
    let out = m.run_with(
        &[
            "auth",
            "exchange",
            &code,
            "--redirect-uri",
            "http://127.0.0.1:9/cb",
            "--no-save",
        ],
        &no_token,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let printed: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_ne!(printed["access_token"], "***");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
}

#[test]
fn call_get_token_masks_the_tokens_unless_shown() {
    let m = Mock::start();
    let refresh =
        m.gw.issue_tokens()
            .refresh_token
            .unwrap()
            .expose()
            .to_owned();
    let refresh_arg = format!("refresh_token={refresh}");
    let secret_arg = format!("client_secret={SECRET}");
    let key_arg = format!("client_id={APP_KEY}");
    let args = [
        "call",
        "system.oauth2:getToken-1",
        "grant_type=refresh_token",
        key_arg.as_str(),
        secret_arg.as_str(),
        refresh_arg.as_str(),
    ];
    for raw in [false, true] {
        let mut args = args.to_vec();
        if raw {
            args.push("--raw");
        }
        let out = m.run(&args);
        assert_eq!(out.code, 0, "{}", out.all());
        assert!(
            out.stdout.contains("access_token") && out.stdout.contains("***"),
            "{}",
            out.stdout
        );
        assert!(out.stderr.contains("--show-secrets"), "{}", out.stderr);
        let body: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(body["access_token"], "***", "{}", out.stdout);
    }
    let mut shown = args.to_vec();
    shown.push("--show-secrets");
    let out = m.run(&shown);
    assert_eq!(out.code, 0, "{}", out.all());
    let body: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_ne!(body["access_token"], "***");
}

#[test]
fn show_secrets_prints_the_tokens() {
    let m = Mock::start();
    let code = m.gw.issue_code("http://127.0.0.1:9/cb");
    let out = m.run(&[
        "auth",
        "exchange",
        &code,
        "--redirect-uri",
        "http://127.0.0.1:9/cb",
        "--show-secrets",
    ]);
    assert_eq!(out.code, 0, "{}", out.all());
    let tokens: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_ne!(access, "***");
    // The printed token works.
    let out = m.run_with(
        &["call", "alibaba.product.get", "productID=1", "webSite=1688"],
        &[("OPEN1688_ACCESS_TOKEN", access)],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
}

#[test]
fn apis_lists_and_details() {
    let m = Mock::start();
    let out = m.run(&["apis"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("com.alibaba.product:alibaba.product.get-1  [token: required]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(
        "https://open.1688.com/api/apidocdetail.htm?id=com.alibaba.product:alibaba.product.get-1"
    ));
    assert_eq!(
        out.stdout.lines().filter(|l| !l.starts_with(' ')).count(),
        open1688_catalogue::APIS.len()
    );

    let out = m.run(&["apis", "alibaba.product.get"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("token: required  signed: yes"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("    productID  long     required"),
        "{}",
        out.stdout
    );

    let out = m.run(&["apis", "trade.cancel", "--params"]);
    assert!(out.stdout.contains("tradeID"), "{}", out.stdout);

    let out = m.run(&["apis", "no-such-api-anywhere"]);
    assert_eq!(out.code, 2);
}

#[test]
fn verify_message_accepts_good_and_rejects_tampered() {
    let m = Mock::start();
    let env = [("OPEN1688_APP_SECRET", "test123")];
    let good =
        "message=%7B%22msgId%22%3A1%7D&_aop_signature=7D08922D49D4C72384EDD35DAC3DAD398109936B";
    let out = m.run_with(&["verify-message"], &env, Some(good));
    assert_eq!(out.code, 0, "{}", out.all());
    assert_eq!(out.stdout, "{\n  \"msgId\": 1\n}\n");
    assert!(out.stderr.contains("signature valid: msgId 1"));

    let lines = "message={\"msgId\":1}\n_aop_signature=7d08922d49d4c72384edd35dac3dad398109936b\n";
    let path = m.file("push.txt", lines);
    let out = m.run_with(&["verify-message", "--file", &path], &env, None);
    assert_eq!(out.code, 0, "{}", out.all());

    let tampered = good.replace("%3A1", "%3A2");
    let out = m.run_with(&["verify-message"], &env, Some(&tampered));
    assert_eq!(out.code, 8, "{}", out.all());
    assert!(out.stderr.contains("signature mismatch"), "{}", out.stderr);

    let out = m.run_with(
        &["verify-message"],
        &env,
        Some("message=%7B%22msgId%22%3A1%7D"),
    );
    assert_eq!(out.code, 8);
    assert!(out.stderr.contains("unsigned"), "{}", out.stderr);

    // Signed with the test app's secret: valid for it, not for another app.
    let out = m.run_with(&["verify-message"], &[], Some(good));
    assert_eq!(out.code, 8);

    // The genuine bytes re-split into other fields sign the same: refused unless opted in.
    let resplit =
        "messa=ge%7B%22msgId%22%3A1%7D&_aop_signature=7D08922D49D4C72384EDD35DAC3DAD398109936B";
    let out = m.run_with(&["verify-message"], &env, Some(resplit));
    assert_eq!(out.code, 8, "{}", out.all());
    assert!(out.stderr.contains("exactly `message`"), "{}", out.stderr);

    // Vector 3's separate-field layout verifies only with --any-layout; --max-age checks gmtBorn.
    let separate = "msgId=1001&gmtBorn=1700000000000&type=ORDER_CHANGED&userInfo=m1&data=%7B%22k%22%3A%22v%22%7D&_aop_signature=4b20205134ea09c4c8d29ccac26f6c179eb72c8e";
    let vector3 = [("OPEN1688_APP_SECRET", "secretXYZ")];
    assert_eq!(
        m.run_with(&["verify-message"], &vector3, Some(separate))
            .code,
        8
    );
    let out = m.run_with(
        &["verify-message", "--any-layout"],
        &vector3,
        Some(separate),
    );
    assert_eq!(out.code, 0, "{}", out.all());
    let out = m.run_with(
        &["verify-message", "--any-layout", "--max-age", "300"],
        &vector3,
        Some(separate),
    );
    assert_eq!(out.code, 8, "born in 2023: too old");
    assert!(out.stderr.contains("gmtBorn"), "{}", out.stderr);
}

#[test]
fn config_file_fills_in_and_flags_win() {
    let m = Mock::start();
    let toml = m.file(
        "config.toml",
        &format!("app_key = \"WRONG_KEY\"\napp_secret = \"{SECRET}\"\naccess_token = \"{TOKEN}\"\nbase_url = \"{}\"\n", m.gw.url()),
    );
    let only_file = [
        ("OPEN1688_APP_KEY", ""),
        ("OPEN1688_APP_SECRET", ""),
        ("OPEN1688_ACCESS_TOKEN", ""),
        ("OPEN1688_BASE_URL", ""),
    ];
    let call = ["call", "alibaba.product.get", "productID=1", "webSite=1688"];
    // The file's app key is wrong: gw.AppKeyNotFound.
    let out = m.run_with(
        &[&["--config", &toml][..], &call[..]].concat(),
        &only_file,
        None,
    );
    assert_eq!(out.code, 3, "{}", out.all());
    assert!(out.stderr.contains("gw.AppKeyNotFound"), "{}", out.stderr);
    // A flag overrides it.
    let out = m.run_with(
        &[&["--config", &toml, "--app-key", APP_KEY][..], &call[..]].concat(),
        &only_file,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());
    // So does the environment; and the default path is read.
    let dir = m.home.join("open1688");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&toml, dir.join("config.toml")).unwrap();
    let mut env = only_file.to_vec();
    env[0] = ("OPEN1688_APP_KEY", APP_KEY);
    let out = m.run_with(&call, &env, None);
    assert_eq!(out.code, 0, "{}", out.all());
    std::fs::remove_file(dir.join("config.toml")).unwrap();

    let json = m.file(
        "config.json",
        &format!(r#"{{"appKey":"{APP_KEY}","appSecret":"{SECRET}","accessToken":"{TOKEN}","baseUrl":"{}"}}"#, m.gw.url()),
    );
    let out = m.run_with(
        &[&["--config", &json][..], &call[..]].concat(),
        &only_file,
        None,
    );
    assert_eq!(out.code, 0, "{}", out.all());

    // A typo is an error naming the key, and never shows the file's secret.
    let bad = m.file(
        "bad.toml",
        &format!("app_secret = \"{SECRET}\"\napp_kye = \"x\"\n"),
    );
    let out = m.run_with(&["--config", &bad, "apis"], &only_file, None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("app_kye"), "{}", out.stderr);
    let broken = m.file("broken.toml", &format!("app_secret = \"{SECRET}\n"));
    let out = m.run_with(&["--config", &broken, "apis"], &only_file, None);
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
}

#[test]
fn missing_credentials_say_where_to_put_them() {
    let m = Mock::start();
    let out = m.run_with(
        &["call", "alibaba.product.get", "productID=1", "webSite=1688"],
        &[("OPEN1688_APP_KEY", "")],
        None,
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("no app key: pass --app-key, set OPEN1688_APP_KEY"),
        "{}",
        out.stderr
    );
    let out = m.run_with(
        &["call", "alibaba.product.get", "productID=1", "webSite=1688"],
        &[("OPEN1688_ACCESS_TOKEN", "")],
        None,
    );
    assert_eq!(out.code, 2, "{}", out.all());
    assert!(
        out.stderr.contains("needs a user access token"),
        "{}",
        out.stderr
    );
}

#[test]
fn help_documents_the_exit_codes() {
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for line in [
        "2  usage error",
        "3  gateway error",
        "4  business error",
        "5  auth error",
        "6  transport error",
        "7  decode error",
        "8  signature mismatch",
    ] {
        assert!(help.contains(line), "{help}");
    }
    let out = bin().args(["call", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("3  gateway error"));
}

#[test]
fn mock_command_serves_the_catalogue() {
    let mut child = bin()
        .args(["mock", "--port", "0", "--quiet"])
        .env("HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let mut env: Vec<(String, String)> = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some((k, v)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            env.push((k.to_owned(), v.to_owned()));
        }
        if line.starts_with("press Ctrl-C") {
            break;
        }
    }
    let keys: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        keys.contains(&"OPEN1688_BASE_URL") && keys.contains(&"OPEN1688_ACCESS_TOKEN"),
        "{env:?}"
    );
    let out = bin()
        .args(["call", "alibaba.product.get", "productID=1", "webSite=1688"])
        .envs(env.iter().map(|(k, v)| (k, v)))
        .env("HOME", "/nonexistent")
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"productInfo\""));
}
