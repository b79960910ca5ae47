//! A real TLS handshake on loopback: `openssl s_server` presents a
//! certkit-issued certificate, `openssl s_client` trusts only the certkit CA.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_server(d: &Dir, cert: &str, key: &str) -> (Server, u16) {
    for _ in 0..5 {
        let port = free_port();
        let child = Command::new("openssl")
            .args([
                "s_server",
                "-accept",
                &format!("127.0.0.1:{port}"),
                "-cert",
                cert,
                "-key",
                key,
                "-naccept",
                "10",
                "-quiet",
            ])
            .current_dir(&d.0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server(child);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return (server, port);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("openssl s_server did not start");
}

/// Connects with s_client, trusting only ca.pem; returns whether the
/// handshake verified, and its output.
fn handshake(d: &Dir, port: u16, check: &[&str]) -> (bool, String) {
    let mut args = vec![
        "s_client",
        "-connect",
        &*Box::leak(format!("127.0.0.1:{port}").into_boxed_str()),
        "-CAfile",
        "ca.pem",
        "-verify_return_error",
        "-brief",
    ];
    args.extend_from_slice(check);
    let out = run_in(d, "openssl", &args, b"Q\n");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success() && text.contains("Verification: OK"), text)
}

#[test]
fn tls_handshake_by_dns_name_and_ip() {
    let d = Dir::new("tls");
    make_ca(&d, "rsa", 2048);
    let json =
        r#"{"CN":"localhost","hosts":["localhost","svc.example.com","127.0.0.1"],"key":{"algo":"ecdsa","size":256}}"#;
    let out = ok(&d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"], json.as_bytes());
    split(&d, &out, "server");
    let (_server, port) = start_server(&d, "server.pem", "server-key.pem");

    let (verified, text) = handshake(&d, port, &["-verify_hostname", "svc.example.com"]);
    assert!(verified, "by DNS name:\n{text}");
    let (verified, text) = handshake(&d, port, &["-verify_ip", "127.0.0.1"]);
    assert!(verified, "by IP SAN:\n{text}");
    let (verified, text) = handshake(&d, port, &["-verify_hostname", "other.example.com"]);
    assert!(!verified, "a name the certificate does not hold must be refused:\n{text}");
    assert!(text.contains("hostname mismatch"), "{text}");
}

#[test]
fn tls_handshake_with_ed25519_and_rsa_leaves() {
    let d = Dir::new("tls2");
    make_ca(&d, "ecdsa", 384);
    for (name, algo, size) in [("ed", "ed25519", 0), ("rsa", "rsa", 3072)] {
        let json =
            format!(r#"{{"CN":"{name}","hosts":["{name}.example.com"],"key":{{"algo":"{algo}","size":{size}}}}}"#);
        let out = ok(&d, &["gencert", "-ca", "ca.pem", "-ca-key", "ca-key.pem", "-"], json.as_bytes());
        split(&d, &out, name);
        let (_server, port) = start_server(&d, &format!("{name}.pem"), &format!("{name}-key.pem"));
        let (verified, text) = handshake(&d, port, &["-verify_hostname", &format!("{name}.example.com")]);
        assert!(verified, "{name}:\n{text}");
    }
}
