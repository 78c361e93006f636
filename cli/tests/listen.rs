//! `open1688 listen` against the mock gateway's message channel: the binary prints what is
//! pushed and the gateway receives its confirms.

use open1688_mock::MockGateway;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const APP_KEY: &str = "LISTEN_KEY";
const SECRET: &str = "listen-secret-Qw3-never-printed";
const WAIT: Duration = Duration::from_secs(30);

fn start() -> (tokio::runtime::Runtime, MockGateway) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let gw = rt
        .block_on(MockGateway::builder().app(APP_KEY, SECRET).start())
        .unwrap();
    (rt, gw)
}

fn listen(gw: &MockGateway, secret: &str, args: &[&str]) -> Child {
    let home = std::env::temp_dir().join(format!("open1688-listen-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_open1688"));
    for var in [
        "OPEN1688_CONFIG",
        "OPEN1688_ACCESS_TOKEN",
        "OPEN1688_CHANNEL_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", &home)
        .env("XDG_CONFIG_HOME", &home)
        .env("OPEN1688_APP_KEY", APP_KEY)
        .env("OPEN1688_APP_SECRET", secret)
        .arg("listen")
        .args(["--url", &gw.channel_url()])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn order(id: i64) -> String {
    format!(
        r#"{{"msgId":{id},"type":"ORDER_BUYER_VIEW_ORDER_PAY","userInfo":"b2b-22","data":{{"orderId":"300000000000000{id}","currentStatus":"waitsellersend"}}}}"#
    )
}

#[test]
fn prints_each_message_as_it_arrives_and_confirms_it() {
    let (rt, gw) = start();
    let ch = gw.channel();
    ch.push(&order(1)); // waiting before the listener connects
    let mut child = listen(&gw, SECRET, &["--count", "2"]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(
        line,
        "1 ORDER_BUYER_VIEW_ORDER_PAY user=b2b-22 orderId=3000000000000001 currentStatus=waitsellersend\n"
    );
    assert!(
        rt.block_on(ch.wait_until(WAIT, |c| c.unconfirmed() == 0)),
        "1 confirmed"
    );
    ch.push(&order(2)); // while it listens
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert!(line.starts_with("2 ORDER_BUYER_VIEW_ORDER_PAY "), "{line}");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 messages") && !stderr.contains(SECRET),
        "{stderr}"
    );
    assert!(rt.block_on(ch.wait_until(WAIT, |c| c.live() == 0)));
    let confirmed: Vec<_> = ch.confirms().iter().map(|c| c.msg_id).collect();
    assert_eq!(confirmed, [Some(1), Some(2)]);
}

#[test]
fn raw_prints_json_lines() {
    let (_rt, gw) = start();
    gw.channel().push(&order(5));
    let output = listen(&gw, SECRET, &["--raw", "--count", "1"])
        .wait_with_output()
        .unwrap();
    assert!(output.status.success());
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["msgId"], 5);
    assert_eq!(line["data"]["orderId"], "3000000000000005");
}

#[test]
fn a_refused_connect_exits_5_with_the_reason() {
    let (_rt, gw) = start();
    let output = listen(&gw, "not-the-secret", &[])
        .wait_with_output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("sign does not match"), "{stderr}");
    assert!(!stderr.contains("not-the-secret"), "{stderr}");
}
