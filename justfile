# Conveniences over plain cargo and scripts; never a prerequisite.

default:
    @just --list

# the main job on the embedded default
demo:
    cargo run -- inspect models

# every test
test:
    cargo test --workspace

# format, lint
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# start/stop/show the embedded dev cluster
dev-db action="status":
    cargo run -- dev {{action}}
