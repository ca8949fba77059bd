//! The signal that stops a run: the binary listens for SIGINT and SIGTERM
//! and fires it; the runner cancels the running statement on the server,
//! waits for its rollback and stops before the next one.

use tokio::sync::watch;

/// Which signal stopped the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }

    /// The shell's exit code for a process the signal stopped: 128 + its
    /// number.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }
}

/// The receiving end, cloned wherever a wait must end when the signal
/// comes.
#[derive(Debug, Clone)]
pub struct Interrupt {
    rx: watch::Receiver<Option<Signal>>,
}

/// The sending end, held by whoever listens for signals.
#[derive(Debug)]
pub struct InterruptSender {
    tx: watch::Sender<Option<Signal>>,
}

impl InterruptSender {
    /// Fires the interrupt; the first signal is the one reported.
    pub fn fire(&self, signal: Signal) {
        self.tx.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(signal);
                true
            } else {
                false
            }
        });
    }
}

impl Interrupt {
    pub fn channel() -> (InterruptSender, Interrupt) {
        let (tx, rx) = watch::channel(None);
        (InterruptSender { tx }, Interrupt { rx })
    }

    /// An interrupt that never fires (scratch replays, tests).
    pub fn never() -> Interrupt {
        Interrupt::channel().1
    }

    /// The signal, if one came.
    pub fn fired(&self) -> Option<Signal> {
        *self.rx.borrow()
    }

    /// Waits for the signal; never returns when none can come.
    pub async fn wait(&self) -> Signal {
        let mut rx = self.rx.clone();
        loop {
            if let Some(signal) = *rx.borrow_and_update() {
                return signal;
            }
            if rx.changed().await.is_err() {
                // The sender is gone: nothing will fire any more.
                std::future::pending::<()>().await;
            }
        }
    }
}

/// SIGINT and SIGTERM, from now until the process ends, fire the returned
/// interrupt instead of ending the process: the runner cancels the running
/// statement on the server and waits for its rollback first (a process
/// killed mid-statement leaves its backend running, holding its locks,
/// until the server notices). A second signal while it does is ignored;
/// the cancel is on its way. Call it inside a tokio runtime; a process that
/// serves afterwards must listen for both signals itself to stop.
pub fn listen_for_signals() -> Interrupt {
    let (sender, interrupt) = Interrupt::channel();
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        loop {
            tokio::select! {
                _ = int.recv() => sender.fire(Signal::Interrupt),
                _ = term.recv() => sender.fire(Signal::Terminate),
            }
        }
    });
    interrupt
}
