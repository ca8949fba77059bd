//! Connection failures: each fails fast, says which server and database,
//! and never shows the password.

use std::time::{Duration, Instant};

use petal_pg::{ConnConfig, PgError, connect};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const SECRET: &str = "hunter2-секрет";

/// A loopback server that accepts connections and never says a word.
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (port, task)
}

fn config(port: u16, extra: &str) -> ConnConfig {
    let url = format!(
        "postgresql://app:{}@127.0.0.1:{port}/shop?connect_timeout=0.5{extra}",
        SECRET.replace('-', "%2D")
    );
    ConnConfig::parse(&url).unwrap()
}

#[tokio::test]
async fn a_silent_server_times_out_with_a_clear_message() {
    let (port, server) = silent_server().await;
    for sslmode in ["disable", "require", "verify-full"] {
        let cfg = config(port, &format!("&sslmode={sslmode}"));
        let started = Instant::now();
        let err = connect(&cfg)
            .await
            .expect_err("a silent server cannot be connected to");
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(3),
            "{sslmode}: took {elapsed:?}"
        );
        assert!(
            matches!(err, PgError::ConnectTimeout { .. }),
            "{sslmode}: {err:?}"
        );
        let text = err.to_string();
        assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
        assert!(text.contains("\"shop\""), "{text}");
        assert!(text.contains("no answer within 0.5 s"), "{text}");
        assert!(
            !text.contains(SECRET) && !format!("{err:?}").contains(SECRET),
            "{text}"
        );
    }
    server.abort();
}

#[tokio::test]
async fn nobody_listening_is_refused_quickly() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let err = connect(&config(port, "&sslmode=disable"))
        .await
        .err()
        .unwrap();
    let text = err.to_string();
    assert!(matches!(err, PgError::Connect { .. }), "{err:?}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

/// A loopback server speaking just enough of the protocol to ask for a
/// cleartext password and reject it, as a server with a wrong password does.
async fn password_rejecting_server() -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let len = socket.read_i32().await.unwrap();
        let mut startup = vec![0; (len - 4) as usize];
        socket.read_exact(&mut startup).await.unwrap();
        // AuthenticationCleartextPassword
        socket
            .write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3])
            .await
            .unwrap();
        let tag = socket.read_u8().await.unwrap();
        assert_eq!(tag, b'p');
        let len = socket.read_i32().await.unwrap();
        let mut password = vec![0; (len - 4) as usize];
        socket.read_exact(&mut password).await.unwrap();
        let mut fields = Vec::new();
        for (code, value) in [
            (b'S', "FATAL"),
            (b'V', "FATAL"),
            (b'C', "28P01"),
            (b'M', "password authentication failed for user \"app\""),
        ] {
            fields.push(code);
            fields.extend_from_slice(value.as_bytes());
            fields.push(0);
        }
        fields.push(0);
        let mut message = vec![b'E'];
        message.extend_from_slice(&(fields.len() as i32 + 4).to_be_bytes());
        message.extend_from_slice(&fields);
        socket.write_all(&message).await.unwrap();
        password
    });
    (port, task)
}

#[tokio::test]
async fn a_wrong_password_is_not_in_the_message() {
    let (port, server) = password_rejecting_server().await;
    let err = connect(&config(port, "&sslmode=disable"))
        .await
        .err()
        .unwrap();
    let sent = server.await.unwrap();
    assert!(
        String::from_utf8_lossy(&sent).contains(SECRET),
        "the fake server did receive the password"
    );
    let text = err.to_string();
    assert!(text.contains("password authentication failed"), "{text}");
    assert!(text.contains("28P01"), "{text}");
    assert!(text.contains(&format!("127.0.0.1:{port}")), "{text}");
    for shown in [text, format!("{err:?}")] {
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

#[tokio::test]
async fn a_missing_database_is_named() {
    let server = petal_testkit::server().unwrap();
    let mut cfg = server.admin.with_dbname("petal_no_such_database");
    let embedded = server.cluster.is_some();
    if embedded {
        // The embedded cluster trusts its socket and ignores passwords: one
        // set here must still never show.
        cfg.password = Some(SECRET.to_string());
    }
    let err = connect(&cfg)
        .await
        .expect_err("the database does not exist");
    let text = err.to_string();
    assert!(text.contains("petal_no_such_database"), "{text}");
    assert!(text.contains("does not exist"), "{text}");
    assert!(
        !text.contains(SECRET) && !format!("{err:?}").contains(SECRET),
        "{text}"
    );
}
